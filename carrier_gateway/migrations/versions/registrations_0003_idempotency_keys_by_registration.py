"""idempotency keys by registration: retention finds a purged registration's keys on an index

Revision ID: registrations_0003
Revises: registrations_0002
Create Date: 2026-11-30 08:50:00
"""

from __future__ import annotations

from alembic import op

revision = 'registrations_0003'
down_revision = 'registrations_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index('ix_idempotency_keys_registration', ['registration_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_idempotency_keys_registration')
