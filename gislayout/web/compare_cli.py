"""Flask CLI commands for the compare surface; `commands` is registered by cli.init_app."""

from __future__ import annotations

import click

commands: list[click.Command] = []
