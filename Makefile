# utklar — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never

.PHONY: test-cross test-report chromium demo test doc fmt-check clippy test-rust test-cli bench-build bench-cli test-python python-venv bench-venv \
	bench-compare-cli bench-scaling test-c install \
	wheel sdist wheel-tools test-wheel test-version package fuzz fuzz-smoke fuzz-tools

demo:
	$(CARGO) run --release -q -p utklar-cli -- demo --report $(CARGO_TARGET_DIR)/demo-report.html

test: fmt-check clippy test-rust doc bench-build test-python test-wheel test-c test-version test-cross test-report fuzz-smoke
	@echo "make test: all checks passed"

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Unit, property, golden and doc tests of every Rust crate.
test-rust:
	$(CARGO) test --workspace

# The utklar binary alone, run as a user runs it (tests/cli.rs; `test-rust` runs it too).
test-cli:
	$(CARGO) test -p utklar-cli

# The crate docs build without a warning (broken links fail).
doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace

bench-build:
	$(CARGO) bench --workspace --no-run

# Time and peak memory of `utklar indicators` over a generated 20-million-episode CSV (not part
# of `make test`: it writes a ~2.5 GB file under $(CARGO_TARGET_DIR)).
BIG_CSV := $(CARGO_TARGET_DIR)/synth-20m.csv
bench-cli:
	test -x /usr/bin/time || apt-get install -y time || sudo apt-get install -y time
	$(CARGO) build --release -q -p utklar-cli
	test -s $(BIG_CSV) || $(CARGO_TARGET_DIR)/release/utklar synth --episodes 20000000 --seed 1 --output $(BIG_CSV)
	/usr/bin/time -v $(CARGO_TARGET_DIR)/release/utklar indicators --episodes $(BIG_CSV) --population builtin --format csv > /dev/null

# The monthly report in a real browser: Debian's headless chromium (installed when missing)
# renders the demo's report to PNG and PDF; the test checks there are no console errors, that
# the page is not blank and that every chart has its axes, title and indicator line
# (crates/utklar-cli/tests/browser.rs, ignored by a plain `cargo test`).
CHROMIUM ?= /usr/bin/chromium
chromium:
	test -x $(CHROMIUM) || { apt-get update -qq && apt-get install -y -qq chromium; } || { sudo apt-get update -qq && sudo apt-get install -y -qq chromium; }

test-report: chromium
	$(CARGO) test -q -p utklar-report
	$(CARGO) test -q -p utklar-cli --test report
	UTKLAR_CHROMIUM=$(CHROMIUM) $(CARGO) test -q -p utklar-cli --test browser -- --ignored

# The command line against DuckDB and polars on the same generated CSV (5 million rows by
# default; BENCH_ROWS to change): whole processes, alternating, median of 5; prints the ratios
# and fails when the three disagree on any group (benches/compare_cli.py). Not part of `make test`.
BENCH_ROWS ?= 5000000
bench-compare-cli: bench-venv
	$(CARGO) build --release -q -p utklar-cli
	$(PY) benches/compare_cli.py --rows $(BENCH_ROWS) --utklar $(CARGO_TARGET_DIR)/release/utklar

# Time and peak memory of indicators, validate, invoice (and report, when the binary has it)
# at 1, 5 and 20 million rows: the README's scaling table (benches/scaling.py). The files are
# written to TMPDIR (20 million rows: about 2.5 GB) and deleted after. Not part of `make test`.
bench-scaling:
	$(CARGO) build --release -q -p utklar-cli
	python3 benches/scaling.py --utklar $(CARGO_TARGET_DIR)/release/utklar

# The Python package (bindings/python, its own cargo workspace: a pyo3 extension module is not
# linked by `cargo test --workspace`). A virtualenv in .venv gets the tools once; the package is
# built in release mode with maturin and installed, then: stubtest against the compiled module,
# mypy, pytest, the doctests of the installed package and the example script.
VENV ?= $(CURDIR)/.venv
PY := $(VENV)/bin/python
PY_DEPS := maturin pyarrow polars pandas matplotlib openpyxl hypothesis pytest mypy

# The stamp holds the list installed: a virtualenv made before a package joined PY_DEPS gets it.
ifneq ($(PY_DEPS),$(strip $(shell cat $(VENV)/.deps-installed 2>/dev/null)))
.PHONY: $(VENV)/.deps-installed
endif
$(VENV)/.deps-installed:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(PY_DEPS)
	echo '$(PY_DEPS)' > $@

python-venv: $(VENV)/.deps-installed

# The benches' extra tools (benches/compare_cli.py), in the same virtualenv: DuckDB.
BENCH_DEPS := duckdb

$(VENV)/.bench-installed: $(VENV)/.deps-installed
	$(PY) -m pip install -q $(BENCH_DEPS)
	touch $@

bench-venv: $(VENV)/.bench-installed

# utklar.indicators on a generated Arrow table of BENCH_ROWS episodes beside the same query in
# polars, pandas and DuckDB (on the same Arrow table): checks that all agree on every group and
# prints the times and ratios (benches/compare.py; not part of `make test`).
.PHONY: bench-compare
bench-compare: bench-venv wheel
	$(PY) -m pip install -q --force-reinstall --no-deps $(WHEEL)
	$(PY) benches/compare.py $(BENCH_ROWS)

test-python: python-venv wheel
	cd bindings/python && $(CARGO) fmt -- --check
	cd bindings/python && $(CARGO) clippy --all-targets -- -D warnings
	$(PY) -m pip install -q --force-reinstall --no-deps $(WHEEL)
	cd bindings/python && $(PY) -m mypy.stubtest utklar --mypy-config-file pyproject.toml
	cd bindings/python && $(PY) -m mypy --config-file pyproject.toml python/utklar
	cd bindings/python && $(PY) -m pytest -q -p no:cacheprovider tests
	cd bindings/python && $(PY) -m pytest -q -p no:cacheprovider --doctest-modules --pyargs utklar
	MPLBACKEND=Agg $(PY) examples/python/kalmar.py --out out/kalmar_mean_days.png

# The wheel people install: manylinux 2.17 (glibc 2.17 or newer), abi3 (CPython 3.10 and
# later), linked with zig (the `ziglang` package) so that it does not depend on this machine's
# glibc; auditwheel confirms the tag. It carries LICENSE-MIT, LICENSE-APACHE and
# bindings/python/README.md as its long description.
DIST := $(CURDIR)/dist
WHEEL = $(firstword $(wildcard $(DIST)/utklar-$(VERSION)-cp310-abi3-manylinux*_x86_64.whl))
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

$(VENV)/.wheel-tools-installed: $(VENV)/.deps-installed
	$(PY) -m pip install -q maturin ziglang auditwheel
	touch $@

wheel-tools: $(VENV)/.wheel-tools-installed

wheel: wheel-tools
	rm -f $(DIST)/utklar-*.whl
	PATH="$(VENV)/bin:$$PATH" $(VENV)/bin/maturin build --release --zig --compatibility manylinux2014 \
	  -i $(PY) -m bindings/python/Cargo.toml --out $(DIST)
	$(VENV)/bin/auditwheel show $(DIST)/utklar-*.whl | tr -s ' \n' ' ' | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"'
	$(PY) -c 'import sys, zipfile; w = sys.argv[1]; n = zipfile.ZipFile(w).namelist(); \
	  need = ["utklar-$(VERSION).dist-info/licenses/LICENSE-MIT", "utklar-$(VERSION).dist-info/licenses/LICENSE-APACHE"]; \
	  missing = [f for f in need if f not in n]; \
	  meta = zipfile.ZipFile(w).read("utklar-$(VERSION).dist-info/METADATA").decode(); \
	  assert not missing, missing; assert "\n\n# utklar for Python" in meta, "no long description"; \
	  assert "Requires-Dist: pyarrow" in meta; print("wheel:", w.split("/")[-1])' $(DIST)/utklar-*.whl

sdist: wheel-tools
	rm -f $(DIST)/utklar-*.tar.gz
	$(VENV)/bin/maturin sdist -m bindings/python/Cargo.toml --out $(DIST)
	tar tzf $(DIST)/utklar-$(VERSION).tar.gz | grep -qx 'utklar-$(VERSION)/LICENSE-MIT'
	tar tzf $(DIST)/utklar-$(VERSION).tar.gz | grep -qx 'utklar-$(VERSION)/LICENSE-APACHE'

# The wheel as a statistician installs it: a fresh virtualenv whose PATH has no cargo or rustc;
# without pyarrow `utklar.synth()` says what to install; with the wheel's dependencies the
# README's Python quick start (extracted from README.md, so it cannot drift) runs on
# examples/c/episodes.csv, and the version is the workspace's.
WHEEL_TEST := $(CARGO_TARGET_DIR)/wheel-test
NO_RUST_ENV = env -u CARGO_HOME -u RUSTUP_HOME PATH="$(WHEEL_TEST)/venv/bin:/usr/bin:/bin"
test-wheel: wheel
	rm -rf $(WHEEL_TEST) && mkdir -p $(WHEEL_TEST)
	python3 -m venv $(WHEEL_TEST)/venv
	$(NO_RUST_ENV) sh -c '! command -v cargo && ! command -v rustc' || { echo "cargo or rustc is on the test PATH"; exit 1; }
	$(NO_RUST_ENV) python -m pip install -q --no-deps $(WHEEL)
	$(NO_RUST_ENV) python -c 'import utklar; utklar.synth()' 2> $(WHEEL_TEST)/no-pyarrow.txt && exit 1 || true
	grep -q 'pip install pyarrow' $(WHEEL_TEST)/no-pyarrow.txt || { cat $(WHEEL_TEST)/no-pyarrow.txt; exit 1; }
	$(NO_RUST_ENV) python -m pip install -q $(WHEEL)
	awk '/^## Python/ {s = 1} s && /^```python/ {p = 1; next} p && /^```/ {exit} p' README.md > $(WHEEL_TEST)/quickstart.py
	test -s $(WHEEL_TEST)/quickstart.py
	cp examples/c/episodes.csv $(WHEEL_TEST)/export.csv
	cd $(WHEEL_TEST) && $(NO_RUST_ENV) python quickstart.py
	cd $(WHEEL_TEST) && $(NO_RUST_ENV) python -c 'import utklar, sys; assert utklar.__version__ == sys.argv[1], (utklar.__version__, sys.argv[1])' $(VERSION)
	@echo "test-wheel: the wheel installs and runs without Rust"

# The publishable crates package (needs the crates.io index; not part of `make test`).
package:
	$(CARGO) package -p utklar-core -p utklar-cli --no-verify --allow-dirty

# One version everywhere: the crates, `utklar --version`, the Python package's metadata and
# the C header's macros (crates/utklar-cli/tests/version.rs), and the installed Python
# package's `utklar.__version__`.
test-version: python-venv
	$(CARGO) test -q -p utklar-cli --test version
	$(PY) -c 'import utklar, sys; assert utklar.__version__ == sys.argv[1], (utklar.__version__, sys.argv[1])' $(VERSION)

# The C API: header check, exported symbols, C/C++ tests under ASan+UBSan and valgrind, example.
test-c:
	$(MAKE) -C bindings/c test

# One adversarial CSV file (tests/cross_surface/episodes.csv: every bad-input reason, times to
# the second, a repeat of an unreadable row's id, BOM, semicolons, CRLF, SANT/FALSKT, decimal
# commas) read by the command line, by Rust (utklar-csv), by C (libutklar) and by Python
# (pyarrow, polars, pandas): the same indicators, invoices under every preset, comparisons,
# exclusions by reason and row numbers (tests/cross_surface/run.py).
CROSS_C := $(CARGO_TARGET_DIR)/cross-surface/cross_surface
test-cross: python-venv
	$(CARGO) build --release -q -p utklar-cli
	$(CARGO) build --release -q -p utklar-csv --example cross_surface
	$(MAKE) -C bindings/c test-lib  # the library and its SONAME link (libutklar.so.0)
	mkdir -p $(dir $(CROSS_C))
	gcc -std=c99 -Wall -Wextra -Werror -pedantic -Ibindings/c/include tests/cross_surface/cross_surface.c \
	  -L$(CARGO_TARGET_DIR)/debug -Wl,-rpath,$(CARGO_TARGET_DIR)/debug -lutklar -o $(CROSS_C)
	$(PY) tests/cross_surface/run.py --python --cli $(CARGO_TARGET_DIR)/release/utklar \
	  --rust $(CARGO_TARGET_DIR)/release/examples/cross_surface --c $(CROSS_C)

# Installs utklar.h, libutklar.so.X.Y.Z with its links, libutklar.a, utklar.pc and the CMake package
# (lib/cmake/utklar) under PREFIX (default /usr/local).
install:
	$(MAKE) -C bindings/c install

# Fuzzing (fuzz/, its own cargo workspace; cargo-fuzz and libFuzzer on the nightly toolchain):
# every target for FUZZ_SECONDS, from the committed seeds in fuzz/seeds/<target>; what the
# runs learn goes to $(CARGO_TARGET_DIR)/fuzz-corpus/<target>, a crash to fuzz/artifacts/.
# `fuzz-smoke` (part of `make test`) runs each target for FUZZ_SMOKE_SECONDS (default 10). The
# fuzz build has its own target dir, $(CARGO_TARGET_DIR)/fuzz (sanitizer flags differ, so it
# shares nothing with the workspace's build and leaves it alone).
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TARGETS := time agreement episode_row csv c_buffers episode_set arrow
FUZZ_FLAGS := -rss_limit_mb=2048 -timeout=10

fuzz-tools:
	$(CARGO) +nightly --version >/dev/null
	$(CARGO) fuzz --version >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked

fuzz: fuzz-tools
	$(CARGO) +nightly fuzz build --fuzz-dir fuzz --target-dir $(CARGO_TARGET_DIR)/fuzz
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(CARGO_TARGET_DIR)/fuzz-corpus/$$t; \
	  log=$(CARGO_TARGET_DIR)/fuzz-$$t.log; \
	  if ! $(CARGO) +nightly fuzz run --fuzz-dir fuzz --target-dir $(CARGO_TARGET_DIR)/fuzz $$t \
	      $(CARGO_TARGET_DIR)/fuzz-corpus/$$t fuzz/seeds/$$t -- \
	      -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) > $$log 2>&1; then \
	    tail -40 $$log; echo "fuzz target $$t failed: the input is in fuzz/artifacts/$$t"; exit 1; \
	  fi; \
	  echo "$$t: $$(grep -E '^Done' $$log)"; \
	done

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)
