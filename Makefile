# utklar — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never

.PHONY: demo test fmt-check clippy test-rust test-cli bench-build bench-cli test-c install

demo:
	$(CARGO) run --release -q -p utklar-cli -- demo

test: fmt-check clippy test-rust bench-build test-c
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

# The C API: header check, exported symbols, C/C++ tests under ASan+UBSan and valgrind, example.
test-c:
	$(MAKE) -C bindings/c test

# Installs utklar.h, libutklar.{so,a} and utklar.pc under PREFIX (default /usr/local).
install:
	$(MAKE) -C bindings/c install
