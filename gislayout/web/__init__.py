"""The Flask application factory: config, blueprints, error handlers and CLI commands."""

from __future__ import annotations

import inspect
import os

from flask import Flask, appcontext_pushed, g, request

from .. import config, dataversion, workspace
from . import api, auth, briefing_page, cli, compare_api, compression, errors, export_api, pages, record_api
from . import resources_api, schemes_page, security, siting_api, siting_tiles, store_api


class App(Flask):
    """Flask, remembering which views and hooks are plain functions: Flask asks for each one on every call (eight
    times a request), and none of ours is a coroutine."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._plain: set = set()

    def ensure_sync(self, func):
        if func in self._plain:
            return func
        if inspect.isfunction(func) and not inspect.iscoroutinefunction(func):
            self._plain.add(func)
            return func
        return super().ensure_sync(func)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance config (`instance/config.py`), then `test_config`.

    The instance folder is `GISLAYOUT_INSTANCE_PATH` if set, else `instance/` at the repository root.

    Config keys of the data: `LAYERS_DIR`, `BUILD_DIR` (defaults: `GISLAYOUT_LAYERS_DIR`, `GISLAYOUT_BUILD_DIR`,
    else the repository's `layers/` and `build/`), `MAX_EXCLUSION_SETS` and `DATABASE_URL` (the plan store:
    `GISLAYOUT_DATABASE_URL`, else `gislayout.gpkg` in the instance folder). They are read once here; every app
    context (request or CLI command) runs with them as `gislayout.config.settings()`. `WORKER_HEADER` (from
    `GISLAYOUT_TEST_WORKER_HEADER`, off by default) is for tests only: it adds the serving process id to every
    response as `X-Gislayout-Worker`, so a test can see which gunicorn worker answered.
    """
    instance = os.environ.get("GISLAYOUT_INSTANCE_PATH")  # default: `instance/` beside the package
    app = App(__name__, instance_relative_config=True, instance_path=os.path.abspath(instance) if instance else None,
                template_folder=str(config.ROOT / "templates"), static_folder=str(config.ROOT / "static"))
    defaults = config.make()
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        TIANDITU_KEY=os.environ.get("GISLAYOUT_TIANDITU_KEY", ""),
        LAYERS_DIR=defaults.layers_dir,
        BUILD_DIR=defaults.build_dir,
        MAX_EXCLUSION_SETS=defaults.max_exclusion_sets,
        DATABASE_URL=os.environ.get("GISLAYOUT_DATABASE_URL") or config.default_database_url(app.instance_path),
        WORKER_HEADER=os.environ.get("GISLAYOUT_TEST_WORKER_HEADER", "") == "1",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    _init_settings(app)

    errors.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    compression.init_app(app)
    for blueprint in (pages.bp, api.bp, resources_api.bp, siting_api.bp, export_api.bp, compare_api.bp,
                      record_api.bp, siting_tiles.bp, store_api.bp,
                      store_api.schemes_bp, schemes_page.bp, briefing_page.bp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    return app


def _init_settings(app: Flask) -> None:
    """Run every app context with this app's settings, and every request against one data version."""
    settings = config.make(app.config["LAYERS_DIR"], app.config["BUILD_DIR"], app.config["MAX_EXCLUSION_SETS"],
                           app.config["DATABASE_URL"])
    app.extensions["gislayout"] = settings

    # a signal, not a hook: it fires for every app context, including the CLI's and `with app.app_context()`
    def pushed(sender: Flask, **_) -> None:
        g.setdefault("_gislayout_settings", []).append(config.activate(settings))

    appcontext_pushed.connect(pushed, app, weak=False)

    @app.teardown_appcontext
    def restore(_exc) -> None:
        for handle in reversed(g.pop("_gislayout_settings", [])):
            config.deactivate(handle)

    @app.before_request
    def one_version() -> None:
        g._gislayout_version = dataversion.open_scope()
        vid = request.args.get("version")
        if vid:  # the layers of this request come from that version of the plan in the store
            g._gislayout_plan = dataversion.open_plan(workspace.plan(vid, request.args.get("as_of")))

    @app.teardown_request
    def end_version(_exc) -> None:
        if "_gislayout_plan" in g:
            dataversion.close_plan(g.pop("_gislayout_plan"))
        dataversion.close_scope(g.pop("_gislayout_version", None))

    if app.config["WORKER_HEADER"]:
        @app.after_request
        def worker(resp):
            resp.headers["X-Gislayout-Worker"] = str(os.getpid())
            return resp
