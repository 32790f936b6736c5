"""Schemas for the curated layer files in `layers/`, checked every time a file is loaded."""

from __future__ import annotations

import math

import pandas as pd
import pandera.pandas as pa

from . import config
from .errors import LayerDataError

#: How exact a point is: the thing itself, a co-located facility, one published point of something that spans
#: many sites, a county or prefecture seat, or a label inside the region a figure describes.
PRECISIONS = ("site", "proxy", "representative", "county", "prefecture", "region", "planned")
#: On what basis, per precision: `named` (a source names this very thing here), `candidate` (same place and
#: capacity, the source does not name the policy's project), `co_located`, `aggregate` (a source's one point for
#: many sites), `hull_of_registered_projects`, `seat` (the government seat in admin_names.csv), `region_label`, and `planner` for a point a planner placed
#: in a version of the plan (the store), which is a proposal, not a located fact.
BASES: dict[str, tuple[str, ...]] = {
    "site": ("named", "candidate"), "proxy": ("co_located",),
    "representative": ("aggregate", "hull_of_registered_projects"), "county": ("seat",), "prefecture": ("seat",),
    "region": ("region_label",), "planned": ("planner",),
}
LEVELS = ("national", "provincial")
KINDS = {
    "bases": ("base",),
    "parks": ("high_tech_zone", "etdz", "development_zone", "circular_economy_park", "software_park",
              "university_science_park", "industry_park", "cluster_area"),
    "enterprises": ("enterprise", "institute", "university", "research_facility"),
    "projects": ("wind_farm", "pv_plant", "pv_base", "nuclear_site", "pumped_storage"),
    "plants": ("coal", "hydro", "solar", "wind"),
    "cdm_projects": ("wind", "solar_pv", "solar_cooker", "hydro", "biomass", "waste_heat", "methane", "waste",
                     "transport", "energy_efficiency", "unknown"),
    "mines": ("mine", "smelter", "refinery"),
    "substations": ("substation",),
    "published_figures": ("ghi_annual", "wind_speed_mean", "wind_power_density"),
    "footprints": ("project_hull",),
    "zones_after_2010": ("new_area", "bonded_zone", "etdz"),
}
#: A policy clause such as 三(二)2, 三(一)4 or several joined by ';'.
CLAUSE = r"^[一二三四五六七八九十]+(\([一二三四五六七八九十]+\)\d*)?(;[一二三四五六七八九十]+(\([一二三四五六七八九十]+\)\d*)?)*$"
ID = r"^[a-z0-9_]+$"
# Gansu's bounding box with a small margin; the prefecture test is the real check.
LON, LAT = (92.0, 109.0), (32.0, 43.0)


def read_csv(filename: str) -> pd.DataFrame:
    """A curated file of the active `layers/` folder as text columns, or LayerDataError when it is missing."""
    folder = config.settings().layers_dir
    path = folder / filename
    if not path.exists():
        raise LayerDataError(f"layer file {filename!r} is missing from {folder}")
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def _codes_in(vocabulary: set[str]):
    def check(series: pd.Series) -> pd.Series:
        return series.fillna("").map(lambda v: all(c in vocabulary for c in v.split(";") if c))
    return pa.Check(check, error="codes must be among the sector vocabulary")


def _basis_matches_precision(df: pd.DataFrame) -> pd.Series:
    return pd.Series([b in BASES.get(p, ()) for p, b in zip(df["precision"], df["location_basis"])], index=df.index)


def _located(text: pa.Column, prefectures: set[str]) -> dict[str, pa.Column]:
    """The columns that say where a feature is, how exactly, on what basis and from which source."""
    return {
        "prefecture": pa.Column(str, pa.Check.isin(sorted(prefectures))),
        "county": pa.Column(str, nullable=True),
        "precision": pa.Column(str, pa.Check.isin(PRECISIONS)),
        "location_basis": pa.Column(str, pa.Check.isin(sorted({b for bs in BASES.values() for b in bs}))),
        "location_source": text,
        "lon": pa.Column(float, pa.Check.in_range(*LON)),
        "lat": pa.Column(float, pa.Check.in_range(*LAT)),
    }


#: The basis must be one that the precision allows (a `seat` is never a `site`).
BASIS_CHECK = pa.Check(_basis_matches_precision, error="location_basis must fit the precision (see schema.BASES)")


#: A planner's own proposal (precision `planned`) need not come from the 2010 policy: its clause is optional,
#: and a free text says what it is based on instead.
PROPOSAL_BASIS = "basis"


def point_schema(layer: str, sectors: set[str], prefectures: set[str],
                 proposal: bool = False) -> pa.DataFrameSchema:
    """The schema every row of a point layer file (bases, parks, enterprises, projects) must pass; a
    `proposal` (a feature a planner placed in a version) may leave the policy clause empty and give a basis."""
    text = pa.Column(str, pa.Check.str_length(min_value=1))
    columns = {
        "id": pa.Column(str, [pa.Check.str_matches(ID)], unique=True),
        "name_zh": text,
        "name_en": text,
        "kind": pa.Column(str, pa.Check.isin(KINDS[layer])),
        "sectors": pa.Column(str, [pa.Check.str_length(min_value=1), _codes_in(sectors)]),
        "subsectors": pa.Column(str, _codes_in(sectors), nullable=True, required=False),
        **_located(text, prefectures),
        "seat_before": pa.Column(str, nullable=True),
        "moved_km": pa.Column(float, pa.Check.ge(0), nullable=True),
        "source": pa.Column(str, pa.Check.str_matches(CLAUSE), nullable=proposal, required=not proposal),
        "location_note": pa.Column(str, nullable=True, required=False),
    }
    if proposal:
        columns[PROPOSAL_BASIS] = pa.Column(str, pa.Check.str_length(max_value=2000), nullable=True, required=False)
    if layer == "bases":
        columns["level"] = pa.Column(str, pa.Check.isin(LEVELS))
    elif layer == "parks":
        columns["level"] = pa.Column(str, pa.Check.isin(LEVELS), nullable=True)
        columns["national_since"] = pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}$"), nullable=True)
        columns["area_ha"] = pa.Column(float, pa.Check.gt(0), nullable=True)
    if layer == "projects":
        columns["capacity_mw"] = pa.Column(float, pa.Check.ge(0), nullable=True)
        columns["target_year"] = pa.Column(float, pa.Check.in_range(2010, 2030), nullable=True)
        columns["technology"] = pa.Column(str)
        columns["status"] = pa.Column(str, nullable=True)
    return pa.DataFrameSchema(columns, checks=[BASIS_CHECK], strict=False, coerce=True, name=layer)


#: Columns particular to each ground layer, beyond id, names, kind, location and source.
GROUND_COLUMNS: dict[str, dict[str, pa.Column]] = {
    "plants": {"capacity_mw": pa.Column(float, pa.Check.gt(0)),
               "commissioning_year": pa.Column(float, pa.Check.in_range(1900, 2030), nullable=True),
               "gppd_id": pa.Column(str, unique=True)},
    "cdm_projects": {"capacity_mw": pa.Column(float, pa.Check.gt(0), nullable=True),
                     "cdm_ref": pa.Column(str, pa.Check.str_matches(r"^\d+$")),
                     "registry_url": pa.Column(str, pa.Check.str_startswith("https://cdm.unfccc.int/"))},
    "mines": {"icmm_id": pa.Column(str, pa.Check.str_matches(r"^ICMM\d+$"), unique=True),
              "confidence": pa.Column(str)},
    "substations": {"max_voltage_kv": pa.Column(float, pa.Check.ge(110)), "voltage": pa.Column(str)},
    "published_figures": {"value": pa.Column(str), "units": pa.Column(str), "covers": pa.Column(str),
                          "height_m": pa.Column(float, pa.Check.gt(0), nullable=True),
                          "source_url": pa.Column(str, pa.Check.str_startswith("http"))},
    # set up after the 2010 policy: each row says when and by which document
    "zones_after_2010": {"approved": pa.Column(str, pa.Check.str_length(min_value=4)),
                         "approval_doc": pa.Column(str, pa.Check.str_length(min_value=1))}
}


def ground_schema(layer: str, prefectures: set[str]) -> pa.DataFrameSchema:
    """The schema of a ground layer file (plants, cdm_projects, mines, substations, published_figures)."""
    text = pa.Column(str, pa.Check.str_length(min_value=1))
    columns = {"id": pa.Column(str, [pa.Check.str_matches(ID)], unique=True), "name_zh": text, "name_en": text,
               "kind": pa.Column(str, pa.Check.isin(KINDS[layer])), **_located(text, prefectures), "source": text,
               **GROUND_COLUMNS[layer]}
    return pa.DataFrameSchema(columns, checks=[BASIS_CHECK], strict=False, coerce=True, name=layer)


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
