"""order stopped reason

Revision ID: cards_0002
Revises: cards_0001
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'cards_0002'
down_revision = 'cards_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # orders run in the background: why one stopped is kept with it, not only in a response
    with op.batch_alter_table('card_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stopped_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('card_orders', schema=None) as batch_op:
        batch_op.drop_column('stopped_reason')
