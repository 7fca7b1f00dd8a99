"""Agreements, invoices, comparisons and sweeps through pyarrow, polars and pandas, against
the core."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import utklar
from utklar import _utklar
from conftest import LIBRARIES, convert, rows

TYPES = {"pyarrow": pa.Table, "polars": pl.DataFrame, "pandas": pd.DataFrame}
AMOUNTS = {2023: 10500}  # illustrative: 2024 stays discharged in January began in December 2023


def december() -> pa.Table:
    return pa.table(
        {
            "episode_id": ["a", "b", "c", "d", "e", "f"],
            "municipality": ["0880", "0880", "0880", "0880", "0881", "0999"],
            "care_type": ["somatic"] * 6,
            "ready_at": ["2024-12-02T09:30", "2024-12-02T12:00:01", "2024-12-20", "2024-12-02T08:00",
                         "2024-12-01", "2024-12-01"],
            "discharged_at": ["2024-12-10", "2024-12-06", None, "2024-12-12", "2024-12-09", "2024-12-09"],
            "admission_notice_sent": pa.array([True, True, True, False, None, True]),
        }
    )


def test_invoice_through_every_library(library: str) -> None:
    inv = utklar.invoice(convert(december(), library), "statutory")
    for t in (inv.lines, inv.totals, inv.not_billed):
        assert isinstance(t, TYPES[library])
    lines = rows(inv.lines)
    # a: ready before noon 2 Dec, discharged 10 Dec: days 4-8 billed; e: 1 Dec to 9 Dec: 5 days.
    assert [(r["row"], r["episode_id"], r["billed_days"], r["amount_ore"], r["rule"]) for r in lines] == [
        (0, "a", 5.0, 5 * 1_160_000, "individual"),
        (4, "e", 5.0, 5 * 1_160_000, "individual"),
    ]
    assert inv.amount_ore == 10 * 1_160_000
    assert inv.not_billed_counts == {
        "within_grace": 1,
        "open": 1,
        "missing_admission_notice": 1,
        "invalid_row": 1,
    }
    nb = [(r["row"], r["episode_id"], r["reason"]) for r in rows(inv.not_billed)]
    assert nb == [(1, "b", "within_grace"), (2, "c", "open"), (3, "d", "missing_admission_notice"),
                  (5, "f", "invalid_row")]
    assert inv.episodes_in == 6 and inv.balances()
    totals = rows(inv.totals)
    assert [(t["municipality"], t["amount_ore"], t["threshold"], t["triggered"]) for t in totals][0] == (
        "0880", 5 * 1_160_000, None, None)
    report = utklar.last_exclusions()
    assert report is not None and report.by_reason == {"unknown_municipality": 1}


def test_missing_amount_names_the_year() -> None:
    t = december().set_column(3, "ready_at", pa.array(["2025-01-02"] * 6)).set_column(
        4, "discharged_at", pa.array(["2025-01-12"] * 6))
    with pytest.raises(utklar.MissingAmountError) as e:
        utklar.invoice(t, "statutory")
    assert e.value.year == 2025
    inv = utklar.invoice(t, "statutory", amounts={2025: "10900.50"})
    assert {r["amount_ore"] for r in rows(inv.lines)} == {7 * 1_090_050}
    with pytest.raises(utklar.InvalidArgumentError):
        utklar.invoice(t, "statutory", amounts={2025: "lots"})


@pytest.mark.parametrize("preset", ["statutory", "kalmar", "vgr", "sormland"])
@pytest.mark.parametrize("lib", LIBRARIES)
def test_same_invoice_as_the_core(lib: str, preset: str) -> None:
    gen = {"year": 2024, "episodes": 8000, "county": "14", "seed": 4}
    table = convert(utklar.synth(**gen), lib)  # type: ignore[arg-type]
    inv = utklar.invoice(table, preset, amounts=AMOUNTS)
    want = _utklar._core_invoice_of_synth(preset, amounts=AMOUNTS, **gen)  # type: ignore[arg-type]
    assert inv.amount_ore == want["amount_ore"]
    assert inv.billed_days == pytest.approx(want["billed_days"])
    assert inv.billed_episodes == want["billed_episodes"]
    assert inv.not_billed_counts == want["not_billed"]
    assert len(rows(inv.lines)) == want["lines"]
    assert inv.balances()


def test_agreements() -> None:
    assert utklar.Agreement.presets() == ["statutory", "kalmar", "vgr", "sormland", "stockholm"]
    k = utklar.Agreement.preset("kalmar")
    assert k.name == "kalmar" and k.source and k.assumptions
    assert utklar.Agreement.from_toml(k.to_toml()) == k
    with pytest.raises(utklar.UnknownPresetError) as e:
        utklar.Agreement.preset("gotland")
    assert e.value.name == "gotland"
    with pytest.raises(utklar.AgreementError) as e2:
        k.variant(set={"somatic.average.threshold_dayz": 1.0})
    assert "threshold_dayz" in e2.value.field
    with pytest.raises(utklar.AgreementError) as e3:
        k.variant(set={"somatic.grace_days": "three"})
    assert e3.value.field == "somatic.grace_days"
    v = k.variant("kalmar-2", threshold_days=2.0, grace_days=4)
    assert v.name == "kalmar-2" and v != k
    assert "threshold_days = 2.0" in v.to_toml() and "grace_days = 4" in v.to_toml()
    # An average rule's threshold, per care type; none for the law's individual model.
    assert k.threshold_days("somatic") == 0.8 and v.threshold_days("psykiatrisk") == 2.0
    assert utklar.Agreement.preset("vgr").threshold_days("somatic") == 3.0
    assert utklar.Agreement.preset("statutory").threshold_days("somatic") is None
    with pytest.raises(utklar.InvalidArgumentError, match="care_type"):
        k.threshold_days("dental")
    with pytest.raises(utklar.InvalidArgumentError):
        utklar.invoice(december(), 42)  # type: ignore[arg-type]


def test_raising_a_threshold_never_raises_the_invoice(library: str) -> None:
    eps = convert(utklar.synth(county="08", year=2024, episodes=5000, seed=2), library)
    k = utklar.Agreement.preset("kalmar")
    amounts = [utklar.invoice(eps, k.variant(threshold_days=t), amounts=AMOUNTS).amount_ore for t in (0.3, 0.8, 1.5, 3.0)]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] > amounts[-1]


def test_compare(library: str) -> None:
    eps = convert(utklar.synth(county="08", year=2024, episodes=5000, seed=2), library)
    c = utklar.compare(eps, {"law": "statutory", "kalmar": utklar.Agreement.preset("kalmar")}, amounts=AMOUNTS)
    assert isinstance(c, TYPES[library])
    got = rows(c)
    assert {r["agreement"] for r in got} == {"law", "kalmar"}
    for name, preset in [("law", "statutory"), ("kalmar", "kalmar")]:
        total = sum(r["amount_ore"] for r in got if r["agreement"] == name)
        assert total == utklar.invoice(eps, preset, amounts=AMOUNTS).amount_ore
    with pytest.raises(utklar.InvalidArgumentError, match="named"):
        utklar.compare(eps, ["kalmar", utklar.Agreement.preset("kalmar")], amounts=AMOUNTS)


def test_sweep(library: str) -> None:
    eps = convert(utklar.synth(county="08", year=2024, episodes=5000, seed=2), library)
    s = rows(utklar.sweep(eps, "kalmar", thresholds=[0.5, 0.8], grace_days=[2, 3], amounts=AMOUNTS))
    assert [(r["threshold_days"], r["grace_days"]) for r in s] == [(0.5, 2), (0.5, 3), (0.8, 2), (0.8, 3)]
    k = utklar.Agreement.preset("kalmar")
    assert s[3]["amount_ore"] == utklar.invoice(eps, k, amounts=AMOUNTS).amount_ore
    assert s[0]["amount_ore"] == utklar.invoice(eps, k.variant(threshold_days=0.5, grace_days=2), amounts=AMOUNTS).amount_ore
    by = rows(utklar.sweep(eps, "kalmar", thresholds=[0.8], amounts=AMOUNTS, by_municipality=True))
    assert sum(r["amount_ore"] for r in by) == s[3]["amount_ore"]
    assert {r["municipality"][:2] for r in by} == {"08"}
