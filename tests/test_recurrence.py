"""Next-instance dates, as Obsidian Tasks computes them."""

from __future__ import annotations

from datetime import date

import pytest

from tasktrack.errors import UsageError
from tasktrack.write.recurrence import next_dates

TODAY = date(2026, 11, 22)  # a Sunday


@pytest.mark.parametrize(
    ("rule", "dates", "expected"),
    [
        ("every day", {"due": "2026-11-22"}, {"due": "2026-11-23"}),
        ("every 2 days", {"due": "2026-02-27"}, {"due": "2026-03-01"}),
        ("every week", {"due": "2026-11-20", "start": "2026-11-18"}, {"due": "2026-11-27", "start": "2026-11-25"}),
        ("every 2 weeks", {"scheduled": "2026-12-30"}, {"scheduled": "2027-01-13"}),
        ("every weekday", {"due": "2026-11-20"}, {"due": "2026-11-23"}),
        ("every weekday", {"due": "2026-11-23"}, {"due": "2026-11-24"}),
        ("every week on Sunday", {"due": "2026-11-22"}, {"due": "2026-11-29"}),
        ("every week on Tuesday, Friday", {"due": "2026-11-24"}, {"due": "2026-11-27"}),
        ("every month", {"due": "2024-01-31"}, {"due": "2024-02-29"}),
        ("every month", {"due": "2025-01-31"}, {"due": "2025-02-28"}),
        ("every 3 months", {"due": "2026-11-30"}, {"due": "2027-02-28"}),
        ("every month on the 1st", {"due": "2026-11-15"}, {"due": "2026-12-01"}),
        ("every month on the 31st", {"due": "2024-01-31"}, {"due": "2024-03-31"}),
        ("every month on the last", {"due": "2024-01-31"}, {"due": "2024-02-29"}),
        ("every month on the last Friday", {"due": "2026-11-27"}, {"due": "2026-12-25"}),
        ("every month on the 2nd Wednesday", {"due": "2026-11-11"}, {"due": "2026-12-09"}),
        ("every year", {"due": "2024-02-29"}, {"due": "2025-02-28"}),
        ("every January on the 15th", {"due": "2026-01-15"}, {"due": "2027-01-15"}),
        ("every week when done", {"due": "2026-01-01"}, {"due": "2026-11-29"}),
        ("every month when done", {"due": "2026-12-25", "start": "2026-12-20"},
         {"due": "2026-12-22", "start": "2026-12-17"}),
        ("every week", {}, {}),
        ("every week", {"created": "2026-11-01", "done": "2026-11-02"}, {}),
    ],
)
def test_next_dates(rule: str, dates: dict[str, str], expected: dict[str, str]) -> None:
    assert next_dates(rule, dates, TODAY) == expected


@pytest.mark.parametrize("rule", ["every blue moon", "every 2 fortnights", "every week until 2027-01-01", "daily"])
def test_rules_it_cannot_compute_are_refused(rule: str) -> None:
    with pytest.raises(UsageError):
        next_dates(rule, {"due": "2026-11-22"}, TODAY)
