"""A comparison as plain data (for JSON, the page and the printout) and as CSV.

A report has `columns` (one per compared area: an area, or each zone of a scheme) and `rows` (one per
metric, with zh/en labels and one value per column); comparing two areas adds each row's `difference`.
"""

from __future__ import annotations

import csv
import io
import math
import re

import pandas as pd

from .. import config, regions, resources
from ..errors import allowed
from .areas import Area, parse_area
from .labels import LANGS, group_label, labels, units_label
from .table import RECORD_NOTE, RECORD_NOTE_ZH, Plans, compare_areas, compare_schemes

KINDS = ("areas", "schemes")
_NOTE_ZH = {"resource statistics": "资源统计：未计算", "siting potential": "选址潜力：未计算",
            RECORD_NOTE: RECORD_NOTE_ZH}


def _value(v, units: str):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    v = float(v)
    return int(v) if units == "count" and v.is_integer() else v


def _column(area: Area, side: str) -> dict:
    return {"key": area.key, "name_zh": area.name_zh, "name_en": area.name_en, "side": side,
            "prefectures": list(area.prefectures)}


def _rows(table: pd.DataFrame, value_columns: list[str], difference: bool) -> list[dict]:
    out = []
    for rec in table.to_dict(orient="records"):
        units = rec["units"]
        row = {"group": rec["group"], "group_zh": group_label(rec["group"], "zh"),
               "group_en": group_label(rec["group"], "en"), "metric": rec["metric"], **labels(rec["metric"]),
               "units": units, "units_zh": units_label(units, "zh"), "units_en": units_label(units, "en"),
               "values": [_value(rec[c], units) for c in value_columns]}
        if difference:
            row["difference"] = _value(rec["difference"], units)
        out.append(row)
    return out


def _detail_zh(detail: str) -> str:
    """The Chinese of a note's detail: what is missing, and the command (a code) that installs it."""
    if not detail:
        return ""
    commands = re.findall(r"`([^`]+)`", detail)
    return "（尚未安装所需的资源栅格" + (f"；安装命令：{'；'.join(commands)}" if commands else "") + "）"


def _notes(notes: list[str]) -> list[dict]:
    out = []
    for text in notes:
        topic, _, detail = text.partition(": not computed")
        zh = _NOTE_ZH.get(topic, topic)
        out.append({"topic": topic, "en": text, "zh": f"{zh}{_detail_zh(detail) if topic in _NOTE_ZH else detail}"})
    return out


def _meta() -> dict:
    # the installed resources the table's resource rows come from, each with its source, licence and attribution
    sources = {e["name"]: {"source": e["source"], "licence": e["licence"], "attribution": e.get("attribution"),
                           "in_use": e["in_use"]} for e in resources.catalogue() if e["installed"]}
    return {"attribution": config.BOUNDARY_ATTRIBUTION, "policy": config.POLICY_CITATION, "resources": sources}


def areas_report(left: str, right: str, plans: Plans = (None, None)) -> dict:
    """Two areas (`province`, `prefecture:<name>`, `zone:<scheme>:<zone>`) compared metric by metric."""
    a, b = parse_area(left), parse_area(right)
    table = compare_areas(left, right, plans)
    keys = list(table.columns[3:5])
    return {"kind": "areas", "left": left, "right": right,
            "columns": [_column(a, "left"), _column(b, "right")],
            "rows": _rows(table, keys, difference=True), "notes": _notes(table.attrs.get("notes", [])), **_meta()}


def schemes_report(left: str, right: str, plans: Plans = (None, None)) -> dict:
    """Two region schemes compared zone by zone: one column per zone of each."""
    tables = compare_schemes(left, right, plans)
    columns, frames, notes = [], [], []
    for side, scheme_id in (("left", left), ("right", right)):
        scheme = regions.get(scheme_id)
        table = tables[scheme_id]
        for zone in scheme.zones:
            col = _column(parse_area(f"zone:{scheme.id}:{zone.id}"), side)
            columns.append(col | {"scheme": scheme.id, "zone": zone.id})
        frames.append(table.rename(columns={z.id: f"{side}:{z.id}" for z in scheme.zones}))
        notes += table.attrs.get("notes", [])
    index = ["group", "metric", "units"]
    table = frames[0].merge(frames[1], on=index, how="outer", sort=False)
    order = list(dict.fromkeys(r for f in frames for r in f[index].itertuples(index=False, name=None)))
    table = table.set_index(index).reindex(pd.MultiIndex.from_tuples(order, names=index)).reset_index()
    value_columns = [f"{c['side']}:{c['zone']}" for c in columns]
    schemes = [{"id": s.id, "title_zh": s.title_zh, "title_en": s.title_en, "source": s.source}
               for s in (regions.get(left), regions.get(right))]
    return {"kind": "schemes", "left": left, "right": right, "schemes": schemes, "columns": columns,
            "rows": _rows(table, value_columns, difference=False),
            "notes": _notes(list(dict.fromkeys(notes))), **_meta()}


def build(kind: str, left: str, right: str, plans: Plans = (None, None), versions: tuple = (None, None)) -> dict:
    """`areas_report` or `schemes_report` by `kind` (areas or schemes); the left side counted in version
    `plans[0]`, the right in `plans[1]` (None: the selection in force). `versions` are the two versions' records
    (id, name, author, created_at, baseline) to name in the report, or None."""
    allowed(kind, KINDS, "comparison kind")
    out = areas_report(left, right, plans) if kind == "areas" else schemes_report(left, right, plans)
    if any(versions):
        out["versions"] = {"left": versions[0], "right": versions[1]}
    return out


def headers(report: dict) -> list[str]:
    """Column headers of the value columns: the area keys, a repeated one suffixed ` (2)`."""
    out: list[str] = []
    for col in report["columns"]:
        out.append(col["key"] if col["key"] not in out else f"{col['key']} (2)")
    return out


def to_csv(report: dict, lang: str = "zh") -> str:
    """The report as CSV text (UTF-8 with BOM so spreadsheet programs read the Chinese labels)."""
    if lang not in LANGS:
        lang = "zh"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    diff = report["kind"] == "areas"
    writer.writerow(["group", "metric", "label", "units", *headers(report)] + (["difference"] if diff else []))
    for row in report["rows"]:
        values = ["" if v is None else v for v in row["values"]]
        extra = [] if not diff else ["" if row["difference"] is None else row["difference"]]
        writer.writerow([row["group"], row["metric"], row[f"label_{lang}"], row[f"units_{lang}"], *values, *extra])
    return "\ufeff" + buf.getvalue()
