"""HTTP routes for the export surface (owned by the export work; registered in create_app)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("export", __name__)
