"""Unit names as files and users write them, and the factor to each quantity's stored unit."""

from __future__ import annotations

import re

from ..errors import InvalidData

#: quantity -> {normalised unit spelling: factor to the stored unit}
_FACTORS: dict[str, dict[str, float]] = {
    "ghi": {  # stored as kWh/m²/yr
        "kwh/m2/yr": 1.0, "kwh/m2/a": 1.0, "kwh/m2/year": 1.0, "kwhm-2yr-1": 1.0, "kwhm-2a-1": 1.0,
        "kwh/m2/day": 365.0, "kwh/m2/d": 365.0, "kwhm-2day-1": 365.0, "kwhm-2d-1": 365.0,
        "mj/m2/yr": 1 / 3.6, "mj/m2/a": 1 / 3.6, "mj/m2/year": 1 / 3.6, "mjm-2yr-1": 1 / 3.6,
        # a mean flux: 8766 h per year
        "w/m2": 8.766, "wm-2": 8.766,
    },
    "wind_speed": {  # stored as m/s
        "m/s": 1.0, "ms-1": 1.0, "m.s-1": 1.0, "meter/second": 1.0, "meters/second": 1.0,
        "metre/second": 1.0, "metres/second": 1.0, "meterspersecond": 1.0, "metrespersecond": 1.0,
        "km/h": 1 / 3.6, "kmh-1": 1 / 3.6,
    },
    "wind_power_density": {"w/m2": 1.0, "wm-2": 1.0},  # stored as W/m²
    "elevation": {"m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0, "masl": 1.0},
}


def normalise(text: str) -> str:
    """A unit spelling reduced for lookup: 'kWh/m²/day', 'kWh m**-2 day**-1' -> 'kwh/m2/day', 'kwhm-2day-1'."""
    text = text.strip().lower().replace("²", "2").replace("**", "").replace("^", "").replace("·", "")
    text = text.replace(" per ", "/")
    return re.sub(r"\s+", "", text)


def known(quantity: str) -> list[str]:
    """The unit spellings accepted for `quantity`."""
    return sorted(_FACTORS[quantity])


def factor(quantity: str, units: str | None, source: str) -> float:
    """The factor from `units` to the stored unit of `quantity`; InvalidData naming the units if unknown."""
    if not units or not units.strip():
        raise InvalidData(f"{source} does not state its units; pass --units (for {quantity}: "
                          f"{', '.join(known(quantity))})")
    key = normalise(units)
    if key not in _FACTORS[quantity]:
        raise InvalidData(f"unknown units {units!r} for {quantity} in {source}; known: {', '.join(known(quantity))}")
    return _FACTORS[quantity][key]
