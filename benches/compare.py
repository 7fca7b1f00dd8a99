"""utklar.indicators next to the same query written in polars, pandas and DuckDB.

Generates N episodes (default 5 000 000) with utklar.synth as a pyarrow table (naive
timestamps, text codes), converts it once to polars and to pandas (not timed), then times
monthly indicators per municipality and care type: utklar and DuckDB on the same pyarrow
table, polars and pandas on their own frames. Checks that all agree on every group (exits
non-zero if not) and prints the times and ratios (best of --repeat runs, the tools taking
turns within each round so that a change in the machine's load hits all alike). utklar also
reads the table with its municipality and care type dictionary-encoded (categoricals).

    python benches/compare.py [N] [--repeat 3]

The polars, pandas and DuckDB queries implement the counting rules as an analyst would: open
episodes out, ready days = discharge date - ready date, negative days excluded, period of
the discharge date, the ratios with a zero denominator null. (They do not validate codes or
dates; utklar does, and still reports every excluded row.)
"""

from __future__ import annotations

import argparse
import calendar
import time
from typing import Any, Callable

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import utklar


def with_utklar(table: Any) -> pa.Table:
    return utklar.indicators(table)


def with_polars(df: pl.DataFrame) -> pl.DataFrame:
    days = (pl.col("discharged_at").dt.date() - pl.col("ready_at").dt.date()).dt.total_days()
    return (
        df.lazy()
        .filter(pl.col("discharged_at").is_not_null())
        .with_columns(days=days, month=pl.col("discharged_at").dt.truncate("1mo"))
        .filter(pl.col("days") >= 0)
        .group_by("municipality", "care_type", "month")
        .agg(
            episodes=pl.len(),
            day0=(pl.col("days") == 0).sum(),
            ready_ge1=(pl.col("days") > 0).sum(),
            ready_days=pl.col("days").sum(),
        )
        .with_columns(
            period=pl.col("month").dt.strftime("%Y-%m"),
            goal_attainment=pl.col("day0") / pl.col("episodes"),
            mean_days=pl.when(pl.col("ready_ge1") > 0).then(pl.col("ready_days") / pl.col("ready_ge1")),
            mean_days_incl_day0=pl.col("ready_days") / pl.col("episodes"),
            occupied_beds=pl.col("ready_days") / pl.col("month").dt.month_end().dt.day(),
        )
        .drop("month")
        .sort("period", "municipality", "care_type")
        .collect()
    )


def with_pandas(df: pd.DataFrame) -> pd.DataFrame:
    d = df.loc[df["discharged_at"].notna(), ["municipality", "care_type", "ready_at", "discharged_at"]]
    days = (d["discharged_at"].dt.normalize() - d["ready_at"].dt.normalize()).dt.days
    keep = days >= 0
    d = d[keep].assign(
        days=days[keep],
        day0=days[keep] == 0,
        ge1=days[keep] > 0,
        period=d.loc[keep, "discharged_at"].dt.to_period("M"),
    )
    g = (
        d.groupby(["period", "municipality", "care_type"], observed=True)
        .agg(episodes=("days", "size"), day0=("day0", "sum"), ready_ge1=("ge1", "sum"), ready_days=("days", "sum"))
        .reset_index()
    )
    g["goal_attainment"] = g["day0"] / g["episodes"]
    g["mean_days"] = (g["ready_days"] / g["ready_ge1"]).where(g["ready_ge1"] > 0)
    g["mean_days_incl_day0"] = g["ready_days"] / g["episodes"]
    g["occupied_beds"] = g["ready_days"] / g["period"].dt.days_in_month
    g["period"] = g["period"].astype(str)
    return g


DUCKDB_QUERY = """
SELECT strftime(month, '%Y-%m') AS period, municipality, care_type, episodes, day0, ready_ge1,
       ready_days,
       day0 / episodes AS goal_attainment,
       CASE WHEN ready_ge1 > 0 THEN ready_days / ready_ge1 END AS mean_days,
       ready_days / episodes AS mean_days_incl_day0,
       ready_days / day(last_day(month)) AS occupied_beds
FROM (
    SELECT municipality, care_type, date_trunc('month', discharged_at) AS month,
           count(*) AS episodes, count(*) FILTER (days = 0) AS day0,
           count(*) FILTER (days > 0) AS ready_ge1, sum(days)::BIGINT AS ready_days
    FROM (
        SELECT municipality, care_type, discharged_at,
               date_diff('day', ready_at::DATE, discharged_at::DATE) AS days
        FROM episodes
        WHERE discharged_at IS NOT NULL
    )
    WHERE days >= 0
    GROUP BY ALL
)
ORDER BY period, municipality, care_type
"""


def with_duckdb(con: Any) -> pa.Table:
    out = con.sql(DUCKDB_QUERY).arrow()
    # DuckDB 1.4+ gives a stream of record batches: read it all (inside the timing).
    return out.read_all() if isinstance(out, pa.RecordBatchReader) else out


def timed(f: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


COLS = ["period", "municipality", "care_type", "episodes", "day0", "ready_ge1", "ready_days",
        "goal_attainment", "mean_days", "mean_days_incl_day0", "occupied_beds"]


def normalised(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out = []
    for r in rows:
        out.append(tuple(None if (isinstance(r[c], float) and r[c] != r[c]) else r[c] for c in COLS))
    return sorted(out, key=lambda t: (t[0], t[1], t[2]))


def agree(a: list[tuple[Any, ...]], b: list[tuple[Any, ...]]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        for u, v in zip(x, y):
            if isinstance(u, float) or isinstance(v, float):
                if (u is None) != (v is None) or (u is not None and abs(u - v) > 1e-9 * max(1, abs(v))):
                    return False
            elif u != v:
                return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", nargs="?", type=int, default=5_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    assert calendar.isleap(2024)

    t0 = time.perf_counter()
    table = utklar.synth(episodes=a.n, seed=1)
    gen = time.perf_counter() - t0
    pl_df = pl.from_arrow(table)
    assert isinstance(pl_df, pl.DataFrame)
    pd_df = table.to_pandas()
    # The codes as categoricals (dictionary-encoded), as a pandas or polars user may hold them.
    cat_table = table
    for c in ("municipality", "care_type"):
        cat_table = cat_table.set_column(cat_table.schema.get_field_index(c), c, pc.dictionary_encode(table[c]))
    print(f"{a.n:,} episodes generated in {gen:.1f} s; pyarrow table {table.nbytes / 1e6:.0f} MB")

    con = duckdb.connect()
    con.register("episodes", table)  # the same Arrow table, read in place
    runs: dict[str, Callable[[], Any]] = {
        "utklar.indicators(pyarrow table)": lambda: with_utklar(table),
        "polars lazy query (polars DataFrame)": lambda: with_polars(pl_df),
        "DuckDB SQL (the same pyarrow table)": lambda: with_duckdb(con),
        "pandas groupby (pandas DataFrame)": lambda: with_pandas(pd_df),
        "utklar.indicators(polars DataFrame)": lambda: with_utklar(pl_df),
        "utklar.indicators(pandas DataFrame)*": lambda: with_utklar(pd_df),
        "utklar.indicators(categorical codes)": lambda: with_utklar(cat_table),
    }
    best: dict[str, float] = {}
    out: dict[str, Any] = {}
    for _ in range(a.repeat):
        for name, f in runs.items():
            t, out[name] = timed(f)
            best[name] = min(best.get(name, t), t)
    names = list(runs)
    t_u, t_pl, t_dk = best[names[0]], best[names[1]], best[names[2]]

    u = normalised(out[names[0]].to_pylist())
    p = normalised(out[names[1]].to_dicts())
    k = normalised(out[names[2]].to_pylist())
    d = normalised(out[names[3]].to_dict("records"))
    c = normalised(out["utklar.indicators(categorical codes)"].to_pylist())
    ok = agree(u, p) and agree(u, k) and agree(u, d) and u == c
    print(f"groups: utklar {len(u)}, polars {len(p)}, DuckDB {len(k)}, pandas {len(d)}; all agree: {ok}")
    print(f"{'query':<42} {'seconds':>8} {'vs utklar':>10}")
    for name in names:
        print(f"{name:<42} {best[name]:>8.3f} {best[name] / t_u:>9.1f}x")
    print("* includes pandas' own export to Arrow (a copy) inside __arrow_c_stream__")
    print(f"utklar / polars: {t_u / t_pl:.2f} (target <= 0.35); utklar / DuckDB: {t_u / t_dk:.2f} (target <= 0.25)")
    if not ok:
        raise SystemExit("the results differ")


if __name__ == "__main__":
    main()
