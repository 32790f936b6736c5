"""How a user's mistakes are reported: one number validator, and one CLI translation of GislayoutError."""

import click
import pytest
from click.testing import CliRunner

from gislayout import errors
from gislayout.web.cli import user_errors


def _commands(group: click.Group, ctx: click.Context):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from _commands(command, ctx)
        else:
            yield command


def test_every_gislayout_command_translates_errors(app):
    group = app.cli
    with click.Context(group) as ctx:
        ours = [c for c in _commands(group, ctx) if c.callback.__module__.startswith("gislayout.")]
        assert len(ours) >= 10
        unwrapped = [c.name for c in ours if not hasattr(c.callback, "__wrapped__")]
    assert unwrapped == []


@pytest.mark.parametrize("cls, code", [(errors.BadParameter, 2), (errors.NotFound, 2), (errors.InvalidData, 1),
                                       (errors.LayerDataError, 1), (errors.ResourceUnavailable, 1)])
def test_error_classes_map_to_exit_codes(cls, code):
    @click.command()
    @user_errors
    def fail():
        raise cls(f"bad value {'x'!r}")

    result = CliRunner().invoke(fail)
    assert result.exit_code == code and "Error: bad value 'x'" in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, errors.GislayoutError)


def test_a_real_command_says_what_is_unknown(runner):
    result = runner.invoke(args=["resources", "remove", "no_such_resource"])
    assert result.exit_code == 2 and "'no_such_resource'" in result.output


@pytest.mark.parametrize("value, fragment", [("abc", "must be a number, got 'abc'"), ("nan", "finite number, got 'nan'"),
                                             (float("inf"), "finite number, got inf"), (None, "got None"),
                                             ("11", "between 0 and 10, got '11'"), (-0.5, "got -0.5")])
def test_one_number_validator_quotes_the_value(value, fragment):
    with pytest.raises(errors.BadParameter, match=fragment):
        errors.number(value, "x", 0, 10)
    assert errors.number(" 7.5 ", "x", 0, 10) == 7.5
