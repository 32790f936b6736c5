"""Flask CLI commands for accounts: `flask users add|list|remove|role|password|token`.

    flask --app app users add alice --role editor          # asks for the password twice, hidden
    printf '%s\\n' "$PW" | flask --app app users add ci --role editor   # a script: one line on stdin
    flask --app app users token ci --label nightly          # prints a new API token, once
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..store import accounts
from .cli import user_errors


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
    """Set a new password for NAME (their browser sessions end; API tokens stay)."""
    if accounts.get_user(accounts.check_name(name)) is None:
        raise click.UsageError(f"no user {name!r}")
    accounts.set_password(name, _password(password))
    click.echo(f"new password set for {name}")


@users_group.command("token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for (shown nowhere but the database).")
@user_errors
def token_command(name: str, label: str) -> None:
    """Print a new API token for NAME (for 'Authorization: Bearer …'); it is shown only this once."""
    click.echo(accounts.create_token(name, label))


commands: list[click.Command] = [users_group]
