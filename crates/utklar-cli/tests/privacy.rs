//! No message prints a cell: personal identity numbers planted in every kind of bad input the
//! suite knows — each column of an episode file, a file without a header, a header cell, a
//! line with too many fields, an unclosed quote, bytes that are not UTF-8, a spreadsheet, a
//! gzip file cut short, population and beds files, an agreement's values and its syntax
//! errors — run through every command that reads them, with and without
//! `--allow-personal-ids`, and everything the binary writes (standard output and standard
//! error, every format) is scanned for the numbers.

mod common;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Personal identity numbers (Tolvan Tolvansson's, in its three spellings) and a
/// samordningsnummer (day + 60), all with valid check digits.
const PLANTED: [&str; 4] = [
    "19121212-1212",
    "191212121212",
    "121212+1212",
    "198112892388",
];

/// What must never appear in any output: the digits every planted number shares.
const NEEDLES: [&str; 3] = ["121212", "1212+", "8112892388"];

fn dir(test: &str) -> PathBuf {
    common::fresh_dir("utklar-privacy-tests", test)
}

fn write(path: &Path, content: &[u8]) -> String {
    fs::write(path, content).unwrap();
    path.to_str().unwrap().to_string()
}

/// Runs the binary and fails if anything it printed holds a planted number or a panic.
fn scan(args: &[&str], what: &str) -> Output {
    scan_with(args, what, true)
}

/// [`scan`], of standard error alone when `stdout_too` is false.
fn scan_with(args: &[&str], what: &str, stdout_too: bool) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_utklar"))
        .args(args)
        .output()
        .expect("the binary runs");
    let out = if stdout_too {
        String::from_utf8_lossy(&o.stdout)
    } else {
        "".into()
    };
    let err = String::from_utf8_lossy(&o.stderr);
    for needle in NEEDLES {
        assert!(
            !out.contains(needle) && !err.contains(needle),
            "{what}: `utklar {}` printed a planted number\n--- stdout\n{out}\n--- stderr\n{err}",
            args.join(" ")
        );
    }
    assert!(
        !err.contains("panicked") && o.status.code().is_some(),
        "{what}: {err}"
    );
    o
}

const HEADER: &str = "episode_id,patient_id,municipality,care_type,admitted_at,ready_at,\
discharged_at,home_ready_at,planned_discharge_date,age,admission_notice_sent,sip_required,\
sip_called,region_blocked";

/// A good row, as its 14 cells.
fn good(id: &str) -> Vec<String> {
    [
        id,
        "p1",
        "0880",
        "somatic",
        "2025-02-25",
        "2025-03-01",
        "2025-03-05",
        "",
        "2025-03-04",
        "81",
        "true",
        "false",
        "false",
        "false",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect()
}

/// Episode files with a planted number, each named for the log.
fn episode_files(d: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut add = |name: &str, content: Vec<u8>| {
        files.push((name.to_string(), write(&d.join(name), &content)));
    };
    let rows = |cells: &[Vec<String>]| -> Vec<u8> {
        let mut s = String::from(HEADER);
        s.push('\n');
        for r in cells {
            s.push_str(&r.join(","));
            s.push('\n');
        }
        s.into_bytes()
    };
    // A planted number in every column in turn, beside a good row: each spelling in the id
    // columns, one spelling (in turn) elsewhere.
    for (k, column) in HEADER.split(',').enumerate() {
        for (j, pnr) in PLANTED.iter().enumerate() {
            if k > 1 && j != k % PLANTED.len() {
                continue;
            }
            let mut bad = good("e2");
            bad[k] = (*pnr).to_string();
            add(&format!("cell-{column}-{j}.csv"), rows(&[good("e1"), bad]));
        }
    }
    // No header: the first line is a row holding a number.
    let first = good(PLANTED[0]).join(",");
    add("no-header.csv", format!("{first}\n{first}\n").into_bytes());
    // A header that names a number, with a required column missing (the message lists the
    // header's names).
    add(
        "header-cell.csv",
        format!(
            "episode_id,{},municipality,care_type\ne1,x,0880,somatic\n",
            PLANTED[1]
        )
        .into_bytes(),
    );
    // A line with more fields than the header, the extra one a number.
    add(
        "extra-field.csv",
        format!("{HEADER}\n{},{}\n", good("e1").join(","), PLANTED[0]).into_bytes(),
    );
    // An unclosed quote that swallows a number.
    add(
        "unclosed-quote.csv",
        format!("{HEADER}\n\"e1,{},0880\n", PLANTED[0]).into_bytes(),
    );
    // Bytes that are not UTF-8 next to a number, in an id and in a date.
    let mut latin1 = format!("{HEADER}\n").into_bytes();
    latin1.extend_from_slice(format!("{}\u{0}", PLANTED[2]).as_bytes());
    latin1.extend_from_slice(b"\xE5,p1,0880,somatic,,2025-03-01\n");
    add("not-utf8.csv", latin1);
    let mut latin1 = format!("{HEADER}\ne1,p1,0880,somatic,,{}", PLANTED[0]).into_bytes();
    latin1.extend_from_slice(b"\xE5\n");
    add("not-utf8-date.csv", latin1);
    // Semicolons, a BOM and CRLF (Excel's CSV), the number in a municipality.
    add(
        "excel-sv.csv",
        format!(
            "\u{feff}{}\r\ne1;p1;{};somatic;;2025-03-01;2025-03-04;;;81,0;SANT;FALSKT;;\r\n",
            HEADER.replace(',', ";"),
            PLANTED[1]
        )
        .into_bytes(),
    );
    // A gzip file cut short, whose first bytes say gzip.
    let mut gz = vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff];
    gz.extend_from_slice(PLANTED[1].as_bytes());
    add("cut.csv.gz", gz);
    // A spreadsheet whose cells hold numbers as text and as numbers, in every column.
    files.push(("workbook.xlsx".to_string(), workbook(d)));
    files
}

/// A workbook written by rust_xlsxwriter: the header, then one row per column with a planted
/// number there (as text in one, as a number in the next).
fn workbook(d: &Path) -> String {
    let path = d.join("workbook.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header: Vec<&str> = HEADER.split(',').collect();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for k in 0..header.len() {
        let row = 1 + k as u32;
        for (c, v) in good(&format!("e{row}")).iter().enumerate() {
            sheet.write_string(row, c as u16, v).unwrap();
        }
        if k % 2 == 0 {
            sheet.write_string(row, k as u16, PLANTED[0]).unwrap();
        } else {
            sheet
                .write_number(row, k as u16, 191_212_121_212.0)
                .unwrap();
        }
    }
    book.save(&path).unwrap();
    path.to_str().unwrap().to_string()
}

/// Every command that reads an episode file, in each of its output formats.
fn commands() -> Vec<Vec<&'static str>> {
    let mut out = Vec::new();
    for format in ["table", "csv", "json"] {
        out.push(vec!["indicators", "--format", format]);
        out.push(vec!["validate", "--format", format]);
        out.push(vec![
            "invoice",
            "--agreement",
            "kalmar",
            "--amount",
            "2025=10000",
            "--format",
            format,
        ]);
        out.push(vec![
            "compare",
            "--agreement",
            "statutory",
            "--agreement",
            "vgr",
            "--amount",
            "2025=10000",
            "--format",
            format,
        ]);
        out.push(vec!["census", "--on", "2025-03-03", "--format", format]);
        out.push(vec!["readmissions", "--format", format]);
        out.push(vec!["accuracy", "--format", format]);
        out.push(vec![
            "explain",
            "--agreement",
            "kalmar",
            "--amount",
            "2025=10000",
            "--format",
            format,
        ]);
        out.push(vec!["indicators", "--count", "persons", "--format", format]);
    }
    out.push(vec![
        "indicators",
        "--format",
        "csv",
        "--csv-dialect",
        "excel-sv",
    ]);
    out.push(vec![
        "report",
        "--county",
        "08",
        "--amount",
        "2025=10000",
        "--output",
        "-",
    ]);
    out.push(vec!["indicators", "--wide"]);
    out.push(vec![
        "invoice",
        "--agreement",
        "vgr",
        "--amount",
        "2025=10000",
        "--lines",
    ]);
    out
}

#[test]
fn no_command_prints_a_planted_number_from_a_bad_episode_file() {
    let d = dir("episodes");
    let files = episode_files(&d);
    let mut runs = 0;
    let mut refused = 0;
    for (name, file) in &files {
        for cmd in commands() {
            for allow in [false, true] {
                let mut args = cmd.clone();
                args.extend(["--episodes", file.as_str()]);
                if allow {
                    args.push("--allow-personal-ids");
                }
                // Listings (`census`, `invoice --lines`) show episode ids, which a caller who
                // allows personal ids has chosen to see there; messages never show them.
                let id_listed = allow
                    && (name.starts_with("cell-episode_id")
                        || name.starts_with("cell-patient_id")
                        || name == "workbook.xlsx");
                let o = scan_with(&args, name, !id_listed);
                runs += 1;
                refused += usize::from(o.status.code() == Some(2));
            }
        }
    }
    // Refusals happened (the id columns) and so did runs that went on.
    assert!(refused > 0 && refused < runs, "{refused} of {runs}");
}

#[test]
fn ids_that_are_personal_identity_numbers_are_counted_not_shown() {
    let d = dir("ids");
    for (column, k) in [("episode_id", 0), ("patient_id", 1)] {
        for pnr in PLANTED {
            let mut bad = good("e2");
            bad[k] = pnr.to_string();
            let file = write(
                &d.join("ids.csv"),
                format!("{HEADER}\n{}\n{}\n", good("e1").join(","), bad.join(",")).as_bytes(),
            );
            let o = scan(&["indicators", "--episodes", &file], column);
            assert_eq!(o.status.code(), Some(2), "{pnr} in {column}");
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(err.contains(column) && err.contains("1 value"), "{err}");
        }
    }
}

#[test]
fn reference_files_never_echo_a_cell() {
    let d = dir("reference");
    let episodes = write(
        &d.join("e.csv"),
        format!("{HEADER}\n{}\n", good("e1").join(",")).as_bytes(),
    );
    let mut runs = Vec::new();
    for pnr in PLANTED {
        for row in [
            format!("{pnr},2025,100,10"),
            format!("0880,{pnr},100,10"),
            format!("0880,2025,{pnr},10"),
            format!("0880,2025,100,{pnr}"),
        ] {
            let f = write(
                &d.join("pop.csv"),
                format!("municipality,year,pop_total,pop_65plus\n{row}\n").as_bytes(),
            );
            runs.push((
                f.clone(),
                scan(
                    &["indicators", "--episodes", &episodes, "--population", &f],
                    "population",
                ),
            ));
        }
        for row in [
            format!("{pnr},2025-03,somatic,10"),
            format!("08,{pnr},somatic,10"),
            format!("08,2025-03,{pnr},10"),
            format!("08,2025-03,somatic,{pnr}"),
        ] {
            let f = write(
                &d.join("beds.csv"),
                format!("county,period,care_type,available_beds\n{row}\n").as_bytes(),
            );
            runs.push((
                f.clone(),
                scan(
                    &[
                        "indicators",
                        "--episodes",
                        &episodes,
                        "--beds",
                        &f,
                        "--by",
                        "county",
                    ],
                    "beds",
                ),
            ));
        }
    }
    // Every one of them is refused with a message naming the file.
    for (file, o) in &runs {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(file.as_str()), "{err}");
    }
}

#[test]
fn standard_input_with_a_planted_number_is_scanned_too() {
    let first = good(PLANTED[0]).join(",");
    let mut child = Command::new(env!("CARGO_BIN_EXE_utklar"))
        .args(["validate", "--episodes", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{first}\n").as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(NEEDLES.iter().all(|n| !all.contains(n)), "{all}");
}
