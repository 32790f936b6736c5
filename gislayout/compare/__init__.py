"""Side-by-side comparison of regions and schemes, and the difference between versions of the layout.

Modules, in the order data flows through them:

- `areas`: what can be compared (`province`, `prefecture:<name>`, `zone:<scheme>:<zone>`);
- `table`: one area's figures (`summarise`) and two areas or schemes side by side; the resource statistics
  (`resources.stats_for_geometry`) and `siting` potential are its two integration points;
- `labels`: zh/en labels of the table's groups, metrics and units;
- `report`: a comparison as plain data (JSON, the page, the printout) and as CSV;
- `render`: the printable page (PNG/PDF) with legend, scale bar and north arrow (matplotlib, loaded lazily);
- `diff`, `versions`: two versions of the plan from the store diffed (`diff_versions_of`), or a planner's file
  (`upload`) diffed against a stored version (`diff_upload`, by default the baseline 2010), and exported.
"""

from .areas import Area, parse_area
from .diff import diff_versions
from .report import areas_report, schemes_report
from .table import compare_areas, compare_schemes, summarise
from .versions import diff_upload, diff_versions_of, policy_version

__all__ = ["Area", "parse_area", "summarise", "compare_areas", "compare_schemes", "diff_versions",
           "areas_report", "schemes_report", "diff_upload", "diff_versions_of", "policy_version"]
