"""utklar.indicators(also_by=[...]): indicators grouped by the caller's columns too, the parts
adding up to the group, the same from every library; personal numbers in them refused."""

from __future__ import annotations

import warnings

import pyarrow as pa
import pytest

import utklar

from conftest import LIBRARIES, convert, rows


def table() -> pa.Table:
    return pa.table({
        "episode_id": ["e1", "e2", "e3", "e4", "e5", "e6"],
        "municipality": ["0880", "0880", "0880", "0881", "0999", "0880"],
        "care_type": ["somatic"] * 6,
        "ready_at": ["2025-03-01"] * 6,
        "discharged_at": ["2025-03-03", "2025-03-06", "2025-03-02", "2025-03-02", "2025-03-02", "2025-03-01"],
        "Hospital": ["Kalmar", "Västervik", "Kalmar", None, "Kalmar", "Kalmar"],
        "clinic": ["Med", "Med", "Kir", "Med", "Med", "Med"],
    })


def test_grouped_by_the_callers_column() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        out = rows(utklar.indicators(table(), also_by=["Hospital"]))
    assert [(r["municipality"], r["Hospital"], r["episodes"], r["ready_days"]) for r in out] == [
        ("0880", "Kalmar", 3, 3),
        ("0880", "Västervik", 1, 5),
        ("0881", None, 1, 1),
    ]
    assert list(out[0])[:3] == ["municipality", "Hospital", "care_type"]
    ex = utklar.last_exclusions()
    assert ex is not None and ex.excluded == 1


def test_the_parts_add_up_and_every_library_agrees() -> None:
    t = utklar.synth(county="08", year=2025, episodes=3000)
    hospital = pa.array([["Kalmar", "Västervik", "Oskarshamn"][i % 3] for i in range(t.num_rows)])
    t = t.append_column("hospital", hospital)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        whole = rows(utklar.indicators(t, by="county"))
        want = rows(utklar.indicators(t, by="county", also_by=["hospital"]))
        for library in LIBRARIES:
            got = rows(utklar.indicators(convert(t, library), by="county", also_by=["hospital"]))
            assert got == want, library
    sums: dict[tuple[str, str], int] = {}
    for r in want:
        key = (r["county"], r["period"] + r["care_type"])
        sums[key] = sums.get(key, 0) + r["episodes"]
    assert sums == {(r["county"], r["period"] + r["care_type"]): r["episodes"] for r in whole}


def test_unusable_columns_and_personal_numbers() -> None:
    with pytest.raises(utklar.InvalidArgumentError, match="ward"):
        utklar.indicators(table(), also_by=["ward"])
    with pytest.raises(utklar.InvalidArgumentError):
        utklar.indicators(table(), also_by=["municipality"])
    t = table().set_column(5, "Hospital", pa.array(["19121212-1212"] * 6))
    with pytest.raises(utklar.PersonalDataError) as e:
        utklar.indicators(t, also_by=["Hospital"])
    assert "1212" not in str(e.value)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        assert len(rows(utklar.indicators(t, also_by=["Hospital"], allow_personal_ids=True))) == 2


def test_suppression_of_the_parts_is_the_command_lines() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        out = rows(utklar.indicators(table(), also_by=["Hospital"], by="county", suppress_below=2))
    # Västervik and the blank hospital have one episode each: both blanked, Kalmar's three kept.
    assert [(r["Hospital"], r["episodes"], r["suppressed"]) for r in out] == [
        (None, None, True),
        ("Kalmar", 3, False),
        ("Västervik", None, True),
    ]
    assert out[2]["mean_days"] is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        by_muni = rows(utklar.indicators(table(), also_by=["Hospital"], suppress_below=2))
    # Within 0880 Västervik alone is small, so Kalmar goes too.
    assert [(r["municipality"], r["suppressed"]) for r in by_muni] == [
        ("0880", True),
        ("0880", True),
        ("0881", True),
    ]
