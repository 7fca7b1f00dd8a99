//! One version everywhere: the workspace's crates, `utklar --version`, the Python package
//! (its crate and pyproject.toml, whose version `utklar.__version__` reports) and the C
//! header's `UTKLAR_VERSION_*` macros (which the C library's `utklar_version()` is checked
//! against, at compile time in bindings/c/src/types.rs and at run time in its C tests).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The value of the first `key = "value"` line of a TOML file (after `[section]` if given).
fn toml_value(text: &str, section: &str, key: &str) -> String {
    let mut in_section = section.is_empty();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_section = line == format!("[{section}]");
            continue;
        }
        if !in_section {
            continue;
        }
        if let Some(rest) = line.strip_prefix(key) {
            if let Some(value) = rest.trim_start().strip_prefix('=') {
                return value.trim().trim_matches('"').to_string();
            }
        }
    }
    panic!("no {key} in [{section}]");
}

fn header_macro(header: &str, name: &str) -> String {
    let prefix = format!("#define {name} ");
    header
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name} in utklar.h"))
        .trim()
        .to_string()
}

#[test]
fn every_surface_has_the_workspace_version() {
    let version = toml_value(&read("Cargo.toml"), "workspace.package", "version");
    assert_eq!(env!("CARGO_PKG_VERSION"), version, "utklar-cli");
    assert_eq!(
        toml_value(&read("Cargo.toml"), "workspace.dependencies", "utklar-core")
            .split("version = \"")
            .nth(1)
            .and_then(|v| v.split('"').next()),
        Some(version.as_str()),
        "the workspace's utklar-core dependency"
    );
    for member in ["crates/utklar-core", "bindings/c", "benches"] {
        let manifest = read(&format!("{member}/Cargo.toml"));
        assert!(
            manifest.contains("version.workspace = true"),
            "{member} inherits the workspace version"
        );
    }
    assert_eq!(
        toml_value(&read("bindings/python/Cargo.toml"), "package", "version"),
        version,
        "bindings/python/Cargo.toml"
    );
    assert_eq!(
        toml_value(
            &read("bindings/python/pyproject.toml"),
            "project",
            "version"
        ),
        version,
        "bindings/python/pyproject.toml"
    );
    let header = read("bindings/c/include/utklar.h");
    let c = format!(
        "{}.{}.{}",
        header_macro(&header, "UTKLAR_VERSION_MAJOR"),
        header_macro(&header, "UTKLAR_VERSION_MINOR"),
        header_macro(&header, "UTKLAR_VERSION_PATCH")
    );
    assert_eq!(
        c, version,
        "UTKLAR_VERSION_* in bindings/c/include/utklar.h"
    );
    let changelog = read("CHANGELOG.md");
    assert!(
        changelog.contains(&format!("## [{version}]")),
        "CHANGELOG.md has a section for {version}"
    );
}

#[test]
fn utklar_version_flag_prints_the_workspace_version() {
    let version = toml_value(&read("Cargo.toml"), "workspace.package", "version");
    let out = Command::new(env!("CARGO_BIN_EXE_utklar"))
        .arg("--version")
        .output()
        .expect("run utklar --version");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("utklar {version}")
    );
}
