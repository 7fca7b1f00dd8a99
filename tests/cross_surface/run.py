"""The cross-surface test: one adversarial CSV file read by the command line, by Rust, by C and
by Python (pyarrow, polars, and pandas' read_csv) must give the same indicators, invoices under
every preset, comparisons, exclusion counts by reason and row numbers, and the census,
readmissions, planned-date accuracy and (without the command line, which has no command for
them) per-person counts; the county registry and the national amounts.

    python tests/cross_surface/run.py --cli target/release/utklar \
        --rust target/release/examples/cross_surface --c target/c-tests/cross_surface

Every surface is turned into the same canonical lines (see cross_surface.c); the command line's
JSON carries no row numbers in invoice lines and not-billed counts only, so it is compared on
that projection of the others. Exit status 0 when all agree, 1 with the differences otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EPISODES = HERE / "episodes.csv"
PRESETS = ["statutory", "kalmar", "vgr", "sormland"]
#: The census date of the `census` lines (every surface uses it).
CENSUS_ON = "2024-03-31"


def lines_of(text: str) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if line.strip())


def run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def days(x: float) -> str:
    return f"{x:.4f}"


def cli_lines(cli: str) -> list[str]:
    """What the command line prints, as canonical lines (with its projection of invoices)."""
    out: list[str] = []
    rows = json.loads(run([cli, "indicators", "--episodes", str(EPISODES), "--format", "json"]))
    for r in rows:
        out.append(
            f"indicator {r['municipality']} {r['care_type']} {r['period']} {r['episodes']} "
            f"{r['day0']} {r['ready_ge1']} {r['ready_days']}"
        )
    problems = json.loads(run([cli, "validate", "--episodes", str(EPISODES), "--format", "json"]))["problems"]
    first: dict[int, str] = {}
    for p in problems:
        out.append(f"problem {p['row']} {p['field']} {p['reason']}")
        first.setdefault(p["row"], p["reason"])
    for reason, n in collections.Counter(first.values()).items():
        out.append(f"exclusion {reason} {n}")
    for preset in PRESETS:
        inv = json.loads(run([cli, "invoice", "--episodes", str(EPISODES), "--agreement", preset, "--format", "json"]))
        amount = sum(line["amount_ore"] for line in inv["lines"])
        out.append(f"invoice {preset} summary {inv['episodes_in']} {amount}")
        for line in inv["lines"]:
            out.append(
                f"invoice {preset} line {line['episode_id'] or ''} {line['municipality']} {line['care_type']} "
                f"{line['period']} {days(line['billed_days'])} {line['amount_ore']} {line['rule']}"
            )
        for t in inv["totals"]:
            out.append(
                f"invoice {preset} total {t['municipality']} {t['care_type']} {t['period']} "
                f"{days(t['billed_days'])} {t['amount_ore']}"
            )
        for reason, n in inv["not_billed"].items():
            if n:
                out.append(f"invoice {preset} not_billed_count {reason} {n}")
        dash = lambda x: "-" if x is None else str(x)  # noqa: E731
        for r in json.loads(run([cli, "explain", "--episodes", str(EPISODES), "--agreement", preset, "--format", "json"])):
            bd = "-" if r["billed_days"] is None else days(r["billed_days"])
            out.append(
                f"explain {preset} {r['row']} {dash(r['municipality'])} {dash(r['period'])} {dash(r['ready_days'])} "
                f"{r['counting']} {dash(r['reason'])} {dash(r['billing'])} {bd} {dash(r['amount_ore'])} "
                f"{dash(r['rule'])} {dash(r['not_billed'])}"
            )
    for w in json.loads(run([cli, "census", "--episodes", str(EPISODES), "--on", CENSUS_ON, "--format", "json"])):
        out.append(
            f"census {w['row']} {w['episode_id']} {w['municipality']} {w['care_type']} {w['ready_date']} {w['waited_days']}"
        )
    for r in json.loads(run([cli, "readmissions", "--episodes", str(EPISODES), "--window", "30", "--format", "json"])):
        out.append(f"readmission {r['group']} {r['care_type']} {r['period']} {r['discharges']} {r['readmitted']}")
    a = json.loads(run([cli, "accuracy", "--episodes", str(EPISODES), "--format", "json"]))
    num = lambda x: "nan" if x is None else f"{x:.6f}"  # noqa: E731
    out.append(
        f"accuracy {a['episodes']} {num(a['exact_share'])} {num(a['mean_abs_error_days'])} {num(a['bias_days'])}"
    )
    for c in json.loads(run([cli, "presets", "--counties", "--format", "json"])):
        out.append(f"county {c['county']} {c['model']} {c['preset'] or '-'} {c['name']} {c['source']}")
    for r in json.loads(run([cli, "amounts", "--format", "json"])):
        out.append(f"amount {r['year']} {r['ore']} {r['source']}")
    cmp_args = [cli, "compare", "--episodes", str(EPISODES), "--format", "json"]
    for preset in PRESETS:
        cmp_args += ["--agreement", preset]
    c = json.loads(run(cmp_args))
    for r in c["rows"]:
        out.append(
            f"compare {r['municipality']} {r['care_type']} {r['period']} "
            + " ".join(str(a) for a in r["amount_ore"])
        )
    return sorted(out)


def projection(lines: list[str]) -> list[str]:
    """A full surface's lines as the command line can give them: no account line, invoice lines
    without their row, not-billed rows counted by reason."""
    out: list[str] = []
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for line in lines:
        w = line.split(" ")
        # Per-person counts have no command of their own on the command line.
        if w[0] in ("account", "persons"):
            continue
        if w[0] == "invoice" and w[2] == "line":
            out.append(" ".join(w[:4] + w[5:]))
        elif w[0] == "invoice" and w[2] == "not_billed":
            counts[(w[1], w[4])] += 1
        else:
            out.append(line)
    for (preset, reason), n in counts.items():
        out.append(f"invoice {preset} not_billed_count {reason} {n}")
    return sorted(out)


def without(lines: list[str], kind: str) -> list[str]:
    return [line for line in lines if not line.startswith(kind + " ")]


def diff(a_name: str, a: list[str], b_name: str, b: list[str]) -> list[str]:
    sa, sb = collections.Counter(a), collections.Counter(b)
    only_a = sorted((sa - sb).elements())
    only_b = sorted((sb - sa).elements())
    msgs = []
    for line in only_a[:20]:
        msgs.append(f"  only in {a_name}: {line}")
    for line in only_b[:20]:
        msgs.append(f"  only in {b_name}: {line}")
    return msgs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--rust", required=True)
    ap.add_argument("--c", required=True)
    ap.add_argument("--python", action="store_true", help="also the Python package (importable here)")
    a = ap.parse_args()

    surfaces: dict[str, list[str]] = {
        "rust": lines_of(run([a.rust, str(EPISODES), *PRESETS])),
        "c": lines_of(run([a.c, str(EPISODES), *PRESETS])),
    }
    if a.python:
        sys.path.insert(0, str(HERE))
        import python_surface

        for name, text in python_surface.all_readers(EPISODES, PRESETS).items():
            surfaces[name] = lines_of(text)

    reference = surfaces["rust"]
    if not reference or not any(line.startswith("problem ") for line in reference):
        print("cross-surface: the Rust surface printed nothing useful", file=sys.stderr)
        return 1
    failed = False
    for name, lines in surfaces.items():
        if name == "rust":
            continue
        # C has no comparison function; it is compared on everything else.
        ref = without(reference, "compare") if name == "c" else reference
        msgs = diff("rust", ref, name, without(lines, "compare") if name == "c" else lines)
        if msgs:
            failed = True
            print(f"cross-surface: {name} differs from rust:", file=sys.stderr)
            print("\n".join(msgs), file=sys.stderr)
    cli = cli_lines(a.cli)
    msgs = diff("rust", projection(reference), "cli", cli)
    if msgs:
        failed = True
        print("cross-surface: cli differs from rust:", file=sys.stderr)
        print("\n".join(msgs), file=sys.stderr)
    kinds = collections.Counter(line.split(" ")[0] for line in reference)
    print(
        f"cross-surface: {len(surfaces) + 1} surfaces ({', '.join([*surfaces, 'cli'])}) agree on "
        + ", ".join(f"{n} {k} lines" for k, n in sorted(kinds.items()))
        if not failed
        else "cross-surface: FAILED"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
