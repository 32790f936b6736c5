"""Side-by-side comparison of regions and schemes, and the difference between versions of the layout."""

from .areas import Area, parse_area
from .diff import diff_versions
from .table import compare_areas, compare_schemes, summarise

__all__ = ["Area", "parse_area", "summarise", "compare_areas", "compare_schemes", "diff_versions"]
