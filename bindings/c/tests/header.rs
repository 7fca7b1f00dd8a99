//! The committed header is what cbindgen makes of the code today.
//!
//! `UTKLAR_UPDATE_HEADER=1 cargo test -p utklar-c --test header` rewrites it (what
//! `make -C bindings/c header` does); without the variable the test fails on any difference.

use std::path::PathBuf;

#[test]
fn header_is_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    let generated = String::from_utf8(generated).expect("UTF-8 header");
    let path = dir.join("include/utklar.h");
    if std::env::var_os("UTKLAR_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write include/utklar.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/utklar.h differs from what cbindgen generates from the code: run \
         `make -C bindings/c header` and commit the result"
    );
}

#[test]
fn every_exported_function_is_prefixed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(dir.join("include/utklar.h")).expect("header");
    let mut functions = 0;
    for line in header.lines() {
        // Declarations look like `utklar_result utklar_x(`, `void utklar_x(` or `size_t utklar_x(`.
        if let Some(open) = line.find('(') {
            if line.starts_with(' ') || line.starts_with('/') || line.starts_with('#') {
                continue;
            }
            let name = line[..open].split_whitespace().last().unwrap_or("");
            let name = name.trim_start_matches('*');
            assert!(
                name.starts_with("utklar_"),
                "unprefixed function {name:?} in: {line}"
            );
            functions += 1;
        }
    }
    assert!(
        functions >= 30,
        "only {functions} functions found in the header"
    );
    // One-line typedefs (`typedef struct utklar_x utklar_x;`) and the closing lines of struct
    // typedefs (`} utklar_x;`) name the types.
    let mut types = 0;
    for line in header
        .lines()
        .filter(|l| (l.starts_with("typedef ") || l.starts_with("} ")) && l.ends_with(';'))
    {
        let name = line.trim_end_matches(';').split_whitespace().last();
        let name = name.unwrap_or("");
        assert!(name.starts_with("utklar_"), "unprefixed type in: {line}");
        types += 1;
    }
    assert!(types >= 10, "only {types} types found in the header");
}
