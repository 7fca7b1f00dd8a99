//! The pipelined reading of `indicators` and `validate` (a reading thread and a measuring one)
//! against the single-threaded reference path (`UTKLAR_THREADS=1`): byte-identical output,
//! messages and exit status on a file of many batches with bad rows, and the right line for
//! each bad row.

mod common;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

fn dir(test: &str) -> PathBuf {
    common::fresh_dir("utklar-pipeline-tests", test)
}

/// Runs the binary with `UTKLAR_THREADS` set (`1`: the reference path; `2`: pipelined).
fn run(threads: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_utklar"))
        .env("UTKLAR_THREADS", threads)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The same stdout, stderr and exit status on both paths; returns the reference output.
fn same(args: &[&str]) -> Output {
    let reference = run("1", args);
    let piped = run("2", args);
    assert_eq!(
        piped.status.code(),
        reference.status.code(),
        "{args:?}: exit status"
    );
    assert!(
        piped.stdout == reference.stdout,
        "{args:?}: standard output differs"
    );
    assert_eq!(
        String::from_utf8_lossy(&piped.stderr),
        String::from_utf8_lossy(&reference.stderr),
        "{args:?}: messages"
    );
    assert!(!String::from_utf8_lossy(&reference.stderr).contains("panicked"));
    reference
}

const ROWS: usize = 30_000;

/// A file of `ROWS` data rows (many batches): mostly good, with a bad row of some kind every
/// 97 rows, a repeated id every 89, and every 1 000th row's patient id quoted over two lines,
/// so that file lines and data rows drift apart. Returns the text and, for each bad row
/// planted, its data row, its expected file line, its column and reason.
fn file() -> (String, Vec<(usize, u64, &'static str, &'static str)>) {
    let bad = [
        ("municipality", "0999", "unknown_municipality"),
        ("care_type", "dental", "unknown_care_type"),
        ("ready_at", "2025-02-30", "unparseable_date"),
        ("discharged_at", "2101-01-01", "date_out_of_range"),
        ("age", "eighty", "unparseable_integer"),
        ("sip_required", "maybe", "unparseable_boolean"),
        ("discharged_at", "2025-01-02", "negative_days"),
        ("municipality", "", "missing_field"),
    ];
    let mut text = String::from(
        "episode_id,patient_id,municipality,care_type,ready_at,discharged_at,age,sip_required\n",
    );
    let mut planted = Vec::new();
    let mut line = 2u64;
    let munis = ["0880", "0180", "1480", "2480", "0114"];
    for row in 0..ROWS {
        let id = if row % 89 == 88 {
            format!("E{}", row - 50)
        } else {
            format!("E{row}")
        };
        let patient = if row % 1_000 == 7 {
            format!("\"P{row}\nsecond line\"")
        } else {
            format!("P{row}")
        };
        let mut cells = [
            id,
            patient,
            munis[row % munis.len()].to_string(),
            if row % 3 == 0 {
                "psychiatric"
            } else {
                "somatic"
            }
            .to_string(),
            format!("2025-{:02}-{:02}T10:15", 1 + row % 12, 1 + row % 27),
            if row % 50 == 0 {
                String::new()
            } else {
                format!("2025-{:02}-{:02}", 1 + row % 12, 1 + row % 27 + row / 7 % 2)
            },
            (20 + row % 80).to_string(),
            ["", "true", "false"][row % 3].to_string(),
        ];
        let column = |name: &str| {
            [
                "episode_id",
                "patient_id",
                "municipality",
                "care_type",
                "ready_at",
                "discharged_at",
                "age",
                "sip_required",
            ]
            .iter()
            .position(|c| *c == name)
            .unwrap()
        };
        if row % 97 == 5 && row % 89 != 88 {
            let (col, value, reason) = bad[(row / 97) % bad.len()];
            cells[column(col)] = value.to_string();
            if reason == "negative_days" {
                cells[column("ready_at")] = "2025-01-05".to_string();
            }
            planted.push((row, line, col, reason));
        }
        if row % 89 == 88 {
            planted.push((row, line, "episode_id", "duplicate_episode_id"));
        }
        writeln!(text, "{}", cells.join(",")).unwrap();
        line += 1 + u64::from(row % 1_000 == 7);
    }
    (text, planted)
}

#[test]
fn pipelined_output_is_byte_identical_to_the_reference() {
    let d = dir("identical");
    let (text, planted) = file();
    let path = d.join("episodes.csv");
    fs::write(&path, &text).unwrap();
    let p = path.to_str().unwrap();

    for format in ["csv", "json", "table"] {
        let o = same(&["indicators", "--episodes", p, "--format", format]);
        assert_eq!(o.status.code(), Some(0));
        assert!(!o.stdout.is_empty());
    }
    same(&[
        "indicators",
        "--episodes",
        p,
        "--format",
        "json",
        "--by",
        "county",
        "--period",
        "quarter",
        "--population",
        "builtin",
        "--min-age",
        "65",
    ]);
    same(&[
        "indicators",
        "--episodes",
        p,
        "--format",
        "csv",
        "--negative-days",
        "day0",
    ]);
    // Strict mode and the `error` policy: exit status 1, the rows listed on standard error.
    assert_eq!(
        same(&["indicators", "--episodes", p, "--strict"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        same(&["indicators", "--episodes", p, "--negative-days", "error"])
            .status
            .code(),
        Some(1)
    );
    for format in ["table", "json"] {
        assert_eq!(
            same(&["validate", "--episodes", p, "--format", format])
                .status
                .code(),
            Some(1)
        );
    }

    // Every planted bad row is listed with its file line, data row, column and reason.
    let listing = same(&["validate", "--episodes", p, "--format", "csv"]);
    let listing = String::from_utf8(listing.stdout).unwrap();
    let found: Vec<(usize, u64, String, String)> = listing
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, ',').collect();
            (
                f[1].parse().unwrap(),
                f[0].parse().unwrap(),
                f[2].to_string(),
                f[3].to_string(),
            )
        })
        .collect();
    assert!(planted.len() > 600, "{}", planted.len());
    for (row, line, col, reason) in &planted {
        assert!(
            found.contains(&(*row, *line, (*col).to_string(), (*reason).to_string())),
            "row {row} (line {line}) {col} {reason} not listed"
        );
    }
    // And nothing else: one problem per planted row.
    assert_eq!(found.len(), planted.len());
}

#[test]
fn a_cell_that_is_not_utf8_stops_both_paths_at_the_same_line() {
    let d = dir("utf8");
    let (text, _) = file();
    // Row 20 000 (past several batches) gets a Latin-1 "ö" in its patient id.
    let mut bytes = Vec::new();
    let mut target = 0u64;
    for (line, l) in (1u64..).zip(text.split_inclusive('\n')) {
        if l.starts_with("E20000,") {
            bytes.extend_from_slice(b"E20000,P\xF6");
            bytes.extend_from_slice(&l.as_bytes()[8..]);
            target = line;
        } else {
            bytes.extend_from_slice(l.as_bytes());
        }
    }
    assert!(target > 20_000);
    let path = d.join("latin1.csv");
    fs::write(&path, &bytes).unwrap();
    let p = path.to_str().unwrap();
    for args in [
        vec!["indicators", "--episodes", p, "--format", "csv"],
        vec!["validate", "--episodes", p, "--format", "csv"],
    ] {
        let o = same(&args);
        assert_eq!(o.status.code(), Some(2));
        let e = String::from_utf8(o.stderr).unwrap();
        assert!(
            e.contains(&format!(
                "line {target}, column `patient_id` is not UTF-8 text"
            )),
            "{e}"
        );
    }
}

#[test]
fn a_closed_output_stops_the_reading_thread_too() {
    let d = dir("closed");
    let (text, _) = file();
    let path = d.join("episodes.csv");
    fs::write(&path, text.repeat(4)).unwrap();
    // The reader of the listing goes away at once: the command stops quietly instead of
    // waiting for its reading thread, with the status the data deserved (the file has bad
    // rows: 1).
    let mut child = Command::new(env!("CARGO_BIN_EXE_utklar"))
        .env("UTKLAR_THREADS", "2")
        .args(["validate", "--episodes", path.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            panic!("utklar validate did not stop after its output closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}
