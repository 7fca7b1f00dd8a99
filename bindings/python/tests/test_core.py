"""The package gives the core's answers: generated data through Arrow and each library equals
the core computing over the same episodes as values (no Arrow, no Python)."""

from __future__ import annotations

import pytest

import utklar
from utklar import _utklar
from conftest import LIBRARIES, convert, rows

import pyarrow as pa

CASES = [
    {"period": "month", "by": "municipality"},
    {"period": "quarter", "by": "county", "negative_days": "day0"},
    {"period": "year", "by": "nation", "min_age": 65},
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(str(v) for v in c.values()))
@pytest.mark.parametrize("lib", LIBRARIES)
def test_same_answers_as_the_core(lib: str, case: dict[str, object]) -> None:
    gen = {"year": 2024, "months": 12, "episodes": 20_000, "seed": 11}
    table = convert(utklar.synth(**gen), lib)  # type: ignore[arg-type]
    got = utklar.indicators(table, population="builtin", **case)  # type: ignore[arg-type]
    got_report = utklar.last_exclusions()
    want, want_report = _utklar._core_indicators_of_synth(**gen, **case)  # type: ignore[arg-type]
    assert rows(got) == rows(pa.table(want))
    assert got_report is not None
    assert got_report.to_dict()["problems"] == [list(p) for p in want_report["problems"]]
    for k in ["rows_in", "counted", "open", "outside_age", "excluded", "by_reason"]:
        assert getattr(got_report, k) == want_report[k], k
    assert got_report.balances()


def test_a_national_year_agrees_with_the_core() -> None:
    gen = {"year": 2023, "seed": 5}
    got = rows(utklar.indicators(utklar.synth(**gen), population="builtin", by="county"))  # type: ignore[arg-type]
    want, _ = _utklar._core_indicators_of_synth(**gen, by="county")  # type: ignore[arg-type]
    assert got == rows(pa.table(want))
    assert len(got) == 21 * 2 * 12
