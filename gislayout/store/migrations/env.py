"""Alembic environment: runs on the connection `schema_setup` hands over (never reads alembic.ini or a URL)."""

from alembic import context

from gislayout.store import models

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=models.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
