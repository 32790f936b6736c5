"""Flask CLI commands for accounts: `flask users add|list|remove|role|password|token|tokens list|tokens revoke`.

    flask --app app users add alice --role editor          # asks for the password twice, hidden
    printf '%s\\n' "$PW" | flask --app app users add ci --role editor   # a script: one line on stdin
    flask --app app users token ci --label nightly          # prints a new API token, once
    flask --app app users tokens list [NAME]                # id, user, label, scope, created, last used, expires
    flask --app app users tokens revoke ID                  # revoke one token by its id
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..store import accounts
from .cli_errors import user_errors


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _password(given: str | None) -> str:
    """`--password`, else a hidden prompt typed twice at a terminal, else one line of stdin (scripts)."""
    if given is not None:
        return given
    if _stdin_is_terminal():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line:
        raise click.UsageError("no password: give --password, type it at a terminal, or send one line on stdin")
    return line.rstrip("\r\n")


# An AppGroup runs each command in an app context, so it works on the app's database (DATABASE_URL).
users_group = AppGroup("users", help="Manage the accounts that may write (reading needs none).")


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), default="editor", show_default=True,
              help="viewer reads, editor writes, admin also locks anyone's versions.")
@click.option("--password", help="The password (else asked for, or read from one line of stdin).")
@user_errors
def add_command(name: str, role: str, password: str | None) -> None:
    """Create the account NAME."""
    accounts.check_name(name)  # before asking for a password that could not be used
    user = accounts.add_user(name, _password(password), role)
    click.echo(f"added {user['name']} ({user['role']})")


@users_group.command("list")
@user_errors
def list_command() -> None:
    """List the accounts: name, role, created, number of API tokens."""
    listed = accounts.list_users()
    for user in listed:
        click.echo(f"{user['name']}\t{user['role']}\t{user['created_at']}\t{user['tokens']} token(s)")
    if not listed:
        click.echo("no users yet; add one with: flask --app app users add NAME --role editor")


@users_group.command("remove")
@click.argument("name")
@user_errors
def remove_command(name: str) -> None:
    """Delete the account NAME and its API tokens."""
    accounts.remove_user(name)
    click.echo(f"removed {name}")


@users_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(accounts.ROLES))
@user_errors
def role_command(name: str, role: str) -> None:
    """Give NAME another ROLE."""
    user = accounts.set_role(name, role)
    click.echo(f"{user['name']} is now {user['role']}")


@users_group.command("password")
@click.argument("name")
@click.option("--password", help="The new password (else asked for, or read from one line of stdin).")
@user_errors
def password_command(name: str, password: str | None) -> None:
    """Set a new password for NAME (their sessions end and their API tokens are revoked)."""
    if accounts.get_user(accounts.check_name(name)) is None:
        raise click.UsageError(f"no user {name!r}")
    accounts.set_password(name, _password(password))
    click.echo(f"new password set for {name}; their sessions ended and their API tokens were revoked")


@users_group.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for (shown in `users tokens list`).")
@click.option("--scope", type=click.Choice(accounts.SCOPES), default=None,
              help="read or write (default: write for an editor or admin, read for a viewer).")
@click.option("--days", type=click.IntRange(1, accounts.MAX_TOKEN_DAYS), default=accounts.TOKEN_DAYS,
              show_default=True, help="Days until the token expires.")
@user_errors
def token_command(name: str, label: str, scope: str | None, days: int) -> None:
    """Print a new API token for NAME (for 'Authorization: Bearer …'); it is shown only this once."""
    click.echo(accounts.create_token(name, label, scope=scope, days=days))


tokens_group = AppGroup("tokens", help="List and revoke API tokens.")
users_group.add_command(tokens_group)


@tokens_group.command("list")
@click.argument("name", required=False)
@user_errors
def tokens_list_command(name: str | None) -> None:
    """List live API tokens (of NAME, or everyone's): id, user, label, scope, created, last used, expires."""
    listed = accounts.list_tokens(name)
    for t in listed:
        click.echo("\t".join((t["id"], t["user"], t["label"] or "-", t["scope"], t["created_at"],
                              t["last_used_at"] or "never used", t["expires_at"] or "no expiry")))
    if not listed:
        click.echo("no API tokens")


@tokens_group.command("revoke")
@click.argument("ident")
@user_errors
def tokens_revoke_command(ident: str) -> None:
    """Revoke the API token whose id is IDENT (from `users tokens list`)."""
    if not accounts.revoke_token_id(ident):
        raise click.UsageError(f"no API token {ident!r}; see: flask users tokens list")
    click.echo(f"revoked {ident}")


commands: list[click.Command] = [users_group]
