//! What the binary's test files share: running `utklar`, reading what it printed, and a fresh
//! directory per test. Each test file uses a part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// Runs the binary with `args`.
pub fn utklar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_utklar"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs the binary with `args` and `input` on standard input.
pub fn utklar_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_utklar"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// Standard output, which must be UTF-8.
pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

/// Standard error, which must be UTF-8.
pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 messages")
}

/// The exit status.
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited, not killed")
}

/// No panic, no backtrace, ever.
pub fn assert_no_panic(o: &Output) {
    let e = stderr(o);
    assert!(
        !e.contains("panicked") && !e.contains("internal error") && !e.contains("RUST_BACKTRACE"),
        "{e}"
    );
}

/// An empty directory for one test of one suite, under the target's tmp directory.
pub fn fresh_dir(suite: &str, test: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(suite)
        .join(test);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}
