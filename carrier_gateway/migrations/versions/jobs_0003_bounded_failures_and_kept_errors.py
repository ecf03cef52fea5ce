"""bounded failures: a chunk's last error, a job's failed chunks and dropped error lines

Revision ID: jobs_0003
Revises: jobs_0002
Create Date: 2026-11-30 02:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'jobs_0003'
down_revision = 'jobs_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('errors_dropped', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('chunks_failed', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('failure', sa.String(length=200), nullable=True))
    with op.batch_alter_table('job_chunks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_error', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('job_chunks', schema=None) as batch_op:
        batch_op.drop_column('last_error')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('failure')
        batch_op.drop_column('chunks_failed')
        batch_op.drop_column('errors_dropped')
