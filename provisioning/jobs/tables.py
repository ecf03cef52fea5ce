"""Tables of provisioning.jobs (migration branch `jobs`).

A job is one uploaded JSON Lines file. Its lines wait in ``job_chunks`` (encrypted:
they hold personal data) until a worker ingests them; each chunk is deleted in the
transaction that writes its lines' results, so a chunk exists exactly until it is done.
``job_results`` maps every non-blank input line to its registration (or its errors)
and holds no personal data.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text, func, text

from numbering.dbtypes import UtcDateTime
from provisioning.meta import metadata

jobs = Table(
    "jobs",
    metadata,
    #: time-ordered public id (provisioning.registrations.ids, prefix "j")
    Column("id", String(24), primary_key=True),
    Column("enterprise_id", Integer, nullable=False),
    #: RECEIVING (upload being stored, not yet answered), RECEIVED, INGESTING, INGESTED,
    #: COMPLETED (every line has a final outcome), ABANDONED (an upload that never
    #: finished: its process died before answering)
    Column("status", String(12), nullable=False, server_default="RECEIVING"),
    #: who uploaded it (e.g. ``oem:<key id>``)
    Column("actor", String(80), nullable=False),
    Column("bytes", BigInteger, nullable=False, server_default="0"),
    Column("sha256", String(64), nullable=True),
    #: non-blank lines (records) received, and the last physical line number
    Column("lines_received", Integer, nullable=False, server_default="0"),
    Column("last_line", Integer, nullable=False, server_default="0"),
    Column("chunks", Integer, nullable=False, server_default="0"),
    Column("chunks_done", Integer, nullable=False, server_default="0"),
    Column("lines_ingested", Integer, nullable=False, server_default="0"),
    Column("lines_invalid", Integer, nullable=False, server_default="0"),
    #: lines whose registration this job created (the rest were invalid or found a first copy)
    Column("registrations_created", Integer, nullable=False, server_default="0"),
    #: valid lines whose registration was seen decided, by its status then (see settle.py)
    Column("lines_verified", Integer, nullable=False, server_default="0"),
    Column("lines_rejected", Integer, nullable=False, server_default="0"),
    Column("lines_superseded", Integer, nullable=False, server_default="0"),
    #: invalid lines past the per-job cap on kept errors: counted here, not stored one by one
    Column("errors_dropped", Integer, nullable=False, server_default="0"),
    #: chunks given up after repeated failures (their lines got NOT_INGESTED results), and why
    Column("chunks_failed", Integer, nullable=False, server_default="0"),
    Column("failure", String(200), nullable=True),
    #: settling walks the unsettled lines in order: the last line looked at, and when next
    Column("settle_after", Integer, nullable=False, server_default="0"),
    Column("settle_due", BigInteger, nullable=False, server_default="0"),
    #: Unix seconds of the last write while RECEIVING (a stale upload is abandoned)
    Column("touched_at", BigInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, server_default=func.now()),
    Column("received_at", UtcDateTime, nullable=True),
    Column("ingested_at", UtcDateTime, nullable=True),
    Index("ix_jobs_enterprise", "enterprise_id", "id"),
    Index("ix_jobs_receiving", "touched_at", postgresql_where=text("status = 'RECEIVING'"),
          sqlite_where=text("status = 'RECEIVING'")),
    Index("ix_jobs_settling", "settle_due", postgresql_where=text("status IN ('INGESTING', 'INGESTED')"),
          sqlite_where=text("status IN ('INGESTING', 'INGESTED')")),
)

job_chunks = Table(
    "job_chunks",
    metadata,
    Column("job_id", String(24), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("first_line", Integer, nullable=False),
    Column("line_count", Integer, nullable=False),
    #: AES-256-GCM of the JSON list of the chunk's physical lines (context bound to job and seq)
    Column("lines_enc", Text, nullable=False),
    #: Unix seconds when the chunk may be claimed; NULL until its upload is complete.
    #: A claim moves it to the end of a lease: a dead worker's chunk falls due again.
    Column("due_at", BigInteger, nullable=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    #: why the last attempt failed (an error class, never data), shown if the chunk is given up
    Column("last_error", String(200), nullable=True),
    Index("ix_job_chunks_due", "due_at"),
)

job_results = Table(
    "job_results",
    metadata,
    Column("job_id", String(24), primary_key=True),
    #: the 1-based physical line number in the uploaded file
    Column("line", Integer, primary_key=True),
    Column("registration_id", String(24), nullable=True),
    #: JSON list of {"code", "field", "message"} for a line that was not stored (no personal data)
    Column("errors", Text, nullable=True),
    #: INVALID, or the registration's status when it was first seen decided; NULL until then
    Column("outcome", String(12), nullable=True),
    Index("ix_job_results_unsettled", "job_id", "line", postgresql_where=text("outcome IS NULL"),
          sqlite_where=text("outcome IS NULL")),
)
