"""Every public function through pyarrow, polars and pandas: result types, columns, values,
nulls, exclusion reports and errors."""

from __future__ import annotations

import decimal
import warnings

import datetime
import json
import math

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import utklar
from conftest import LIBRARIES, convert, rows, small

TYPES = {"pyarrow": pa.Table, "polars": pl.DataFrame, "pandas": pd.DataFrame}

INDICATOR_COLUMNS = [
    "care_type",
    "period",
    "episodes",
    "day0",
    "ready_ge1",
    "ready_days",
    "goal_attainment",
    "mean_days",
    "mean_days_incl_day0",
    "days_per_1000",
    "occupied_beds",
    "bed_share_pct",
]


def test_indicators_values_and_type(library: str) -> None:
    out = utklar.indicators(convert(small(), library))
    assert isinstance(out, TYPES[library])
    assert list(as_columns(out)) == ["municipality", *INDICATOR_COLUMNS]
    got = {(r["municipality"], r["care_type"]): r for r in rows(out)}
    kalmar = got[("0880", "somatic")]
    # a: day 0; b: 4 days; f: negative days, excluded.
    assert (kalmar["episodes"], kalmar["day0"], kalmar["ready_ge1"], kalmar["ready_days"]) == (2, 1, 1, 4)
    assert kalmar["goal_attainment"] == 0.5
    assert kalmar["mean_days"] == 4.0
    assert kalmar["mean_days_incl_day0"] == 2.0
    assert kalmar["occupied_beds"] == pytest.approx(4 / 31)
    # No population given: null, never 0. Bed share exists only per county.
    assert kalmar["days_per_1000"] is None
    assert kalmar["bed_share_pct"] is None
    nybro = got[("0881", "somatic")]
    # Only a day-0 episode: mean days (day 0 not in the denominator) cannot be computed.
    assert (nybro["episodes"], nybro["day0"], nybro["mean_days"]) == (1, 1, None)
    assert got[("0880", "psychiatric")]["ready_days"] == 3
    report = utklar.last_exclusions()
    assert report is not None
    assert (report.rows_in, report.counted, report.open, report.excluded) == (6, 4, 1, 1)
    assert report.by_reason == {"negative_days": 1}
    assert report.problems == [utklar.Problem(5, "discharged_at", "negative_days")]
    assert report.balances()


def as_columns(out: object) -> list[str]:
    if isinstance(out, pa.Table):
        return out.column_names
    if isinstance(out, pl.DataFrame):
        return out.columns
    assert isinstance(out, pd.DataFrame)
    return list(out.columns)


def test_missing_values_are_nan_in_pandas() -> None:
    out = utklar.indicators(small().to_pandas())
    assert out["days_per_1000"].dtype == "float64"
    assert out["days_per_1000"].isna().all()
    assert out["episodes"].dtype == "int64"


def test_exclusions_are_attached() -> None:
    t = utklar.indicators(small())
    meta = json.loads(t.schema.metadata[b"utklar.exclusions"])
    assert meta["by_reason"] == {"negative_days": 1}
    assert meta["problems"] == [[5, "discharged_at", "negative_days"]]
    # The metadata is the JSON of the report's dict, written without copying each problem.
    assert t.schema.metadata[b"utklar.exclusions"].decode() == json.dumps(
        utklar.last_exclusions().to_dict()
    )
    df = utklar.indicators(small().to_pandas())
    assert df.attrs["utklar_exclusions"]["excluded"] == 1


@pytest.mark.parametrize("by,key", [("county", "county"), ("nation", None)])
def test_grouping(library: str, by: str, key: str | None) -> None:
    out = rows(utklar.indicators(convert(small(), library), by=by))
    somatic = [r for r in out if r["care_type"] == "somatic"]
    assert len(somatic) == 1
    if key:
        assert somatic[0][key] == "08"
    else:
        assert "municipality" not in somatic[0] and "county" not in somatic[0]
    assert (somatic[0]["episodes"], somatic[0]["ready_days"]) == (3, 4)


def test_periods_and_population(library: str) -> None:
    out = rows(utklar.indicators(convert(small(), library), period="quarter", population="builtin"))
    r = next(r for r in out if r["municipality"] == "0880" and r["care_type"] == "somatic")
    assert r["period"] == "2025-Q1"
    assert r["occupied_beds"] == pytest.approx(4 / 90)
    kalmar_65 = next(
        p for p in rows(utklar.municipalities()) if p["municipality"] == "0880"
    )
    assert kalmar_65["name"] == "Kalmar"
    # days per 1000 65+, annualised by 12 / months in the period.
    pop = pa.table({"municipality": ["0880"], "year": [2025], "pop_total": [70000], "pop_65plus": [14848]})
    out = rows(utklar.indicators(convert(small(), library), period="year", population=pop))
    r = next(r for r in out if r["municipality"] == "0880" and r["care_type"] == "somatic")
    assert r["days_per_1000"] == pytest.approx(4 / 14848 * 1000)
    psych = next(r for r in out if r["care_type"] == "psychiatric")
    assert psych["days_per_1000"] == pytest.approx(3 / 70000 * 1000)
    nybro = next(r for r in out if r["municipality"] == "0881")
    assert nybro["days_per_1000"] is None  # no population given for Nybro


def test_beds_give_bed_share() -> None:
    beds = pl.DataFrame({"county": ["08"], "period": ["2025-03"], "available_beds": [10.0]})
    out = rows(utklar.indicators(small(), by="county", beds=beds))
    r = next(r for r in out if r["care_type"] == "somatic")
    assert r["bed_share_pct"] == pytest.approx(4 / 31 / 10 * 100)


def test_negative_days_policies(library: str) -> None:
    t = convert(small(), library)
    day0 = rows(utklar.indicators(t, negative_days="day0"))
    kalmar = next(r for r in day0 if r["municipality"] == "0880" and r["care_type"] == "somatic")
    assert (kalmar["episodes"], kalmar["day0"]) == (3, 2)
    with pytest.raises(utklar.InvalidRowsError) as e:
        utklar.indicators(t, negative_days="error")
    assert e.value.problems == [(5, "discharged_at", "negative_days")]
    assert "row 5: discharged_at: negative_days" in str(e.value)


def test_min_age(library: str) -> None:
    t = small().append_column("age", pa.array([70, 50, None, 80, 90, 66], pa.int64()))
    out = rows(utklar.indicators(convert(t, library), min_age=65))
    kalmar = next(r for r in out if r["municipality"] == "0880" and r["care_type"] == "somatic")
    assert kalmar["episodes"] == 1
    report = utklar.last_exclusions()
    assert report is not None and report.outside_age == 2


def bad_table() -> pa.Table:
    return pa.table(
        {
            "episode_id": ["a", "b", None, "d", "e"],
            "municipality": ["0880", "0999", "0880", "0880", "0880"],
            "care_type": ["somatic", "somatic", "somatic", "dental", "somatic"],
            "ready_at": ["2025-03-03", "2025-03-03", "2025-03-03", "2025-03-03", "03/03/2025"],
            "discharged_at": ["2025-03-04", "2025-03-04", "2025-03-04", "2025-03-04", "2025-03-04"],
        }
    )


def test_strict_lists_every_bad_row(library: str) -> None:
    with pytest.raises(utklar.InvalidRowsError) as e:
        utklar.indicators(convert(bad_table(), library), strict=True)
    assert e.value.problems == [
        (1, "municipality", "unknown_municipality"),
        (2, "episode_id", "missing_field"),
        (3, "care_type", "unknown_care_type"),
        (4, "ready_at", "unparseable_date"),
    ]
    assert isinstance(e.value, utklar.UtklarError)
    assert utklar.ValidationError is utklar.InvalidRowsError


def test_lenient_excludes_bad_rows(library: str) -> None:
    out = rows(utklar.indicators(convert(bad_table(), library)))
    assert [(r["episodes"], r["ready_days"]) for r in out] == [(1, 1)]
    report = utklar.last_exclusions()
    assert report is not None
    assert report.by_reason == {
        "missing_field": 1,
        "unknown_municipality": 1,
        "unknown_care_type": 1,
        "unparseable_date": 1,
    }


@pytest.mark.parametrize(
    "kwargs,cls,name",
    [
        ({"period": "week"}, utklar.InvalidArgumentError, "period"),
        ({"by": "street"}, utklar.InvalidArgumentError, "by"),
        ({"negative_days": "ignore"}, utklar.InvalidArgumentError, "negative_days"),
        ({"min_age": -1}, utklar.InvalidArgumentError, "min_age"),
        ({"min_age": 151}, utklar.InvalidArgumentError, "min_age"),
        ({"population": "scb"}, utklar.InvalidArgumentError, "population"),
    ],
)
def test_bad_arguments(kwargs: dict[str, object], cls: type, name: str) -> None:
    with pytest.raises(cls) as e:
        utklar.indicators(small(), **kwargs)  # type: ignore[arg-type]
    assert e.value.name == name  # type: ignore[attr-defined]


def test_bad_inputs_name_the_column() -> None:
    with pytest.raises(utklar.InvalidArgumentError, match="required column ready_at is missing"):
        utklar.indicators(small().drop_columns(["ready_at"]))
    with pytest.raises(utklar.InvalidArgumentError, match="column `ready_at` has Arrow type Decimal128") as e:
        utklar.indicators(small().set_column(3, "ready_at", pa.array([decimal.Decimal("1.5")] * 6)))
    assert e.value.name == "ready_at"  # type: ignore[attr-defined]
    assert "1.5" not in str(e.value)  # never a cell's value
    with pytest.raises(utklar.InvalidArgumentError, match='"MUNICIPALITY".*"municipality"|"municipality".*"MUNICIPALITY"'):
        utklar.indicators(small().append_column("MUNICIPALITY", pa.array(["0880"] * 6)))
    # Refused with a hint, and without polars' warning about resolving a lazy schema.
    with warnings.catch_warnings(), pytest.raises(utklar.InvalidArgumentError, match="LazyFrame"):
        warnings.simplefilter("error")
        utklar.indicators(pl.from_arrow(small()).lazy())  # type: ignore[union-attr]
    # A reference row names its column and never repeats the cell.
    with pytest.raises(utklar.InvalidArgumentError, match="municipality: is not one of") as e:
        utklar.indicators(small(), population=pa.table(
            {"municipality": ["0999"], "year": [2025], "pop_total": [1], "pop_65plus": [1]}))
    assert "0999" not in str(e.value)
    with pytest.raises(utklar.InvalidArgumentError, match="pop_65plus: more people aged 65"):
        utklar.indicators(small(), population=pa.table(
            {"municipality": ["0880"], "year": [2025], "pop_total": [1], "pop_65plus": [2]}))
    with pytest.raises(utklar.UnknownCountyError):
        utklar.synth(county="99")
    with pytest.raises(utklar.InvalidArgumentError, match="library"):
        utklar.synth(library="duckdb")


def test_validate(library: str) -> None:
    t = bad_table().append_column("sip_called", pa.array(["yes", "maybe", None, "0", "1"]))
    t = pa.concat_tables([t, small().append_column("sip_called", pa.array([None] * 6, pa.string()))])
    out = utklar.validate(convert(t, library))
    assert isinstance(out, TYPES[library])
    got = [(r["row"], r["column"], r["reason"]) for r in rows(out)]
    assert got == [
        (1, "municipality", "unknown_municipality"),
        (1, "sip_called", "unparseable_boolean"),
        (2, "episode_id", "missing_field"),
        (3, "care_type", "unknown_care_type"),
        (4, "ready_at", "unparseable_date"),
        (5, "episode_id", "duplicate_episode_id"),  # small()'s "a" repeats row 0's
        # "b", "d" and "e" repeat the ids of unreadable rows: duplicates too, as in the CLI.
        (6, "episode_id", "duplicate_episode_id"),
        (8, "episode_id", "duplicate_episode_id"),
        (9, "episode_id", "duplicate_episode_id"),
        (10, "discharged_at", "negative_days"),
    ]
    assert all(r["hint"] for r in rows(out))
    clean = utklar.validate(convert(small(), library), negative_days="day0")
    assert len(rows(clean)) == 0


def test_census(library: str) -> None:
    out = utklar.census(convert(small(), library), on=datetime.date(2025, 3, 15))
    assert isinstance(out, TYPES[library])
    got = [(r["episode_id"], r["waited_days"], r["ready_date"]) for r in rows(out)]
    # e: open, ready 12 March; f is ready only on the 20th.
    assert [(g[0], g[1]) for g in got] == [("e", 3)]
    assert str(got[0][2])[:10] == "2025-03-12"
    with pytest.raises(utklar.InvalidArgumentError):
        utklar.census(small(), on="15 March")
    # A census date outside 1990-01-01 … 2100-12-31 is refused.
    with pytest.raises(utklar.InvalidArgumentError, match="outside"):
        utklar.census(small(), on=datetime.date(2101, 1, 1))


@pytest.mark.parametrize("lib", LIBRARIES)
def test_synth_round_trip(lib: str) -> None:
    df = utklar.synth(county="08", episodes=2000, seed=3, library=lib)
    assert isinstance(df, TYPES[lib])
    again = utklar.synth(county="08", episodes=2000, seed=3)
    assert rows(df)[:50] == rows(again)[:50]
    out = rows(utklar.indicators(df))
    assert sum(r["episodes"] for r in out) > 1800
    assert {r["municipality"][:2] for r in out} == {"08"}


def test_nothing_counted_gives_an_empty_table(library: str) -> None:
    t = small().filter(pa.array([False, False, False, False, True, False]))
    out = utklar.indicators(convert(t, library))
    assert len(rows(out)) == 0
    assert as_columns(out)[0] == "municipality"


def test_gil_is_released_during_computation() -> None:
    import threading
    import time

    t = utklar.synth(episodes=300_000, seed=1)
    ticks = 0
    done = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.0005)

    th = threading.Thread(target=tick)
    th.start()
    start = time.perf_counter()
    for _ in range(5):
        utklar.indicators(t)
    elapsed = time.perf_counter() - start
    done.set()
    th.join()
    # With the GIL held for the whole call, the ticker would barely run.
    assert ticks > elapsed / 0.0005 * 0.2, (ticks, elapsed)


def test_exceptions_hierarchy() -> None:
    for cls in [
        utklar.InvalidRowsError,
        utklar.UnknownMunicipalityError,
        utklar.UnknownCountyError,
        utklar.MissingAmountError,
        utklar.AgreementError,
        utklar.UnknownPresetError,
        utklar.InvalidArgumentError,
        utklar.AmountOverflowError,
        utklar.PersonalDataError,
    ]:
        assert issubclass(cls, utklar.UtklarError)
        assert cls.__module__ == "utklar"
    assert not math.isnan(0.0)


def test_polars_users_do_not_need_pyarrow() -> None:
    import subprocess
    import sys

    script = """
import sys
sys.modules["pyarrow"] = None  # any import of pyarrow now fails
import polars as pl
import utklar
df = utklar.synth(county="08", year=2024, episodes=3000, library="polars")
assert isinstance(df, pl.DataFrame)
out = utklar.indicators(df, population="builtin")
assert isinstance(out, pl.DataFrame) and out.height > 0
assert isinstance(utklar.validate(df), pl.DataFrame)
assert isinstance(utklar.census(df, on="2024-06-30"), pl.DataFrame)
inv = utklar.invoice(df, "kalmar", amounts={2023: 10500})
assert isinstance(inv.lines, pl.DataFrame) and inv.balances()
assert isinstance(utklar.compare(df, ["statutory", "kalmar"], amounts={2023: 10500}), pl.DataFrame)
assert isinstance(utklar.sweep(df, "kalmar", thresholds=[0.8], amounts={2023: 10500}), pl.DataFrame)
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
