"""The Flask application factory: config, blueprints, error handlers and CLI commands."""

from __future__ import annotations

import os

from flask import Flask

from .. import config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance config (`instance/config.py`), then `test_config`."""
    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(config.ROOT / "templates"), static_folder=str(config.ROOT / "static"))
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        TIANDITU_KEY=os.environ.get("GISLAYOUT_TIANDITU_KEY", ""),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from . import api, cli, compare_api, errors, export_api, pages, resources_api, siting_api
    errors.init_app(app)
    for blueprint in (pages.bp, api.bp, resources_api.bp, siting_api.bp, export_api.bp, compare_api.bp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    return app
