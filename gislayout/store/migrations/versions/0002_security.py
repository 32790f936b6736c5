"""Security: a session generation per user, API tokens with scope, last use and expiry, sign-in throttling.

Revision ID: 0002_security
Revises: 0001
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

from gislayout.store.models import text

revision = '0002_security'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_gen', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', text(16), nullable=False, server_default='write'))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('throttle',
    sa.Column('key', text(200), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('upload_quota',
    sa.Column('owner', text(200), nullable=False),
    sa.Column('kind', text(32), nullable=False),
    sa.Column('item', text(128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'item')
    )


def downgrade() -> None:
    op.drop_table('upload_quota')
    op.drop_table('throttle')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('scope')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_gen')
