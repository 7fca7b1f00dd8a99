"""Personal identity numbers refused by every function that reads an episode table unless
``allow_personal_ids=True`` (the error names the column and the count, never a value), and
small-cell suppression of ``indicators``."""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import pyarrow as pa
import pytest

import utklar

AMOUNTS = {2024: 10500}


def table(episode_ids: list[str], patient_ids: list[str | None]) -> pa.Table:
    n = len(episode_ids)
    return pa.table(
        {
            "episode_id": episode_ids,
            "patient_id": patient_ids,
            "municipality": ["0880"] * n,
            "care_type": ["somatic"] * n,
            "ready_at": ["2024-03-01"] * n,
            "discharged_at": ["2024-03-04"] * n,
        }
    )


CALLS: dict[str, Callable[..., Any]] = {
    "indicators": lambda t, **kw: utklar.indicators(t, **kw),
    "validate": lambda t, **kw: utklar.validate(t, **kw),
    "census": lambda t, **kw: utklar.census(t, on="2024-03-02", **kw),
    "invoice": lambda t, **kw: utklar.invoice(t, "statutory", amounts=AMOUNTS, **kw),
    "compare": lambda t, **kw: utklar.compare(t, ["statutory", "kalmar"], amounts=AMOUNTS, **kw),
    "sweep": lambda t, **kw: utklar.sweep(t, "kalmar", thresholds=[0.8], amounts=AMOUNTS, **kw),
}

# The digits of the ids below: no message or warning may show any of them.
DIGITS = ["1212", "19121212", "121212"]


def shows_no_id(text: str) -> bool:
    return not any(d in text for d in DIGITS)


@pytest.mark.parametrize("name", list(CALLS))
def test_personal_ids_refused_by_default_and_allowed_with_the_flag(name: str) -> None:
    call = CALLS[name]
    t = table(["19121212-1212", "e2", "e3"], ["p1", "121212+1212", None])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(utklar.PersonalDataError) as err:
            call(t)
    e = err.value
    assert getattr(e, "field") in ("episode_id", "patient_id")
    assert getattr(e, "count") == 1
    assert getattr(e, "field") in str(e)
    assert shows_no_id(str(e)) and shows_no_id(repr(e.args))
    assert all(shows_no_id(str(w.message)) for w in caught)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call(t, allow_personal_ids=True)
    assert out is not None
    assert all(shows_no_id(str(w.message)) for w in caught)


@pytest.mark.parametrize("name", list(CALLS))
def test_pseudonymous_ids_need_no_flag(name: str) -> None:
    # Numbers of the same length that fail the check digit are no personal identity numbers.
    CALLS[name](table(["19121212-1213", "e2"], ["121212+1213", None]))


def test_the_patient_id_alone_is_refused_and_named() -> None:
    t = table(["e1", "e2"], ["121212+1212", "191212121212"])
    with pytest.raises(utklar.PersonalDataError) as err:
        utklar.indicators(t)
    assert getattr(err.value, "field") == "patient_id"
    assert getattr(err.value, "count") == 2
    assert shows_no_id(str(err.value))


def test_suppression_nulls_a_one_episode_group_and_marks_it() -> None:
    t = pa.table(
        {
            "episode_id": ["a", "b", "c", "d"],
            # Kalmar (county 08) three episodes; Stockholm (county 01) one.
            "municipality": ["0880", "0880", "0880", "0180"],
            "care_type": ["somatic"] * 4,
            "ready_at": ["2024-03-01"] * 4,
            "discharged_at": ["2024-03-01", "2024-03-03", "2024-03-05", "2024-03-02"],
        }
    )
    out = utklar.indicators(t, suppress_below=2).to_pylist()
    by = {r["municipality"]: r for r in out}
    small = by["0180"]
    assert small["suppressed"] is True
    for col in ["episodes", "day0", "ready_ge1", "ready_days", "goal_attainment", "mean_days"]:
        assert small[col] is None, col
    big = by["0880"]
    assert big["suppressed"] is False
    assert big["episodes"] == 3 and big["ready_days"] == 6
    assert math.isclose(big["goal_attainment"], 1 / 3)
    # Without the option: no column, every figure shown.
    plain = utklar.indicators(t).to_pylist()
    assert "suppressed" not in plain[0]
    assert {r["municipality"]: r["episodes"] for r in plain} == {"0180": 1, "0880": 3}
    # k = 1 suppresses nothing but still marks the rows.
    assert all(r["suppressed"] is False for r in utklar.indicators(t, suppress_below=1).to_pylist())
