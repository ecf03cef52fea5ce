"""partial indexes: verified registrations by VIN and by owner, job lines only where there is a job

A push (PENDING) then writes no entry to the VIN and owner indexes, its decision one
(they were (vin, status) and (doc_index, status): an entry at the push, moved at the
decision); a push outside a job writes none to the job index.

Revision ID: registrations_0004
Revises: registrations_0003
Create Date: 2026-11-30 11:29:50
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'registrations_0004'
down_revision = 'registrations_0003'
branch_labels = None
depends_on = None

_VERIFIED = {"postgresql_where": sa.text("status = 'VERIFIED'"), "sqlite_where": sa.text("status = 'VERIFIED'")}
_IN_A_JOB = {"postgresql_where": sa.text("job_id IS NOT NULL"), "sqlite_where": sa.text("job_id IS NOT NULL")}


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_doc')
        batch_op.drop_index('ix_registrations_vin')
        batch_op.drop_index('ix_registrations_job')
        batch_op.create_index('ix_registrations_verified_doc', ['doc_index'], unique=False, **_VERIFIED)
        batch_op.create_index('ix_registrations_verified_vin', ['vin'], unique=False, **_VERIFIED)
        batch_op.create_index('ix_registrations_job', ['job_id', 'job_line'], unique=False, **_IN_A_JOB)


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_job')
        batch_op.drop_index('ix_registrations_verified_vin')
        batch_op.drop_index('ix_registrations_verified_doc')
        batch_op.create_index('ix_registrations_job', ['job_id', 'job_line'], unique=False)
        batch_op.create_index('ix_registrations_vin', ['vin', 'status'], unique=False)
        batch_op.create_index('ix_registrations_doc', ['doc_index', 'status'], unique=False)
