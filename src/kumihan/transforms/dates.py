"""Dates in the house style: 和暦 (令和6年11月1日) or 西暦 (2024年11月1日).

和暦 is converted by date, not by year: 令和 began on 2019-05-01, so 2019-04-30
is 平成31年. Year 1 prints as 元年. A 年度 runs April–March.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

DateStyle = Literal["wareki", "seireki"]

# (first day, era name), newest first
ERAS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1868, 10, 23), "明治"),
)


def era_year(day: dt.date) -> tuple[str, int]:
    """The era and the year within it for a date: 2024-11-01 → ("令和", 6)."""
    for start, name in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"{day} is before 明治; write it in 西暦")


def _year_text(number: int) -> str:
    return "元" if number == 1 else str(number)


def format_date(day: dt.date, style: DateStyle = "wareki") -> str:
    """2024-11-01 → 令和6年11月1日 (wareki) or 2024年11月1日 (seireki)."""
    if style == "seireki":
        return f"{day.year}年{day.month}月{day.day}日"
    era, year = era_year(day)
    return f"{era}{_year_text(year)}年{day.month}月{day.day}日"


def format_month(year: int, month: int, style: DateStyle = "wareki") -> str:
    """(2025, 3) → 令和7年3月 — the era taken on the month's last day."""
    if style == "seireki":
        return f"{year}年{month}月"
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    era, number = era_year(last)
    return f"{era}{_year_text(number)}年{month}月"


def format_fiscal_year(year: int, style: DateStyle = "wareki") -> str:
    """The fiscal year starting in April of `year`: 2024 → 令和6年度 (2024年度)."""
    if style == "seireki":
        return f"{year}年度"
    era, number = era_year(dt.date(year, 4, 1))
    return f"{era}{_year_text(number)}年度"


def era_label(year: int, style: DateStyle = "wareki") -> str:
    """The year label of a calendar year's months (schedule heads): 2024 → 令和6年."""
    if style == "seireki":
        return f"{year}年"
    era, number = era_year(dt.date(year, 12, 31))
    return f"{era}{_year_text(number)}年"
