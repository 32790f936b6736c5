"""HTTP routes for the compare surface (owned by the compare work; registered in create_app)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("compare", __name__)
