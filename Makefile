# utklar — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TERM_COLOR ?= never

.PHONY: demo test fmt-check clippy test-rust bench-build

demo:
	$(CARGO) run --release -q -p utklar-core --example kalmar_indicators

test: fmt-check clippy test-rust bench-build
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
