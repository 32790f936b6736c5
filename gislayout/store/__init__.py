"""The plan store: named versions of the layout, their edits and history, region schemes and accounts, in one
database (SpatiaLite by default, PostgreSQL + PostGIS by URL). `db` connects, `models` holds the tables.
"""
