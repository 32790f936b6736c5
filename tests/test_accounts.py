"""Accounts in the store: hashed passwords, tokens kept as digests only, roles; and the `flask users` commands."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from gislayout import config
from gislayout.errors import BadParameter, Conflict, NotFound
from gislayout.store import accounts, db
from gislayout.store.models import tokens, users
from gislayout.web import create_app, users_cli

PASSWORD = "correct horse battery"


@pytest.fixture()
def store(tmp_path):
    """An empty store of this test, active for library calls; yields its URL."""
    url = f"sqlite:///{tmp_path}/t.sqlite"
    with config.use(config.settings().replace(database_url=url)):
        yield url
    db.engine(url).dispose()


def _rows(table) -> list:
    with db.reading() as conn:
        return conn.execute(sa.select(table)).all()


def test_the_stored_hash_is_not_the_password_and_werkzeug_verifies_it(store):
    user = accounts.add_user("alice", PASSWORD, "editor")
    assert user["name"] == "alice" and user["role"] == "editor" and user["created_at"].endswith("Z")
    (row,) = _rows(users)
    assert PASSWORD not in row.password_hash
    assert check_password_hash(row.password_hash, PASSWORD)
    assert not check_password_hash(row.password_hash, PASSWORD + "!")


def test_authenticate(store):
    accounts.add_user("alice", PASSWORD, "admin")
    assert accounts.authenticate("alice", PASSWORD)["role"] == "admin"
    assert accounts.authenticate("alice", "wrong password") is None
    assert accounts.authenticate("bob", PASSWORD) is None
    assert accounts.authenticate("alice", None) is None
    assert accounts.authenticate("alice", "x" * (accounts.MAX_PASSWORD + 1)) is None


def test_an_unknown_name_costs_a_hash_check_too(store, monkeypatch):
    """The time of a failed sign-in does not tell whether the name exists: both check one hash."""
    accounts.add_user("alice", PASSWORD)
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    accounts.authenticate("alice", "wrong password")
    accounts.authenticate("nobody", "wrong password")
    accounts.authenticate("<bad name>", "wrong password")
    assert len(checked) == 3 and checked[1] == checked[2] != checked[0]


@pytest.mark.parametrize("name", ["", "a b", "<img src=x onerror=alert(1)>", "../etc", "x" * 65, "名字", "bob\n",
                                  None, 7])
def test_a_bad_name_is_refused_quoting_it(store, name):
    with pytest.raises(BadParameter, match="user name .* is not valid") as info:
        accounts.add_user(name, PASSWORD, "editor")
    assert repr(name) in info.value.message
    assert _rows(users) == []


def test_bad_role_and_password_are_refused(store):
    with pytest.raises(BadParameter, match="unknown role 'owner'; allowed: viewer, editor, admin"):
        accounts.add_user("alice", PASSWORD, "owner")
    with pytest.raises(BadParameter, match="8 to 1024 characters, got 3"):
        accounts.add_user("alice", "abc", "editor")
    assert _rows(users) == []


def test_a_taken_name_is_a_conflict(store):
    accounts.add_user("alice", PASSWORD)
    with pytest.raises(Conflict, match="user 'alice' already exists"):
        accounts.add_user("alice", "another password", "admin")
    assert accounts.authenticate("alice", PASSWORD)["role"] == "editor"


def test_set_password_set_role_and_remove(store):
    accounts.add_user("alice", PASSWORD)
    stamp = accounts.session_stamp("alice")
    assert accounts.session_user("alice", stamp)["name"] == "alice"
    accounts.set_password("alice", "a new password")
    assert accounts.authenticate("alice", PASSWORD) is None and accounts.authenticate("alice", "a new password")
    assert accounts.session_user("alice", stamp) is None  # old sessions end with the old password
    assert accounts.set_role("alice", "viewer")["role"] == "viewer"
    accounts.remove_user("alice")
    assert accounts.get_user("alice") is None
    for call in (lambda: accounts.remove_user("alice"), lambda: accounts.set_role("alice", "admin"),
                 lambda: accounts.set_password("alice", PASSWORD), lambda: accounts.create_token("alice")):
        with pytest.raises(NotFound, match="no user 'alice'"):
            call()


def test_a_token_is_stored_as_its_digest_only(store):
    accounts.add_user("alice", PASSWORD)
    token = accounts.create_token("alice", "nightly")
    assert len(token) >= 40
    (row,) = _rows(tokens)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(tuple(row))
    assert accounts.user_for_token(token)["name"] == "alice"
    assert accounts.user_for_token(row.digest) is None  # the digest itself is no credential
    assert accounts.user_for_token(token + "x") is None and accounts.user_for_token("") is None
    assert accounts.revoke_token(token) and accounts.user_for_token(token) is None
    assert not accounts.revoke_token(token)


def test_removing_a_user_removes_their_tokens(store):
    accounts.add_user("alice", PASSWORD)
    token = accounts.create_token("alice")
    accounts.remove_user("alice")
    assert _rows(tokens) == [] and accounts.user_for_token(token) is None


def test_list_users(store):
    accounts.add_user("bob", PASSWORD, "viewer")
    accounts.add_user("alice", PASSWORD, "admin")
    accounts.create_token("alice")
    accounts.create_token("alice")
    listed = accounts.list_users()
    assert [(u["name"], u["role"], u["tokens"]) for u in listed] == [("alice", "admin", 2), ("bob", "viewer", 0)]
    assert all("password_hash" not in u for u in listed)


@pytest.mark.parametrize("role, needed, ok", [("viewer", "viewer", True), ("viewer", "editor", False),
                                              ("editor", "editor", True), ("editor", "admin", False),
                                              ("admin", "editor", True), ("admin", "admin", True)])
def test_role_order(role, needed, ok):
    assert accounts.role_at_least(role, needed) is ok


# ---- flask users … ----

@pytest.fixture()
def runner(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/t.sqlite"})
    runner = app.test_cli_runner()
    yield runner
    db.engine(app.config["DATABASE_URL"]).dispose()


def _in_store(runner, call):
    with runner.app.app_context():
        return call()


def test_cli_add_with_password_option_and_list(runner):
    assert "no users yet" in runner.invoke(args=["users", "list"]).output
    result = runner.invoke(args=["users", "add", "alice", "--role", "admin", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert "added alice (admin)" in result.output
    assert _in_store(runner, lambda: accounts.authenticate("alice", PASSWORD))["role"] == "admin"
    listed = runner.invoke(args=["users", "list"])
    assert listed.exit_code == 0 and listed.output.startswith("alice\tadmin\t")


def test_cli_add_reads_one_line_of_stdin_in_a_script(runner):
    result = runner.invoke(args=["users", "add", "ci"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert _in_store(runner, lambda: accounts.authenticate("ci", PASSWORD))["role"] == "editor"


def test_cli_add_at_a_terminal_asks_twice_without_echo(runner, monkeypatch):
    monkeypatch.setattr(users_cli, "_stdin_is_terminal", lambda: True)
    result = runner.invoke(args=["users", "add", "alice"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert PASSWORD not in result.output
    assert _in_store(runner, lambda: accounts.authenticate("alice", PASSWORD))


@pytest.mark.parametrize("args, code, message", [
    (["users", "add", "<b>x</b>", "--password", PASSWORD], 2, "user name '<b>x</b>' is not valid"),
    (["users", "add", "alice", "--role", "owner", "--password", PASSWORD], 2, "'owner' is not one of"),
    (["users", "add", "alice", "--password", "short"], 2, "8 to 1024 characters"),
    (["users", "remove", "nobody"], 2, "no user 'nobody'"),
    (["users", "role", "nobody", "admin"], 2, "no user 'nobody'"),
    (["users", "token", "nobody"], 2, "no user 'nobody'"),
    (["users", "password", "nobody", "--password", PASSWORD], 2, "no user 'nobody'"),
])
def test_cli_bad_input_is_a_usage_error(runner, args, code, message):
    result = runner.invoke(args=args)
    assert result.exit_code == code, result.output
    assert message in result.output and "Traceback" not in result.output


def test_cli_duplicate_role_remove_and_token(runner):
    assert runner.invoke(args=["users", "add", "alice", "--password", PASSWORD]).exit_code == 0
    again = runner.invoke(args=["users", "add", "alice", "--password", PASSWORD])
    assert again.exit_code == 1 and "user 'alice' already exists" in again.output
    assert runner.invoke(args=["users", "role", "alice", "viewer"]).output == "alice is now viewer\n"
    result = runner.invoke(args=["users", "token", "alice", "--label", "nightly"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert _in_store(runner, lambda: accounts.user_for_token(token))["role"] == "viewer"
    changed = runner.invoke(args=["users", "password", "alice"], input="a new password\n")
    assert changed.exit_code == 0 and _in_store(runner, lambda: accounts.authenticate("alice", "a new password"))
    assert runner.invoke(args=["users", "remove", "alice"]).exit_code == 0
    assert _in_store(runner, lambda: accounts.user_for_token(token)) is None
