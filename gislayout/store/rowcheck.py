"""One feature checked against a layer's pandera schema without pandera's DataFrame pipeline: the edit's fast path.

`passes(schema, row)` runs the very checks of the schema (`gislayout.schema`: the same `pa.Check` objects, their
statistics and their functions) on the values of one row, coerced as pandera coerces them, and returns the
coerced row, or None when the row fails or the schema uses anything this path does not know. None means "ask
pandera": the caller then validates as before, so a failure is always reported by pandera in its own words,
and a rule added to the schema that this path cannot evaluate simply takes the slow path. It costs well under a
millisecond where pandera takes about twenty for one row; `tests/test_rowcheck.py` holds it to pandera's verdict
and output on every row of the curated files and on broken variants of them.
"""

from __future__ import annotations

import math
import re
from typing import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa

_MISSING = object()


def _is_na(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _as_str(value):
    """A value as pandera's coercion to `str` (pandas' python string dtype) leaves it; NA for a missing one."""
    if _is_na(value):
        return pd.NA
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return str(value)
    raise TypeError  # lists, objects: leave them to pandera


def _as_float(value):
    """A value as pandera's coercion to float64 leaves it (NaN for a missing one); ValueError if it cannot."""
    if _is_na(value):
        return math.nan
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return float(value)  # as numpy's cast from object does (float("1e3"), float(" 2 "))
    raise TypeError


#: Coercion by pandera's dtype name.
_COERCE: dict[str, Callable] = {"string[python]": _as_str, "float64": _as_float}


def _builtin(check: pa.Check, value) -> bool | None:
    """The verdict of one of pandera's built-in checks on one value (not NA), or None for one not known here."""
    s = check.statistics
    name = check.name
    if name == "isin":
        return value in s["allowed_values"]
    if name == "notin":
        return value not in s["forbidden_values"]
    if name == "str_matches":
        pattern = s["pattern"]
        return (pattern.match(value) if isinstance(pattern, re.Pattern) else re.match(pattern, value)) is not None
    if name == "str_startswith":
        return value.startswith(s["string"])
    if name == "str_endswith":
        return value.endswith(s["string"])
    if name == "str_length":
        n = len(value)
        if s.get("exact_value") is not None:
            return n == s["exact_value"]
        return (s.get("min_value") is None or n >= s["min_value"]) and \
            (s.get("max_value") is None or n <= s["max_value"])
    if name == "in_range":
        low = value >= s["min_value"] if s.get("include_min", True) else value > s["min_value"]
        high = value <= s["max_value"] if s.get("include_max", True) else value < s["max_value"]
        return bool(low and high)
    compare = {"greater_than_or_equal_to": lambda v, m: v >= m, "greater_than": lambda v, m: v > m,
               "less_than_or_equal_to": lambda v, m: v <= m, "less_than": lambda v, m: v < m}
    if name in compare:
        return bool(compare[name](value, s["min_value"] if "min_value" in s else s["max_value"]))
    if name == "equal_to":
        return value == s["value"]
    if name == "not_equal_to":
        return value != s["value"]
    return None


def _is_builtin(check: pa.Check) -> bool:
    """One of pandera's own checks (isin, str_matches, …), whose statistics say everything it tests."""
    return getattr(check._check_fn, "__module__", "").startswith("pandera")


def _custom(check: pa.Check, series: pd.Series | pd.DataFrame) -> bool | None:
    """A check given as a function of the column (or the frame), run on the one row; None if it cannot be."""
    if check.groupby is not None or check.element_wise or check.raise_warning:
        return None
    result = check._check_fn(series, **check._check_kwargs)
    if isinstance(result, (pd.Series, pd.DataFrame)):
        return bool(result.to_numpy().all())
    return bool(result)


#: Verdicts of a column's own check (a function of the column) on one value, per check object: a check is a pure
#: function of its values, as pandera's model has it, and a schema (with its checks) is made again when the data
#: it closes over changes (`validation.layer_schema`), so a verdict is never reused across vocabularies.
_VERDICTS = "_gislayout_verdicts"
_MAX_VERDICTS = 4096


def _column_custom(check: pa.Check, value, dtype: str, name: str) -> bool | None:
    """`_custom` of a column check on the one value (not NA), remembered per check and value."""
    memo = check.__dict__.setdefault(_VERDICTS, {})
    key = (dtype, name, type(value), value)
    try:
        return memo[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value: just run it
        return _custom(check, pd.Series([value], dtype=dtype, name=name))
    verdict = _custom(check, pd.Series([value], dtype=dtype, name=name))
    if len(memo) >= _MAX_VERDICTS:
        memo.clear()
    memo[key] = verdict
    return verdict


def _one_row(row: dict) -> pd.DataFrame:
    """`pd.DataFrame([row], dtype=object)`, made from one object block (a third of the time)."""
    values = np.empty((1, len(row)), dtype=object)
    values[0, :] = list(row.values())
    return pd.DataFrame(values, columns=list(row), dtype=object, copy=False)


def _plain_schema(schema: pa.DataFrameSchema) -> bool:
    return (schema.coerce and not schema.strict and not schema.unique and not schema.ordered
            and schema.index is None and schema.dtype is None and not schema.add_missing_columns
            and not getattr(schema, "parsers", None))


def passes(schema: pa.DataFrameSchema, row: dict) -> dict | None:
    """`row` coerced by `schema` if it passes every check of it, else None (then pandera must decide and say why)."""
    if not _plain_schema(schema):
        return None
    out = dict(row)
    coerced = {}
    for name, col in schema.columns.items():
        value = row.get(name, _MISSING)
        if value is _MISSING:
            if col.required:
                return None
            continue
        if col.regex or getattr(col, "parsers", None) or col.default is not None:
            return None
        coerce = _COERCE.get(str(col.dtype))
        if coerce is None:
            return None
        try:
            value = coerce(value)
        except (TypeError, ValueError, OverflowError):
            return None
        na = _is_na(value)
        if na and not col.nullable:
            return None
        for check in col.checks:
            if na and check.ignore_na:
                continue
            if na:
                return None
            if _is_builtin(check):
                verdict = _builtin(check, value)
            else:
                verdict = _column_custom(check, value, str(col.dtype), name)
            if not verdict:
                return None
        coerced[name] = value
    out.update(coerced)
    if schema.checks:
        frame = _one_row(out)  # the coerced values (one block: cheap to make)
        for check in schema.checks:
            if _is_builtin(check) or not _custom(check, frame):
                return None
    return out
