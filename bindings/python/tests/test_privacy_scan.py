"""No message shows a cell: personal identity numbers planted in every column of an episode
table — as pyarrow, polars and pandas hold it (pandas as ``pd.read_csv`` reads it, mixed
object columns included) — run through every function that reads one, with personal ids
refused and allowed; every error, warning, problem and exclusion report produced is scanned.
Population and beds tables too."""

from __future__ import annotations

import io
import warnings
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import utklar

# Tolvan Tolvansson's number in three spellings and a coordination number (day + 60).
PLANTED = ["19121212-1212", "191212121212", "121212+1212", "198112892388"]
NEEDLES = ["121212", "1212+", "8112892388"]

COLUMNS = [
    "episode_id", "patient_id", "municipality", "care_type", "admitted_at", "ready_at",
    "discharged_at", "home_ready_at", "planned_discharge_date", "age",
    "admission_notice_sent", "sip_required", "sip_called", "region_blocked",
]
GOOD = [
    "e1", "p1", "0880", "somatic", "2025-02-25", "2025-03-01", "2025-03-05", "",
    "2025-03-04", "81", "true", "false", "false", "false",
]

AMOUNTS = {2025: 10000}
CALLS: dict[str, Callable[..., Any]] = {
    "indicators": lambda t, **kw: utklar.indicators(t, **kw),
    "validate": lambda t, **kw: utklar.validate(t, **kw),
    "census": lambda t, **kw: utklar.census(t, on="2025-03-03", **kw),
    "invoice": lambda t, **kw: utklar.invoice(t, "kalmar", amounts=AMOUNTS, **kw),
    "compare": lambda t, **kw: utklar.compare(t, ["statutory", "vgr"], amounts=AMOUNTS, **kw),
    "sweep": lambda t, **kw: utklar.sweep(t, "kalmar", thresholds=[0.8], amounts=AMOUNTS, **kw),
}


def csv_text(column: int, value: str) -> str:
    bad = list(GOOD)
    bad[column] = value
    bad[0] = "e2" if column != 0 else value
    return ",".join(COLUMNS) + "\n" + ",".join(GOOD) + "\n" + ",".join(bad) + "\n"


def tables(text: str) -> dict[str, Any]:
    """The table as each library reads the CSV with its defaults, and as text columns."""
    out: dict[str, Any] = {
        "pandas": pd.read_csv(io.StringIO(text)),
        "polars": pl.read_csv(io.StringIO(text)),
        "pyarrow-text": pa.table(
            {c: [r.split(",")[k] for r in text.splitlines()[1:]] for k, c in enumerate(COLUMNS)}
        ),
    }
    return out


def scan(text: str, where: str) -> None:
    assert not any(n in text for n in NEEDLES), f"{where} showed a planted number: {text}"


def run(call: Callable[..., Any], table: Any, where: str, **kw: Any) -> str:
    """Runs the call, scans what it left; the name of the error it raised, or ``""``."""
    raised = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call(table, **kw)
        except utklar.UtklarError as e:
            raised = type(e).__name__
            scan(str(e), where)
            scan(repr(e), where)
            for p in getattr(e, "problems", None) or []:
                scan(str(p), where)
            result = None
    for w in caught:
        scan(str(w.message), where)
    report = utklar.last_exclusions()
    if report is not None:
        scan(report._json(), where)
        scan(repr(report), where)
    # What a call returns may list episode ids (a census lists the waiting episodes), which a
    # caller who allowed personal ids chose to see; problems and reports never show a cell.
    if result is not None and call is CALLS["validate"]:
        scan(str(pa.table(result) if isinstance(result, pa.Table) else result), where)
    return raised


@pytest.mark.parametrize("name", list(CALLS))
@pytest.mark.parametrize("allow", [False, True])
def test_every_column_of_every_library_shows_no_planted_number(name: str, allow: bool) -> None:
    refused = 0
    for k, column in enumerate(COLUMNS):
        for j, pnr in enumerate(PLANTED):
            if k > 1 and j != k % len(PLANTED):
                continue
            for lib, table in tables(csv_text(k, pnr)).items():
                raised = run(CALLS[name], table, f"{name} {lib} {column}", allow_personal_ids=allow)
                if raised == "PersonalDataError":
                    refused += 1
                    assert k <= 1, f"{column} is not an id column"
    # Refused: every spelling in both id columns from all three libraries; allowed: none.
    assert refused == (0 if allow else 2 * len(PLANTED) * 3)


@pytest.mark.parametrize("name", list(CALLS))
def test_mixed_object_columns_show_no_planted_number(name: str) -> None:
    for column in COLUMNS:
        data: dict[str, list[Any]] = {c: [g, g] for c, g in zip(COLUMNS, GOOD)}
        data[column] = [PLANTED[0], 7]
        run(CALLS[name], pd.DataFrame(data), f"{name} mixed {column}")


def test_reference_tables_show_no_planted_number() -> None:
    episodes = pa.table({c: [g] for c, g in zip(COLUMNS, GOOD)})
    for pnr in PLANTED:
        for k in range(4):
            row: list[Any] = ["0880", 2025, 100, 10]
            row[k] = pnr
            pop = pd.DataFrame([row], columns=["municipality", "year", "pop_total", "pop_65plus"])
            run(lambda t, **kw: utklar.indicators(t, population=pop, **kw), episodes, "population")
            beds_row: list[Any] = ["08", "2025-03", 10]
            beds_row[min(k, 2)] = pnr
            beds = pd.DataFrame([beds_row], columns=["county", "period", "available_beds"])
            run(
                lambda t, **kw: utklar.indicators(t, beds=beds, by="county", **kw),
                episodes,
                "beds",
            )
