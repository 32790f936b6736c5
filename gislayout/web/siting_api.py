"""HTTP routes for the siting surface (owned by the siting work; registered in create_app)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("siting", __name__)
