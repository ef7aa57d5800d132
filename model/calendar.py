"""Calendar months as integers: month index = 12 * year + (month - 1).

Simulations step one calendar month at a time; annual rules (refunds, targets) use
``year_of``, the graduation season uses ``month_of(m) == 7``.
"""

from __future__ import annotations

import re

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """'2019-07' -> month index. Raises ValueError for anything else."""
    match = _PATTERN.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"expected a month as YYYY-MM (e.g. 2019-01), got {text!r}")
    return 12 * int(match.group(1)) + int(match.group(2)) - 1


def format_month(index: int) -> str:
    """Month index -> '2019-07'."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def year_of(index: int) -> int:
    return index // 12


def month_of(index: int) -> int:
    """Calendar month 1..12."""
    return index % 12 + 1
