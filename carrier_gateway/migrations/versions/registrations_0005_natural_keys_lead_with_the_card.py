"""natural keys lead with the card reference

A registration's natural key becomes its card reference, ":", then the keyed digest it
was (provisioning.registrations.accept.natural_key): the unique index on it is ordered
by card, so a push lands beside its neighbours' keys instead of at a random place.
Stored keys are rewritten the same way (a purged registration's key, "~" and its id, is
left as it is), so a retried push still finds its first copy. Stop every `carrier
serve` before running it: a process still on the earlier release would go on writing
keys without the card, which a retry would not find. On SQLite the column's new length
rebuilds the table (once).

Revision ID: registrations_0005
Revises: registrations_0004
Create Date: 2026-11-30 12:08:17
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'registrations_0005'
down_revision = 'registrations_0004'
branch_labels = None
depends_on = None

#: a purged registration's key ("~" and its id: provisioning.retention.rules) stays
_NOT_PURGED = "natural_key <> '~' || id"


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('natural_key', existing_type=sa.VARCHAR(length=32), type_=sa.String(length=64),
                              existing_nullable=False)
    op.execute(f"UPDATE registrations SET natural_key = card_ref || ':' || natural_key WHERE {_NOT_PURGED}")


def downgrade() -> None:
    op.execute(f"UPDATE registrations SET natural_key = substr(natural_key, length(card_ref) + 2) WHERE {_NOT_PURGED}")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('natural_key', existing_type=sa.String(length=64), type_=sa.VARCHAR(length=32),
                              existing_nullable=False)
