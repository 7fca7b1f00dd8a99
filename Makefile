# utklar — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never

.PHONY: demo test doc fmt-check clippy test-rust test-cli bench-build bench-cli test-python python-venv test-c install fuzz fuzz-smoke fuzz-tools

demo:
	$(CARGO) run --release -q -p utklar-cli -- demo

test: fmt-check clippy test-rust doc bench-build test-python test-c
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

# The Python package (bindings/python, its own cargo workspace: a pyo3 extension module is not
# linked by `cargo test --workspace`). A virtualenv in .venv gets the tools once; the package is
# built in release mode with maturin and installed, then: stubtest against the compiled module,
# mypy, pytest, the doctests of the installed package and the example script.
VENV ?= $(CURDIR)/.venv
PY := $(VENV)/bin/python
PY_DEPS := maturin pyarrow polars pandas matplotlib hypothesis pytest mypy

$(VENV)/.deps-installed:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(PY_DEPS)
	touch $@

python-venv: $(VENV)/.deps-installed

test-python: python-venv
	cd bindings/python && $(CARGO) fmt -- --check
	cd bindings/python && $(CARGO) clippy --all-targets -- -D warnings
	PATH="$(VENV)/bin:$$PATH" $(PY) -m pip install -q --no-build-isolation --force-reinstall --no-deps ./bindings/python
	cd bindings/python && $(PY) -m mypy.stubtest utklar --mypy-config-file pyproject.toml
	cd bindings/python && $(PY) -m mypy --config-file pyproject.toml python/utklar
	cd bindings/python && $(PY) -m pytest -q -p no:cacheprovider tests
	cd bindings/python && $(PY) -m pytest -q -p no:cacheprovider --doctest-modules --pyargs utklar
	MPLBACKEND=Agg $(PY) examples/python/kalmar.py --out out/kalmar_mean_days.png

# The C API: header check, exported symbols, C/C++ tests under ASan+UBSan and valgrind, example.
test-c:
	$(MAKE) -C bindings/c test

# Installs utklar.h, libutklar.{so,a} and utklar.pc under PREFIX (default /usr/local).
install:
	$(MAKE) -C bindings/c install

# Fuzzing (fuzz/, its own cargo workspace; cargo-fuzz and libFuzzer on the nightly toolchain):
# every target for FUZZ_SECONDS, from the committed seeds in fuzz/seeds/<target>; what the
# runs learn goes to $(CARGO_TARGET_DIR)/fuzz-corpus/<target>, a crash to fuzz/artifacts/.
# `fuzz-smoke` runs each target for about 10 seconds.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := time agreement episode_row
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
	$(MAKE) fuzz FUZZ_SECONDS=10
