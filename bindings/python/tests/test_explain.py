"""utklar.explain: one row per input row, adding up to utklar.indicators and utklar.invoice,
the same rows from every library."""

from __future__ import annotations

import datetime
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import utklar

from conftest import LIBRARIES, convert, rows

CROSS = Path(__file__).resolve().parents[3] / "tests" / "cross_surface" / "episodes.csv"
AMOUNTS = {2023: 10500}


def cross_surface() -> pa.Table:
    return pacsv.read_csv(CROSS, parse_options=pacsv.ParseOptions(delimiter=";"))


def check_sums(t: pa.Table, agreement: str) -> None:
    x = rows(utklar.explain(t, agreement, AMOUNTS))
    assert [r["row"] for r in x] == list(range(t.num_rows))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        ind = rows(utklar.indicators(t))
        inv = utklar.invoice(t, agreement, amounts=AMOUNTS)
    mine: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in x:
        if r["counting"] == "counted":
            key = (r["municipality"], r["care_type"], r["period"])
            mine[key][0] += 1
            mine[key][1] += r["ready_days"]
    theirs = {
        (r["municipality"], r["care_type"], r["period"]): [r["episodes"], r["ready_days"]]
        for r in ind
    }
    assert dict(mine) == theirs
    lines = rows(inv.lines)
    period_lines = sum(l["amount_ore"] for l in lines if l["episode_id"] is None)
    own = sum(r["amount_ore"] for r in x if r["amount_ore"] is not None)
    assert own + period_lines == inv.amount_ore
    reasons = Counter(r["not_billed"] for r in x if r["not_billed"] is not None)
    assert dict(reasons) == inv.not_billed_counts
    assert sum(r["billing"] == "billed" for r in x) == sum(
        l["episode_id"] is not None for l in lines
    )


@pytest.mark.parametrize("agreement", ["statutory", "kalmar", "vgr", "sormland"])
def test_explain_adds_up_on_the_cross_surface_file(agreement: str) -> None:
    check_sums(cross_surface(), agreement)


def test_explain_adds_up_on_generated_data() -> None:
    t = utklar.synth(county="08", year=2024, episodes=3000)
    for agreement in ["statutory", "kalmar"]:
        check_sums(t, agreement)


def test_every_library_gives_the_same_rows() -> None:
    t = cross_surface()
    want = rows(utklar.explain(t, "kalmar", AMOUNTS))
    for library in LIBRARIES:
        got = rows(utklar.explain(convert(t, library), "kalmar", AMOUNTS))
        # pandas turns a date column into datetimes: compare the dates.
        for r in got:
            for k in ("ready_date", "discharge_date"):
                if isinstance(r[k], datetime.datetime):
                    r[k] = r[k].date()
        assert got == want, library


def test_the_rows_name_each_reason_and_types() -> None:
    x = utklar.explain(cross_surface(), "statutory")
    assert x.column_names[:3] == ["row", "episode_id", "municipality"]
    assert x.schema.field("ready_date").type == pa.date32()
    assert x.schema.field("amount_ore").type == pa.int64()
    by_id = {r["episode_id"]: r for r in rows(x) if r["episode_id"]}
    assert (by_id["X09"]["reason"], by_id["X09"]["ready_days"]) == ("negative_days", -2)
    assert by_id["X14"]["counting"] == "open"
    assert by_id["X15"]["not_billed"] == "missing_admission_notice"
    assert by_id["G002"]["ready_date"] == datetime.date(2024, 1, 3)
    # Without an agreement, no billing.
    plain = rows(utklar.explain(cross_surface()))
    assert all(r["billing"] is None for r in plain)
    day0 = {r["episode_id"]: r for r in rows(utklar.explain(cross_surface(), negative_days="day0"))}
    assert (day0["X09"]["counting"], day0["X09"]["ready_days"]) == ("counted", 0)


def test_explain_refuses_personal_ids_unless_allowed() -> None:
    t = pa.table({
        "episode_id": ["19121212-1212"],
        "municipality": ["0880"],
        "care_type": ["somatic"],
        "ready_at": ["2024-03-01"],
        "discharged_at": ["2024-03-05"],
    })
    with pytest.raises(utklar.PersonalDataError):
        utklar.explain(t)
    assert utklar.explain(t, allow_personal_ids=True).num_rows == 1
