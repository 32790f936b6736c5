"""Schemas for the curated layer files in `layers/`, checked every time a file is loaded."""

from __future__ import annotations

import math

import pandas as pd
import pandera.pandas as pa

from .errors import LayerDataError

PRECISIONS = ("site", "county", "prefecture")
LEVELS = ("national", "provincial")
KINDS = {
    "bases": ("base",),
    "parks": ("high_tech_zone", "etdz", "development_zone", "circular_economy_park", "software_park",
              "university_science_park", "industry_park", "cluster_area"),
    "enterprises": ("enterprise", "institute", "university", "research_facility"),
    "projects": ("wind_farm", "pv_plant", "pv_base", "nuclear_site", "pumped_storage"),
}
#: A policy clause such as 三(二)2, 三(一)4 or several joined by ';'.
CLAUSE = r"^[一二三四五六七八九十]+(\([一二三四五六七八九十]+\)\d*)?(;[一二三四五六七八九十]+(\([一二三四五六七八九十]+\)\d*)?)*$"
ID = r"^[a-z0-9_]+$"
# Gansu's bounding box with a small margin; the prefecture test is the real check.
LON, LAT = (92.0, 109.0), (32.0, 43.0)


def _codes_in(vocabulary: set[str]):
    def check(series: pd.Series) -> pd.Series:
        return series.fillna("").map(lambda v: all(c in vocabulary for c in v.split(";") if c))
    return pa.Check(check, error="codes must be among the sector vocabulary")


def point_schema(layer: str, sectors: set[str], prefectures: set[str]) -> pa.DataFrameSchema:
    """The schema every row of a point layer file (bases, parks, enterprises, projects) must pass."""
    text = pa.Column(str, pa.Check.str_length(min_value=1))
    columns = {
        "id": pa.Column(str, [pa.Check.str_matches(ID)], unique=True),
        "name_zh": text,
        "name_en": text,
        "kind": pa.Column(str, pa.Check.isin(KINDS[layer])),
        "sectors": pa.Column(str, [pa.Check.str_length(min_value=1), _codes_in(sectors)]),
        "subsectors": pa.Column(str, _codes_in(sectors), nullable=True, required=False),
        "prefecture": pa.Column(str, pa.Check.isin(sorted(prefectures))),
        "county": pa.Column(str, nullable=True),
        "precision": pa.Column(str, pa.Check.isin(PRECISIONS)),
        "lon": pa.Column(float, pa.Check.in_range(*LON)),
        "lat": pa.Column(float, pa.Check.in_range(*LAT)),
        "source": pa.Column(str, pa.Check.str_matches(CLAUSE)),
        "location_note": pa.Column(str, nullable=True, required=False),
    }
    if layer == "bases":
        columns["level"] = pa.Column(str, pa.Check.isin(LEVELS))
    elif layer == "parks":
        columns["level"] = pa.Column(str, pa.Check.isin(LEVELS), nullable=True)
    if layer == "projects":
        columns["capacity_mw"] = pa.Column(float, pa.Check.ge(0), nullable=True)
        columns["target_year"] = pa.Column(float, pa.Check.in_range(2010, 2030), nullable=True)
        columns["technology"] = pa.Column(str)
        columns["status"] = pa.Column(str, nullable=True)
    return pa.DataFrameSchema(columns, strict=False, coerce=True, name=layer)


def _finite(series: pd.Series) -> pd.Series:
    # pandera runs checks even when coercion failed, so non-numbers must come out False here, not raise.
    return pd.to_numeric(series, errors="coerce").map(math.isfinite)


def targets_schema() -> pa.DataFrameSchema:
    """The schema of `layers/targets.csv`: one row per quantitative target of the policy."""
    text = pa.Column(str, pa.Check.str_length(min_value=1))
    return pa.DataFrameSchema({
        "id": pa.Column(str, pa.Check.str_matches(ID), unique=True),
        "indicator_zh": text,
        "indicator_en": text,
        "value": pa.Column(float, pa.Check(_finite, error="must be a finite number")),
        "units": text,
        "comparator": pa.Column(str, pa.Check.isin((">=", "<=", "="))),
        "year": pa.Column(int, pa.Check.in_range(2010, 2030)),
        "scope": text,
        "source": pa.Column(str, pa.Check.str_matches(CLAUSE)),
    }, strict=False, coerce=True, name="targets")


def validate(df: pd.DataFrame, schema: pa.DataFrameSchema, filename: str) -> pd.DataFrame:
    """Validate `df` against `schema`, raising LayerDataError that names the file, rows and values at fault."""
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(10)
        lines = [f"{r.column}: {r.check} failed for {r.failure_case!r} (row {r.index})" for r in cases.itertuples()]
        raise LayerDataError(f"{filename} fails its schema: " + "; ".join(lines)) from None
