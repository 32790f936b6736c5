"""The store's generation: one row bumped with every write to the saved schemes (the data-version stamp).

Revision ID: 0003_generation
Revises: 0002_security
Create Date: 2026-12-07
"""
import secrets

import sqlalchemy as sa
from alembic import op

from gislayout.store.models import text

revision = '0003_generation'
down_revision = '0002_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'generation',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('epoch', text(32), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(table, [{'id': 1, 'epoch': secrets.token_hex(8), 'n': 0}])


def downgrade() -> None:
    op.drop_table('generation')
