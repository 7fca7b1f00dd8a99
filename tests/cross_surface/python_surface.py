"""The Python side of the cross-surface test: the same file read the way notebook users read
it — pyarrow's CSV reader, polars' and pandas' `read_csv` with their defaults (only the
semicolon named, as a Swedish export needs) — and turned into the canonical lines of
cross_surface.c."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv

import utklar


def _rows(table: Any) -> list[dict[str, Any]]:
    if isinstance(table, pa.Table):
        return table.to_pylist()
    if isinstance(table, pl.DataFrame):
        return table.to_dicts()
    return table.to_dict("records")


def _int(x: Any) -> int:
    return int(x)


def _text(x: Any) -> str:
    """A cell as the canonical lines write it: "-" for null (None, NaN, NaT)."""
    if x is None or (isinstance(x, float) and x != x) or str(x) in ("NaT", "nan", "None", "<NA>"):
        return "-"
    return str(x)


def explain_line(preset: str, r: dict[str, Any]) -> str:
    """One row of utklar.explain as the canonical line (see cross_surface.c)."""
    days = _text(r["billed_days"])
    days = days if days == "-" else f"{float(r['billed_days']):.4f}"
    amount = _text(r["amount_ore"])
    amount = amount if amount == "-" else str(_int(r["amount_ore"]))
    ready = _text(r["ready_days"])
    ready = ready if ready == "-" else str(_int(r["ready_days"]))
    return (
        f"explain {preset} {_int(r['row'])} {_text(r['municipality'])} {_text(r['period'])} {ready} "
        f"{r['counting']} {_text(r['reason'])} {_text(r['billing'])} {days} {amount} "
        f"{_text(r['rule'])} {_text(r['not_billed'])}"
    )
def _num(x: Any) -> str:
    return "nan" if x is None or x != x else f"{float(x):.6f}"


#: The census date of the `census` lines (every surface uses it).
CENSUS_ON = "2024-03-31"


def lines(episodes: Any, presets: list[str]) -> str:
    out: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        ind = utklar.indicators(episodes)
    ex = utklar.last_exclusions()
    assert ex is not None
    out.append(f"account rows_in {ex.rows_in} counted {ex.counted} open {ex.open}")
    for r in _rows(ind):
        out.append(
            f"indicator {r['municipality']} {r['care_type']} {r['period']} {_int(r['episodes'])} "
            f"{_int(r['day0'])} {_int(r['ready_ge1'])} {_int(r['ready_days'])}"
        )
    for reason, n in ex.by_reason.items():
        if n:
            out.append(f"exclusion {reason} {n}")
    for p in ex.problems:
        out.append(f"problem {p.row} {p.column} {p.reason}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        c = utklar.compare(episodes, presets)
        invoices = {p: utklar.invoice(episodes, p) for p in presets}
    table: dict[tuple[str, str, str], dict[str, int]] = {}
    for r in _rows(c):
        table.setdefault((r["municipality"], r["care_type"], r["period"]), {})[r["agreement"]] = _int(r["amount_ore"])
    for (m, care, period), by in table.items():
        out.append(f"compare {m} {care} {period} " + " ".join(str(by.get(p, 0)) for p in presets))
    for p, inv in invoices.items():
        out.append(f"invoice {p} summary {inv.episodes_in} {inv.amount_ore}")
        for line in _rows(inv.lines):
            row = line["row"]
            row = -1 if row is None or row != row else _int(row)
            eid = line["episode_id"] if isinstance(line["episode_id"], str) else ""
            out.append(
                f"invoice {p} line {eid} {row} {line['municipality']} {line['care_type']} "
                f"{line['period']} {float(line['billed_days']):.4f} {_int(line['amount_ore'])} {line['rule']}"
            )
        for t in _rows(inv.totals):
            out.append(
                f"invoice {p} total {t['municipality']} {t['care_type']} {t['period']} "
                f"{float(t['billed_days']):.4f} {_int(t['amount_ore'])}"
            )
        for n in _rows(inv.not_billed):
            out.append(f"invoice {p} not_billed {_int(n['row'])} {n['reason']}")
        for r in _rows(utklar.explain(episodes, p)):
            out.append(explain_line(p, r))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", utklar.UtklarWarning)
        census = utklar.census(episodes, CENSUS_ON)
        readmissions = utklar.readmissions(episodes, window=30)
        persons = utklar.persons(episodes)
        accuracy = _rows(utklar.accuracy(episodes))[0]
    for w in _rows(census):
        out.append(
            f"census {_int(w['row'])} {w['episode_id']} {w['municipality']} {w['care_type']} "
            f"{str(w['ready_date'])[:10]} {_int(w['waited_days'])}"
        )
    for r in _rows(readmissions):
        out.append(f"readmission {r['group']} {r['care_type']} {r['period']} {_int(r['discharges'])} {_int(r['readmitted'])}")
    for r in _rows(persons):
        out.append(
            f"persons {r['group']} {r['care_type']} {r['period']} {_int(r['episodes'])} "
            f"{_int(r['persons'])} {_int(r['without_patient_id'])}"
        )
    out.append(
        f"accuracy {_int(accuracy['episodes'])} {_num(accuracy['exact_share'])} "
        f"{_num(accuracy['mean_abs_error_days'])} {_num(accuracy['bias_days'])}"
    )
    for c in _rows(utklar.counties()):
        out.append(f"county {c['county']} {c['model']} {c['preset'] or '-'} {c['name']} {c['source']}")
    for a in _rows(utklar.amounts()):
        out.append(f"amount {a['year']} {a['ore']} {a['source']}")
    return "\n".join(out) + "\n"


READERS: dict[str, Callable[[Path], Any]] = {
    "pyarrow": lambda path: pacsv.read_csv(path, parse_options=pacsv.ParseOptions(delimiter=";")),
    "polars": lambda path: pl.read_csv(path, separator=";"),
    "pandas": lambda path: pd.read_csv(path, sep=";"),
}


def all_readers(path: Path, presets: list[str]) -> dict[str, str]:
    return {f"python-{name}": lines(read(path), presets) for name, read in READERS.items()}
