"""Columns other apps add to the department league (paperwork's returns and duplicate asks).

The league lives here, but an app above tasks owns some of its figures; it registers a
column at start-up (its AppConfig.ready), so tasks never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class LeagueColumn:
    key: str
    label: Any
    counts: Callable[[Any, date, date], dict[int, int]]  # → {department id: count}


COLUMNS: list[LeagueColumn] = []


def register_column(column: LeagueColumn) -> None:
    if all(c.key != column.key for c in COLUMNS):
        COLUMNS.append(column)
