"""HTTP routes for the resources surface (owned by the resources work; registered in create_app)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("resources", __name__)
