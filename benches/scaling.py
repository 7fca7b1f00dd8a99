"""Time and peak memory of the utklar command line at 1, 5 and 20 million rows.

For each size, writes a generated episode file (`utklar synth --episodes N --seed 1`) in a
temporary directory (TMPDIR; 20 million rows are about 2.5 GB), runs each command --repeat
times (default 3) as a whole process, deletes the file, and prints a Markdown table (the
README's scaling table): the least wall time and CPU time (user + system) of the runs, the
peak memory (maximum resident set), and CPU time per row relative to the first size. `report` is measured when the binary has that command.

    python benches/scaling.py [--sizes 1000000,5000000,20000000] [--repeat 3] [--commands report,...] [--utklar PATH]

On a machine shared with other work the wall time depends on the load (printed with the
table); the CPU time per row is the steadier figure for "linear in rows".
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = {
    "indicators": ["indicators", "--format", "csv"],
    "validate": ["validate"],
    "invoice": ["invoice", "--agreement", "kalmar", "--amount", "2025=10900", "--format", "csv"],
    # Kalmar län's monthly report (the latest month of the data), its invoice included.
    "report": ["report", "--county", "08", "--amount", "2025=10900"],
}


def run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak resident bytes of one process (its output dropped)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert p.stderr is not None
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # validate exits 1 when rows have problems (the generated file has a few on purpose).
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({code}): {err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000000,5000000,20000000")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each command at each size; the table gives the least time (default 3)")
    ap.add_argument("--commands", default=",".join(COMMANDS), help="a comma-separated subset of " + ", ".join(COMMANDS))
    ap.add_argument("--utklar", type=Path, default=Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "utklar")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    has_report = subprocess.run([str(a.utklar), "report", "--help"], capture_output=True).returncode == 0
    wanted = a.commands.split(",")
    commands = {k: v for k, v in COMMANDS.items() if k in wanted and (k != "report" or has_report)}
    results: dict[tuple[str, int], tuple[float, float, int]] = {}
    loads = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="utklar-scaling-") as tmp:
            src = Path(tmp) / "episodes.csv"
            subprocess.run([str(a.utklar), "synth", "--episodes", str(n), "--seed", "1", "--output", str(src)],
                           check=True, stderr=subprocess.DEVNULL)
            size = src.stat().st_size
            for name, args in commands.items():
                cmd = [str(a.utklar), args[0], "--episodes", str(src), *args[1:]]
                if name == "report":
                    cmd += ["--output", str(Path(tmp) / "report.html")]
                # The least of --repeat runs: the machine's other work adds time, never takes it.
                runs = [run(cmd) for _ in range(a.repeat)]
                results[(name, n)] = (min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs))
                w, c, m = results[(name, n)]
                print(f"{n:>11,} rows ({size / 1e9:.2f} GB) {name:<10} {w:7.2f} s wall {c:7.2f} s cpu {m / 1e6:7.0f} MB",
                      file=sys.stderr)
            loads.append(os.getloadavg()[0])
    print(f"Load average during the runs: {', '.join(f'{x:.1f}' for x in loads)} on {os.cpu_count()} cores.\n")
    header = "| command | " + " | ".join(f"{n / 1e6:g} M rows" for n in sizes) + f" | CPU per row, {sizes[-1] / 1e6:g} M ÷ {sizes[0] / 1e6:g} M |"
    print(header)
    print("|" + "---|" * (len(sizes) + 2))
    for name in COMMANDS:
        if name not in wanted:
            continue
        if name not in commands:
            print(f"| `{name}` | " + " | ".join("(not on this branch)" for _ in sizes) + " | |")
            continue
        cells = []
        for n in sizes:
            w, c, m = results[(name, n)]
            cells.append(f"{w:.1f} s ({c:.1f} s CPU), {m / 1e6:,.0f} MB")
        first, last = results[(name, sizes[0])], results[(name, sizes[-1])]
        per_row = (last[1] / sizes[-1]) / (first[1] / sizes[0])
        print(f"| `{name}` | " + " | ".join(cells) + f" | {per_row:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
