"""The data version moves with every data file, derived caches follow it, and the app carries its own settings."""

from __future__ import annotations

import os

import pytest
from flask import current_app

from gislayout import config, dataversion, layers
from gislayout.web import create_app


def test_the_token_moves_with_a_layer_file_a_scheme_and_an_install(layers_copy, tmp_path):
    first = dataversion.token()
    assert dataversion.token() == first  # stable while nothing changes
    bases = layers_copy / "bases.csv"
    os.utime(bases, ns=(bases.stat().st_atime_ns, bases.stat().st_mtime_ns + 1))
    second = dataversion.token()
    assert second != first
    (layers_copy / "schemes" / "2009.json").rename(layers_copy / "schemes" / "2009b.json")
    assert dataversion.token() != second
    with config.use(config.settings().replace(build_dir=tmp_path)):
        empty = dataversion.token()
        (tmp_path / "resources").mkdir()
        (tmp_path / "resources" / ".x.1.tmp.tif").write_bytes(b"half")  # an install in progress: not data yet
        assert dataversion.token() == empty
        (tmp_path / "resources" / "x.tif").write_bytes(b"cog")
        assert dataversion.token() != empty


def test_a_scope_sees_one_version(layers_copy):
    bases = layers_copy / "bases.csv"
    with dataversion.scope():
        before = dataversion.token()
        os.utime(bases, ns=(bases.stat().st_atime_ns, bases.stat().st_mtime_ns + 1))
        assert dataversion.token() == before
    assert dataversion.token() != before


def test_a_cached_value_follows_the_data_and_the_settings(layers_copy, tmp_path):
    name = layers.load("bases")["name_en"].iloc[0]
    text = (layers_copy / "bases.csv").read_text(encoding="utf-8")
    (layers_copy / "bases.csv").write_text(text.replace(name, "Renamed base", 1), encoding="utf-8")
    assert layers.load("bases")["name_en"].iloc[0] == "Renamed base"  # no reload, no restart
    with config.use(config.settings().replace(layers_dir=config.make().layers_dir)):
        assert layers.load("bases")["name_en"].iloc[0] == name  # other settings, other cache entry


def test_the_app_carries_its_settings_into_requests_and_cli(tmp_path):
    app = create_app({"TESTING": True, "BUILD_DIR": tmp_path / "b", "LAYERS_DIR": tmp_path / "l"})
    assert app.config["BUILD_DIR"] == tmp_path / "b"
    with app.app_context():
        assert config.settings().build_dir == tmp_path / "b" and config.settings().layers_dir == tmp_path / "l"
    assert config.settings().build_dir != tmp_path / "b"  # restored when the context ends

    @app.cli.command("where")
    def where():
        print(current_app.config["BUILD_DIR"], config.settings().build_dir)

    out = app.test_cli_runner().invoke(args=["where"]).output.split()
    assert out == [str(tmp_path / "b")] * 2


def test_instance_config_is_read_only_without_a_test_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(f"BUILD_DIR = {str(tmp_path / 'elsewhere')!r}\n", encoding="utf-8")
    monkeypatch.setenv("GISLAYOUT_INSTANCE_PATH", str(tmp_path))
    assert create_app().config["BUILD_DIR"] == str(tmp_path / "elsewhere")
    assert create_app({"TESTING": True}).config["BUILD_DIR"] == config.make().build_dir


def test_the_worker_header_is_off_unless_asked(client, monkeypatch):
    assert "X-Gislayout-Worker" not in client.get("/api/formats").headers
    monkeypatch.setenv("GISLAYOUT_TEST_WORKER_HEADER", "1")
    resp = create_app({"TESTING": True}).test_client().get("/api/formats")
    assert resp.headers["X-Gislayout-Worker"] == str(os.getpid())


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="0"):
        config.make(max_exclusion_sets=0)
