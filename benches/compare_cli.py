"""The utklar command line next to DuckDB and polars, on the same CSV file.

Writes a generated episode file (`utklar synth --episodes N --seed 1`, default 5 000 000 rows)
unless --csv names one, then times three whole processes, alternating, --repeat times each
(default 5), and prints the median wall time, the CPU time (user + system), the peak memory
and the ratios to utklar:

- `utklar indicators --episodes FILE --format csv`: every row checked (codes, dates, flags,
  ages, repeated ids), every excluded row counted with its reason;
- DuckDB, `read_csv` and the monthly query an analyst writes: open episodes out, ready days =
  discharge date - ready date, negative days out, per municipality, care type and month of the
  discharge date: episodes, day 0, at least one day, ready days (`python -c`, so Python's start
  is in the time, as it is for anyone who runs it);
- polars, `scan_csv` and the same query.

It fails (exit status 1) when the three disagree on any group: a group missing from one, or a
different count or sum. The results are compared, not timed, after the runs.

    python benches/compare_cli.py [--rows N | --csv FILE] [--repeat 5] [--utklar PATH]

On a machine shared with other work, the CPU times are the steadier figures; the ratios are
measured in the same run, alternating, so load affects all three alike.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent

DUCKDB = """
import sys, duckdb
src, out = sys.argv[1], sys.argv[2]
duckdb.sql(f'''
    select municipality, care_type, strftime(discharged_at::date, '%Y-%m') as period,
           count(*) as episodes,
           count(*) filter (where days = 0) as day0,
           count(*) filter (where days >= 1) as ready_ge1,
           sum(days) as ready_days
    from (select municipality, care_type, discharged_at,
                 datediff('day', ready_at::date, discharged_at::date) as days
          from read_csv('{src}', types = {{'municipality': 'VARCHAR'}})
          where discharged_at is not null)
    where days >= 0
    group by all order by all
''').write_csv(out)
"""

POLARS = """
import sys, polars as pl
src, out = sys.argv[1], sys.argv[2]
day = lambda c: pl.col(c).str.slice(0, 10).str.to_date("%Y-%m-%d")
(
    pl.scan_csv(src, schema_overrides={"municipality": pl.Utf8, "ready_at": pl.Utf8, "discharged_at": pl.Utf8})
    .filter(pl.col("discharged_at").is_not_null())
    .with_columns(days=(day("discharged_at") - day("ready_at")).dt.total_days(),
                  period=pl.col("discharged_at").str.slice(0, 7))
    .filter(pl.col("days") >= 0)
    .group_by("municipality", "care_type", "period")
    .agg(episodes=pl.len(), day0=(pl.col("days") == 0).sum(),
         ready_ge1=(pl.col("days") >= 1).sum(), ready_days=pl.col("days").sum())
    .sort("municipality", "care_type", "period")
    .collect()
    .write_csv(out)
)
"""

Group = tuple[str, str, str]
Counts = tuple[int, int, int, int]


def run(cmd: list[str], stdout: Path | None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak memory (bytes) of one process."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    finally:
        if stdout:
            out.close()
    if p.returncode not in (0,):
        sys.exit(f"{cmd[0]} failed ({p.returncode}): {err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def groups(path: Path) -> dict[Group, Counts]:
    """The (municipality, care_type, period) → (episodes, day0, ready_ge1, ready_days) of a
    result file (utklar's has more columns; the four are read by name)."""
    with open(path, newline="") as f:
        return {
            (r["municipality"], r["care_type"], r["period"]): (
                int(r["episodes"]),
                int(r["day0"]),
                int(r["ready_ge1"]),
                int(r["ready_days"]),
            )
            for r in csv.DictReader(f)
        }


def disagreements(name: str, ours: dict[Group, Counts], theirs: dict[Group, Counts]) -> list[str]:
    out = []
    for g in sorted(ours.keys() | theirs.keys()):
        a, b = ours.get(g), theirs.get(g)
        if a != b:
            out.append(f"  {'/'.join(g)}: utklar {a}, {name} {b}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000, help="rows of the generated file")
    ap.add_argument("--csv", type=Path, help="an existing episode file instead of a generated one")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each (the median is shown)")
    ap.add_argument("--utklar", type=Path, default=Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "utklar")
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="utklar-compare-cli-") as tmp:
        t = Path(tmp)
        src = a.csv
        if src is None:
            src = t / "episodes.csv"
            subprocess.run([str(a.utklar), "synth", "--episodes", str(a.rows), "--seed", "1", "--output", str(src)],
                           check=True, stderr=subprocess.DEVNULL)
        rows = sum(1 for _ in open(src, "rb")) - 1
        size = src.stat().st_size
        py = sys.executable
        tools: dict[str, Callable[[Path], list[str]]] = {
            "utklar": lambda out: [str(a.utklar), "indicators", "--episodes", str(src), "--format", "csv"],
            "duckdb": lambda out: [py, "-c", DUCKDB, str(src), str(out)],
            "polars": lambda out: [py, "-c", POLARS, str(src), str(out)],
        }
        results = {name: t / f"{name}.csv" for name in tools}
        times: dict[str, list[tuple[float, float, int]]] = {name: [] for name in tools}
        for _ in range(a.repeat):
            for name, cmd in tools.items():
                out = results[name]
                times[name].append(run(cmd(out), out if name == "utklar" else None))

        got = {name: groups(path) for name, path in results.items()}
        bad = []
        for name in ("duckdb", "polars"):
            bad += disagreements(name, got["utklar"], got[name])

        load = os.getloadavg()
        print(f"{rows:,} rows, {size / 1e6:.0f} MB, {a.repeat} runs each, alternating; "
              f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
        med = {n: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v), max(x[2] for x in v))
               for n, v in times.items()}
        print(f"{'':8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'utklar/it (wall)':>17} {'(cpu)':>7}")
        for n, (w, c, m) in med.items():
            print(f"{n:8} {w:8.2f} {c:8.2f} {m / 1e6:8.0f} {med['utklar'][0] / w:17.2f} {med['utklar'][1] / c:7.2f}")
        print(f"groups: {len(got['utklar']):,} (utklar), {len(got['duckdb']):,} (duckdb), {len(got['polars']):,} (polars)")
        if bad:
            print(f"the results disagree on {len(bad)} groups:", *bad[:20], sep="\n")
            return 1
        print("all three agree on every group")
        return 0


if __name__ == "__main__":
    sys.exit(main())
