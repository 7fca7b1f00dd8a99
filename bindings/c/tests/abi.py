#!/usr/bin/env python3
"""The ABI of libutklar.so.0, as text, and its comparison with the committed baseline.

    abi.py dump  LIB HEADER BUILD_DIR             print the ABI
    abi.py check LIB HEADER BUILD_DIR BASELINE    fail on an incompatible change

The ABI is: the exported symbols (nm -D), the value of every enumerator and macro of the
header, and the size and alignment of every public struct with the offset and size of each
member, measured by a C program generated from the header and compiled with the system's
compiler (so the header must compile, macros included).

Compatible changes pass, and are listed: new symbols, enumerators, macros, structs, and new
members at the end of a struct whose first member is `struct_size` (the library reads and
writes only the bytes the caller's `struct_size` covers). Anything else fails: a symbol gone,
an enumerator or macro changed, a struct's size, alignment or a member's offset or size
changed. The version macros are not part of the ABI. `make -C bindings/c abi-baseline`
rewrites the baseline; commit it with each release.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

VERSION_MACROS = {"UTKLAR_VERSION_MAJOR", "UTKLAR_VERSION_MINOR", "UTKLAR_VERSION_PATCH", "UTKLAR_H"}


def parse_header(text: str) -> tuple[dict[str, list[str]], dict[str, str], dict[str, str]]:
    """(structs → member names, enumerators → values, macros → values) of the header."""
    structs: dict[str, list[str]] = {}
    for body, name in re.findall(r"^typedef struct \{\n(.*?)^\} (\w+);", text, re.S | re.M):
        members = []
        for line in body.splitlines():
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            m = re.match(r"^[\w\s\*]*?\**(\w+)(\[[^\]]*\])?;$", line)
            if not m:
                raise SystemExit(f"abi.py: cannot read the member line {line!r} of {name}")
            members.append(m.group(1))
        structs[name] = members
    enums = dict(re.findall(r"^\s+(UTKLAR_\w+) = (-?\w+),", text, re.M))
    macros = {
        k: v.strip()
        for k, v in re.findall(r"^#define (UTKLAR_\w+)(.*)$", text, re.M)
        if k not in VERSION_MACROS
    }
    return structs, enums, macros


def measure(header: str, build: str, structs: dict[str, list[str]], macros: dict[str, str]) -> list[str]:
    """Compiles and runs a program printing each struct's layout; the macros must compile."""
    os.makedirs(build, exist_ok=True)
    src = os.path.join(build, "abi_layout.c")
    exe = os.path.join(build, "abi_layout")
    lines = [
        "#include <stdalign.h>",
        "#include <stddef.h>",
        "#include <stdio.h>",
        '#include "utklar.h"',
        "int main(void) {",
    ]
    for name in macros:
        lines.append(f"  (void)({name});")
    for name, members in structs.items():
        lines.append(
            f'  printf("struct {name} size %zu align %zu\\n", sizeof({name}), alignof({name}));'
        )
        for m in members:
            lines.append(
                f'  printf("field {name}.{m} offset %zu size %zu\\n", '
                f"offsetof({name}, {m}), sizeof((({name} *)0)->{m}));"
            )
    lines += ["  return 0;", "}"]
    with open(src, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    cc = os.environ.get("CC", "cc")
    inc = os.path.dirname(os.path.abspath(header))
    subprocess.run(
        [cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", inc, src, "-o", exe],
        check=True,
    )
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def symbols(lib: str) -> list[str]:
    out = subprocess.run(
        ["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True
    ).stdout
    return [f"symbol {p[2]}" for p in (l.split() for l in out.splitlines()) if len(p) == 3 and p[1] == "T"]


def dump(lib: str, header: str, build: str) -> list[str]:
    with open(header, encoding="utf-8") as f:
        structs, enums, macros = parse_header(f.read())
    out = symbols(lib)
    out += [f"enum {k} {v}" for k, v in enums.items()]
    out += [f"macro {k} {v}" for k, v in macros.items()]
    out += measure(header, build, structs, macros)
    return sorted(out)


def check(current: list[str], baseline: list[str]) -> int:
    cur = set(current)
    keyed = {}
    for line in current:
        kind, key, *_ = line.split(" ")
        keyed[(kind, key)] = line
    growable = {
        key.split(".")[0]
        for line in current
        for kind, key, *rest in [line.split(" ")]
        if kind == "field" and key.endswith(".struct_size") and rest[:2] == ["offset", "0"]
    }
    broken = []
    for line in baseline:
        if line in cur:
            continue
        kind, key, *rest = line.split(" ")
        now = keyed.get((kind, key))
        if kind == "struct" and now is not None and key in growable:
            old_size, old_align = int(rest[1]), rest[3]
            _, _, _, new_size, _, new_align = now.split(" ")
            if int(new_size) >= old_size and new_align == old_align:
                continue
        broken.append(f"  baseline: {line}\n  now:      {now or '(gone)'}")
    added = sorted(cur - set(baseline))
    if added:
        print(f"ABI additions since the baseline ({len(added)}; compatible where nothing below breaks):")
        for line in added:
            print("  " + line)
    if broken:
        print("INCOMPATIBLE ABI changes against the committed baseline (libutklar.so.0):")
        print("\n".join(broken))
        print("Restore them, or (for a new major version) change the SONAME and run "
              "`make -C bindings/c abi-baseline`.")
        return 1
    print(f"ABI: compatible with the baseline ({len(baseline)} entries)")
    return 0


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "dump":
        print("\n".join(dump(*sys.argv[2:5])))
        return 0
    if len(sys.argv) == 6 and sys.argv[1] == "check":
        with open(sys.argv[5], encoding="utf-8") as f:
            baseline = [l for l in f.read().splitlines() if l and not l.startswith("#")]
        return check(dump(*sys.argv[2:5]), baseline)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
