"""Property tests against a small pure-Python reference of the formulas of docs/counting.md and docs/indicators.md."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import utklar
from conftest import rows

MUNICIPALITIES = ["0880", "0881", "0882", "1280", "0180"]
POP = {m: (10_000 + i * 1000, 2_000 + i * 300) for i, m in enumerate(MUNICIPALITIES)}
START = datetime.date(2024, 1, 1)


def period_of(d: datetime.date, kind: str) -> str:
    if kind == "month":
        return f"{d.year:04}-{d.month:02}"
    if kind == "quarter":
        return f"{d.year:04}-Q{(d.month - 1) // 3 + 1}"
    return f"{d.year:04}"


def period_days_months(p: str, kind: str) -> tuple[int, int]:
    y = int(p[:4])
    if kind == "year":
        return (366 if calendar.isleap(y) else 365), 12
    if kind == "quarter":
        q = int(p[-1])
        return sum(calendar.monthrange(y, m)[1] for m in range(3 * q - 2, 3 * q + 1)), 3
    return calendar.monthrange(y, int(p[5:]))[1], 1


def reference(eps: list[dict[str, Any]], kind: str, by: str, negative: str) -> list[dict[str, Any]]:
    """SPEC: period of the discharge date; ready days = discharge date - ready date; negative
    days excluded or counted as day 0; measures summed per group; indicators as ratios with
    a zero denominator giving None."""
    acc: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in eps:
        if e["discharged"] is None:
            continue
        days = (e["discharged"] - e["ready"]).days
        if days < 0:
            if negative == "exclude":
                continue
            days = 0
        group = {"municipality": e["municipality"], "county": e["municipality"][:2], "nation": ""}[by]
        m = acc[(period_of(e["discharged"], kind), group, e["care_type"])]
        if days == 0:
            m[0] += 1
        else:
            m[1] += 1
            m[2] += days
    out = []
    for (p, g, c), (day0, ge1, days) in sorted(acc.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] != "somatic")):
        n = day0 + ge1
        pdays, months = period_days_months(p, kind)
        if by == "municipality":
            pop = POP[g][1 if c == "somatic" else 0]
        else:
            pop = None
        row = {
            "care_type": c,
            "period": p,
            "episodes": n,
            "day0": day0,
            "ready_ge1": ge1,
            "ready_days": days,
            "goal_attainment": day0 / n if n else None,
            "mean_days": days / ge1 if ge1 else None,
            "mean_days_incl_day0": days / n if n else None,
            "days_per_1000": days / pop * 1000 * 12 / months if pop else None,
            "occupied_beds": days / pdays,
            "bed_share_pct": None,
        }
        if by != "nation":
            row = {by: g, **row}
        out.append(row)
    return out


episode = st.fixed_dictionaries(
    {
        "municipality": st.sampled_from(MUNICIPALITIES),
        "care_type": st.sampled_from(["somatic", "psychiatric"]),
        "ready": st.integers(0, 800).map(lambda d: START + datetime.timedelta(days=d)),
        "stay": st.one_of(st.none(), st.integers(-3, 40)),
    }
)


def table(eps: list[dict[str, Any]]) -> pa.Table:
    for e in eps:
        e["discharged"] = None if e["stay"] is None else e["ready"] + datetime.timedelta(days=e["stay"])
    return pa.table(
        {
            "episode_id": [f"e{i}" for i in range(len(eps))],
            "municipality": [e["municipality"] for e in eps],
            "care_type": [e["care_type"] for e in eps],
            "ready_at": pa.array([e["ready"] for e in eps], pa.date32()),
            "discharged_at": pa.array([e["discharged"] for e in eps], pa.date32()),
        }
    )


POPULATION = pa.table(
    {
        "municipality": MUNICIPALITIES,
        "year": [2020] * len(MUNICIPALITIES),
        "pop_total": [POP[m][0] for m in MUNICIPALITIES],
        "pop_65plus": [POP[m][1] for m in MUNICIPALITIES],
    }
)


def close(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if x.keys() != y.keys():
            return False
        for k in x:
            if isinstance(x[k], float) and isinstance(y[k], float):
                if abs(x[k] - y[k]) > 1e-9 * max(1.0, abs(y[k])):
                    return False
            elif x[k] != y[k]:
                return False
    return True


@settings(max_examples=60, deadline=None)
@given(
    eps=st.lists(episode, max_size=60),
    kind=st.sampled_from(["month", "quarter", "year"]),
    by=st.sampled_from(["municipality", "county", "nation"]),
    negative=st.sampled_from(["exclude", "day0"]),
)
def test_indicators_match_the_reference(eps: list[dict[str, Any]], kind: str, by: str, negative: str) -> None:
    t = table(eps)
    got = rows(
        utklar.indicators(t, period=kind, by=by, negative_days=negative,
                          population=POPULATION if by == "municipality" else None)
    )
    want = reference(eps, kind, by, negative)
    assert close(got, want), (got, want)
    report = utklar.last_exclusions()
    assert report is not None and report.balances() and report.rows_in == len(eps)
    assert report.open == sum(e["discharged"] is None for e in eps)


@settings(max_examples=30, deadline=None)
@given(eps=st.lists(episode, max_size=40), cut=st.integers(0, 40))
def test_chunking_does_not_change_the_result(eps: list[dict[str, Any]], cut: int) -> None:
    t = table(eps)
    cut = min(cut, t.num_rows)
    chunked = pa.concat_tables([t.slice(0, cut), t.slice(cut)])
    assert rows(utklar.indicators(chunked)) == rows(utklar.indicators(t))
