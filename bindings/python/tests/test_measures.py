"""The county registry, the national amounts, readmissions, per-person counts and planned-date
accuracy from Python, on hand-computed cases in every table library (the command line's output
on the same file is compared in tests/cross_surface)."""

from __future__ import annotations

import warnings

import pyarrow as pa
import pytest

import utklar

from conftest import convert, rows


def test_counties_registry(library: str) -> None:
    c = rows(utklar.counties(library=library))
    assert len(c) == 21
    assert list(c[0]) == ["county", "name", "model", "preset", "source"]
    codes = [r["county"] for r in c]
    assert codes == sorted(codes) and codes[0] == "01" and codes[-1] == "25"
    by_code = {r["county"]: r for r in c}
    assert by_code["01"]["preset"] == "stockholm" and by_code["01"]["name"] == "Stockholms län"
    assert (by_code["08"]["model"], by_code["08"]["preset"]) == ("average", "kalmar")
    gotland = by_code["09"]
    assert (gotland["model"], gotland["preset"], gotland["source"]) == ("unknown", None, "no public source found")
    for r in c:
        if r["preset"] is not None:
            # Every preset the registry names is one utklar has, of the registry's family.
            a = utklar.Agreement.preset(r["preset"])
            assert a.name == r["preset"]
            assert r["source"] != "no public source found"
        else:
            assert r["model"] == "unknown"


def test_amounts_are_the_ones_invoices_use(library: str) -> None:
    a = rows(utklar.amounts(library=library))
    assert [list(r) for r in a[:1]] == [["year", "ore", "source"]]
    years = [r["year"] for r in a]
    assert years == sorted(years)
    by_year = {r["year"]: r for r in a}
    assert by_year[2019]["ore"] == 780_000 and "HSLF-FS 2018:67" in by_year[2019]["source"]
    assert by_year[2024]["ore"] == 1_160_000
    for year, r in by_year.items():
        # One stay wholly in the year, past the grace days: billed at the listed amount.
        t = pa.table({"episode_id": ["x"], "municipality": ["0880"], "care_type": ["somatic"],
                      "ready_at": [f"{year}-03-04T09:00"], "discharged_at": [f"{year}-03-20"]})
        inv = utklar.invoice(t, "statutory")
        assert inv.billed_days > 0
        assert inv.amount_ore == round(inv.billed_days * r["ore"]), year
    missing = next(y for y in range(2018, 2027) if y not in by_year)
    t = pa.table({"episode_id": ["x"], "municipality": ["0880"], "care_type": ["somatic"],
                  "ready_at": [f"{missing}-03-04T09:00"], "discharged_at": [f"{missing}-03-20"]})
    with pytest.raises(utklar.MissingAmountError) as e:
        utklar.invoice(t, "statutory")
    assert e.value.year == missing


def episodes() -> pa.Table:
    """Rows 0-3: two patients, each discharged in January and admitted again 30 (p1) and 31
    (p2) days later; row 4 still in hospital; row 5 without a patient id; row 6 cannot be read
    (an unknown municipality)."""
    return pa.table({
        "episode_id": ["a", "b", "c", "d", "open", "e", "bad"],
        "patient_id": ["p1", "p1", "p2", "p2", "p3", None, "p4"],
        "municipality": ["0880", "0880", "0880", "0880", "0861", "0880", "9999"],
        "care_type": ["somatic"] * 4 + ["psychiatric", "somatic", "somatic"],
        "admitted_at": ["2025-01-01", "2025-02-02", "2025-01-01", "2025-02-03", "2025-01-01", "2025-01-10", "2025-01-01"],
        "ready_at": ["2025-01-02", "2025-02-03", "2025-01-02", "2025-02-04", "2025-01-02", "2025-01-12", "2025-01-02"],
        "discharged_at": ["2025-01-03", "2025-02-04", "2025-01-03", "2025-02-05", None, "2025-01-12", "2025-01-03"],
        "planned_discharge_date": ["2025-01-02", None, "2025-01-05", None, None, None, None],
    })


def quiet(f, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        return f(*args, **kwargs)


def test_readmissions(library: str) -> None:
    t = convert(episodes(), library)
    with pytest.warns(utklar.UtklarWarning, match="unknown_municipality: 1"):
        r = rows(utklar.readmissions(t, by="nation"))
    assert r == [
        {"group": "SE", "care_type": "somatic", "period": "2025-01", "discharges": 2, "readmitted": 1, "share": 0.5},
        {"group": "SE", "care_type": "somatic", "period": "2025-02", "discharges": 2, "readmitted": 0, "share": 0.0},
    ]
    report = utklar.last_exclusions()
    assert report is not None and report.rows_in == 7 and report.problems[0].row == 6
    # 31 days readmits p2 too; by municipality the group is its code.
    r = rows(quiet(utklar.readmissions, t, window=31, period="quarter"))
    assert r == [{"group": "0880", "care_type": "somatic", "period": "2025-Q1", "discharges": 4, "readmitted": 2, "share": 0.5}]
    with pytest.raises(utklar.InvalidRowsError):
        utklar.readmissions(t, strict=True)
    with pytest.raises(utklar.InvalidArgumentError, match="by"):
        quiet(utklar.readmissions, t, by="hospital")
    # The window's range is the core's: 0 to 3 650 days.
    for window in (-1, 3651):
        with pytest.raises(utklar.InvalidArgumentError, match="window"):
            quiet(utklar.readmissions, t, window=window)
    assert rows(quiet(utklar.readmissions, t, window=3650))


def test_persons(library: str) -> None:
    t = convert(episodes(), library)
    r = rows(quiet(utklar.persons, t, by="county"))
    assert r == [
        {"group": "08", "care_type": "somatic", "period": "2025-01", "episodes": 3, "persons": 2, "without_patient_id": 1},
        {"group": "08", "care_type": "somatic", "period": "2025-02", "episodes": 2, "persons": 2, "without_patient_id": 0},
    ]
    r = rows(quiet(utklar.persons, t, by="nation", period="year"))
    assert r == [{"group": "SE", "care_type": "somatic", "period": "2025", "episodes": 5, "persons": 2, "without_patient_id": 1}]
    with pytest.raises(utklar.InvalidRowsError):
        utklar.persons(t, strict=True)


def test_accuracy(library: str) -> None:
    t = convert(episodes(), library)
    assert rows(quiet(utklar.accuracy, t)) == [
        {"episodes": 2, "exact_share": 0.5, "mean_abs_error_days": 1.5, "bias_days": 1.5}
    ]
    none = episodes().drop_columns(["planned_discharge_date"])
    assert rows(quiet(utklar.accuracy, convert(none, library))) == [
        {"episodes": 0, "exact_share": None, "mean_abs_error_days": None, "bias_days": None}
    ]


@pytest.mark.parametrize("f", [utklar.readmissions, utklar.persons, utklar.accuracy])
def test_personal_ids_refused(f) -> None:  # type: ignore[no-untyped-def]
    t = episodes().set_column(1, "patient_id", pa.array(["19121212-1212"] + ["p"] * 6))
    with pytest.raises(utklar.PersonalDataError) as e:
        quiet(f, t)
    assert "19121212" not in str(e.value)
    quiet(f, t, allow_personal_ids=True)
