"""Initial tables: versions, features (every state), changes, schemes, users, tokens.

Revision ID: 0001
Revises: 
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from gislayout.store.geometry import Geom
from gislayout.store.models import JSON, text

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None



def upgrade() -> None:
    op.create_table('schemes',
    sa.Column('id', text(64), nullable=False),
    sa.Column('title_zh', text(200), nullable=False),
    sa.Column('title_en', text(200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('unit', text(16), nullable=False),
    sa.Column('zones', JSON, nullable=False),
    sa.Column('author', text(64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('users',
    sa.Column('name', text(64), nullable=False),
    sa.Column('password_hash', text(256), nullable=False),
    sa.Column('role', text(16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('versions',
    sa.Column('id', text(64), nullable=False),
    sa.Column('name', text(200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('author', text(64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('parent_id', text(64), nullable=True),
    sa.Column('branched_at', sa.Integer(), nullable=True),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('locked_by', text(64), nullable=True),
    sa.Column('baseline', sa.Boolean(), nullable=False),
    sa.Column('source_hash', text(64), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('changes',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version_id', text(64), nullable=True),
    sa.Column('action', text(16), nullable=False),
    sa.Column('layer', text(32), nullable=True),
    sa.Column('fid', text(64), nullable=True),
    sa.Column('author', text(64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('before', JSON, nullable=True),
    sa.Column('after', JSON, nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('seq')
    )
    with op.batch_alter_table('changes', schema=None) as batch_op:
        batch_op.create_index('changes_by_version', ['version_id', 'seq'], unique=False)

    op.create_table('features',
    sa.Column('pk', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version_id', text(64), nullable=False),
    sa.Column('layer', text(32), nullable=False),
    sa.Column('fid', text(64), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('props', JSON, nullable=False),
    sa.Column('geom', Geom(), nullable=False),
    sa.Column('valid_from', sa.Integer(), nullable=False),
    sa.Column('valid_to', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('features', schema=None) as batch_op:
        batch_op.create_index('features_by_layer', ['version_id', 'layer', 'valid_to'], unique=False)
        batch_op.create_index('features_current', ['version_id', 'fid'], unique=True, sqlite_where=sa.text('valid_to IS NULL'), postgresql_where=sa.text('valid_to IS NULL'))

    if op.get_bind().dialect.name == "sqlite":  # PostGIS gets its GiST index from GeoAlchemy2
        _register_geopackage()

    op.create_table('tokens',
    sa.Column('digest', text(64), nullable=False),
    sa.Column('user_name', text(64), nullable=False),
    sa.Column('label', text(200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_name'], ['users.name'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('digest')
    )


def _register_geopackage() -> None:
    """Make the SQLite file a GeoPackage 1.3 (QGIS and GDAL open it as one): the required metadata tables, the
    features table (every state) and a view of the current features, both with EPSG:4326 point geometry."""
    for sql in (
        "PRAGMA application_id = 1196444487",  # 'GPKG'
        "PRAGMA user_version = 10300",
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, "
        "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, "
        "description TEXT)",
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', NULL),"
        "('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', NULL),"
        "('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\","
        "6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\","
        "0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],"
        "AUTHORITY[\"EPSG\",\"4326\"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
        "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, "
        "identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT "
        "(strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, "
        "srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))",
        "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
        "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, "
        "CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), "
        "CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), "
        "CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))",
        "CREATE VIEW current_features AS SELECT pk, version_id, layer, fid, revision, props, geom FROM features "
        "WHERE valid_to IS NULL AND deleted = 0",
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, "
        "srs_id) VALUES ('features', 'features', 'features (every state)', 'Every state of every feature of every "
        "version; the current one has valid_to NULL', 92, 32, 109, 43, 4326), ('current_features', 'features', "
        "'current features', 'The live features of every version (filter on version_id)', 92, 32, 109, 43, 4326)",
        "INSERT INTO gpkg_geometry_columns VALUES ('features', 'geom', 'GEOMETRY', 4326, 0, 0), "
        "('current_features', 'geom', 'GEOMETRY', 4326, 0, 0)",
    ):
        op.execute(sql)


def downgrade() -> None:
    for name in ("tokens", "features", "changes", "versions", "users", "schemes"):
        op.drop_table(name)
