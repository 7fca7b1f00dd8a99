# utklar — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never

.PHONY: demo test fmt-check clippy test-rust bench-build test-c install

demo:
	$(CARGO) run --release -q -p utklar-core --example kalmar_indicators

test: fmt-check clippy test-rust bench-build test-c
	@echo "make test: all checks passed"

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Unit, property, golden and doc tests of every Rust crate.
test-rust:
	$(CARGO) test --workspace

bench-build:
	$(CARGO) bench --workspace --no-run

# The C API: header check, exported symbols, C/C++ tests under ASan+UBSan and valgrind, example.
test-c:
	$(MAKE) -C bindings/c test

# Installs utklar.h, libutklar.{so,a} and utklar.pc under PREFIX (default /usr/local).
install:
	$(MAKE) -C bindings/c install
