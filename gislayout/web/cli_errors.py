"""`user_errors`: how every Flask CLI command ends on a gislayout error (a message, never a traceback)."""

from __future__ import annotations

import functools

import click

from ..errors import BadParameter, GislayoutError, NotFound

#: Errors in what the user typed: click's usage error (exit 2, with the usage line). Any other exits 1.
USAGE_ERRORS = (BadParameter, NotFound)


def user_errors(command):
    """Decorate a command so that a GislayoutError ends it with click's `Error: <message>`, not a traceback."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except USAGE_ERRORS as exc:
            raise click.UsageError(exc.message) from None
        except GislayoutError as exc:
            raise click.ClickException(exc.message) from None
    return run
