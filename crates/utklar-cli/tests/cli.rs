//! Tests that run the `utklar` binary: every subcommand, every format, every exit status, the
//! bad-input cases of docs/bad-input.md, an Excel-style export, and the shape of the JSON outputs.

mod common;
use common::{assert_no_panic, code, stderr, stdout, utklar, utklar_stdin};
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn dir(test: &str) -> PathBuf {
    common::fresh_dir("utklar-cli-tests", test)
}

fn write(path: &PathBuf, content: &[u8]) -> String {
    fs::write(path, content).unwrap();
    path.to_str().unwrap().to_string()
}

/// Kalmar somatic March 2025: e1 day 0, e2 4 days, e3 3 days (ready in February, counted in
/// March, the month of discharge); e4 psychiatric 1 day; e5 open (still in hospital).
const CLEAN: &str = "\
episode_id,municipality,care_type,ready_at,discharged_at,age
e1,0880,somatic,2025-03-03,2025-03-03,81
e2,0880,somatic,2025-03-01T13:05,2025-03-05 10:00,77
e3,0880,somatic,2025-02-27,2025-03-02,90
e4,0880,psychiatric,2025-03-10,2025-03-11,45
e5,0881,somatic,2025-03-10,,70
";

const JSON_KEYS: [&str; 12] = [
    "care_type",
    "period",
    "episodes",
    "day0",
    "ready_ge1",
    "ready_days",
    "goal_attainment",
    "mean_days",
    "mean_days_incl_day0",
    "days_per_1000",
    "occupied_beds",
    "bed_share_pct",
];

/// The documented JSON (docs/indicators.md): one array; each element has exactly the group key (or none for the nation) and
/// the twelve fields, numbers or null.
fn check_indicator_json(v: &Value, group: Option<&str>) -> Vec<serde_json::Map<String, Value>> {
    let arr = v.as_array().expect("one JSON array");
    let mut out = Vec::new();
    for el in arr {
        let obj = el.as_object().expect("objects");
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut want: Vec<&str> = JSON_KEYS.to_vec();
        want.extend(group);
        want.sort_unstable();
        assert_eq!(keys, want);
        if let Some(g) = group {
            assert!(obj[g].is_string());
        }
        assert!(obj["care_type"] == "somatic" || obj["care_type"] == "psychiatric");
        assert!(obj["period"].is_string());
        for k in ["episodes", "day0", "ready_ge1", "ready_days"] {
            assert!(obj[k].is_u64(), "{k} is a count");
        }
        for k in [
            "goal_attainment",
            "mean_days",
            "mean_days_incl_day0",
            "days_per_1000",
            "occupied_beds",
            "bed_share_pct",
        ] {
            assert!(
                obj[k].is_f64() || obj[k].is_null(),
                "{k} is a number or null"
            );
        }
        assert_eq!(
            obj["episodes"].as_u64(),
            Some(obj["day0"].as_u64().unwrap() + obj["ready_ge1"].as_u64().unwrap())
        );
        out.push(obj.clone());
    }
    out
}

fn find<'a>(
    rows: &'a [serde_json::Map<String, Value>],
    key: &str,
    group: &str,
    care: &str,
    period: &str,
) -> &'a serde_json::Map<String, Value> {
    rows.iter()
        .find(|r| r[key] == group && r["care_type"] == care && r["period"] == period)
        .unwrap_or_else(|| panic!("no row {group} {care} {period}"))
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in [
        "demo",
        "indicators",
        "invoice",
        "report",
        "compare",
        "presets",
        "validate",
        "synth",
        "explain",
    ] {
        let o = utklar(&[sub, "--help"]);
        assert_eq!(code(&o), 0, "{sub}");
        let text = stdout(&o);
        assert!(text.contains("Example"), "{sub} --help has an example");
        assert!(text.contains(&format!("utklar {sub}")), "{sub}: {text}");
    }
    let o = utklar(&["--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("utklar demo"));
    // --help explains the options in the user's terms.
    let h = stdout(&utklar(&["indicators", "--help"]));
    for word in [
        "--population",
        "builtin",
        "--beds",
        "--negative-days",
        "--strict",
        "--min-age",
    ] {
        assert!(h.contains(word), "{word}");
    }
}

#[test]
fn indicators_json_has_the_spec_fields_and_values() {
    let d = dir("indicators_json");
    let f = write(&d.join("clean.csv"), CLEAN.as_bytes());
    let o = utklar(&["indicators", "--episodes", &f, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = check_indicator_json(&v, Some("municipality"));
    assert_eq!(rows.len(), 2);
    let s = find(&rows, "municipality", "0880", "somatic", "2025-03");
    assert_eq!(s["episodes"], 3);
    assert_eq!(s["day0"], 1);
    assert_eq!(s["ready_ge1"], 2);
    assert_eq!(s["ready_days"], 7);
    assert_eq!(s["goal_attainment"].as_f64(), Some(1.0 / 3.0));
    assert_eq!(s["mean_days"].as_f64(), Some(3.5));
    assert_eq!(s["mean_days_incl_day0"].as_f64(), Some(7.0 / 3.0));
    assert_eq!(s["occupied_beds"].as_f64(), Some(7.0 / 31.0));
    // Without --population, days per 1 000 is null; bed share is null below county level.
    assert!(s["days_per_1000"].is_null());
    assert!(s["bed_share_pct"].is_null());
    let e = stderr(&o);
    assert!(
        e.contains("5 rows read: 4 counted, 1 still in hospital"),
        "{e}"
    );
    assert!(e.contains("no --population given"), "{e}");
}

#[test]
fn indicators_with_population_beds_and_groupings() {
    let d = dir("indicators_pop");
    let f = write(&d.join("clean.csv"), CLEAN.as_bytes());
    // Population as a semicolon file with columns in another order.
    let pop = write(
        &d.join("pop.csv"),
        b"YEAR;pop_65plus;municipality;pop_total\r\n2025;14848;0880;70000\r\n2025;5000;0881;20000\r\n",
    );
    let beds = write(
        &d.join("beds.csv"),
        b"county,period,available_beds\n08,2025-03,100\n",
    );
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--population",
        &pop,
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = check_indicator_json(
        &serde_json::from_str(&stdout(&o)).unwrap(),
        Some("municipality"),
    );
    let s = find(&rows, "municipality", "0880", "somatic", "2025-03");
    // 7 days / 14 848 inhabitants 65+ × 1 000, annualised ×12.
    assert_eq!(
        s["days_per_1000"].as_f64(),
        Some(7.0 / 14848.0 * 1000.0 * 12.0)
    );
    let p = find(&rows, "municipality", "0880", "psychiatric", "2025-03");
    assert_eq!(
        p["days_per_1000"].as_f64(),
        Some(1.0 / 70000.0 * 1000.0 * 12.0)
    );

    // County level with beds: the bed share exists.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--population",
        &pop,
        "--beds",
        &beds,
        "--by",
        "county",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = check_indicator_json(&serde_json::from_str(&stdout(&o)).unwrap(), Some("county"));
    let c = find(&rows, "county", "08", "somatic", "2025-03");
    assert_eq!(
        c["bed_share_pct"].as_f64(),
        Some(7.0 / 31.0 / 100.0 * 100.0)
    );
    // The population file covers 2 of the county's 12 municipalities: no county figure.
    assert!(c["days_per_1000"].is_null());

    // The nation: no group key at all; quarter and year periods.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--by",
        "nation",
        "--period",
        "quarter",
        "--format",
        "json",
    ]);
    let rows = check_indicator_json(&serde_json::from_str(&stdout(&o)).unwrap(), None);
    assert!(rows
        .iter()
        .any(|r| r["period"] == "2025-Q1" && r["episodes"] == 3));
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--period",
        "year",
        "--format",
        "json",
    ]);
    let rows = check_indicator_json(
        &serde_json::from_str(&stdout(&o)).unwrap(),
        Some("municipality"),
    );
    assert!(rows.iter().all(|r| r["period"] == "2025"));

    // --population builtin gives a value too.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--population",
        "builtin",
        "--format",
        "json",
    ]);
    let rows = check_indicator_json(
        &serde_json::from_str(&stdout(&o)).unwrap(),
        Some("municipality"),
    );
    assert!(find(&rows, "municipality", "0880", "somatic", "2025-03")["days_per_1000"].is_f64());

    // --min-age 65: the psychiatric patient aged 45 is left out.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--min-age",
        "65",
        "--format",
        "json",
    ]);
    let rows = check_indicator_json(
        &serde_json::from_str(&stdout(&o)).unwrap(),
        Some("municipality"),
    );
    assert!(rows.iter().all(|r| r["care_type"] == "somatic"));
    assert!(stderr(&o).contains("1 outside --min-age"), "{}", stderr(&o));
    // An age no row can have is refused (the core's range, as in Python and C).
    for age in ["151", "-1"] {
        let o = utklar(&["indicators", "--episodes", &f, &format!("--min-age={age}")]);
        assert_eq!(code(&o), 2, "{age}");
        assert_eq!(
            stderr(&o).trim(),
            format!("utklar: --min-age: {age} is not an age 0–150")
        );
    }
}

#[test]
fn indicators_csv_has_full_precision_and_the_json_names() {
    let d = dir("indicators_csv");
    let f = write(&d.join("clean.csv"), CLEAN.as_bytes());
    let o = utklar(&["indicators", "--episodes", &f, "--format", "csv"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "municipality,care_type,period,episodes,day0,ready_ge1,ready_days,goal_attainment,mean_days,mean_days_incl_day0,days_per_1000,occupied_beds,bed_share_pct"
    );
    let somatic = text.lines().find(|l| l.contains("somatic")).unwrap();
    assert_eq!(
        somatic,
        format!(
            "0880,somatic,2025-03,3,1,2,7,{},3.5,{},,{},",
            1.0f64 / 3.0,
            7.0f64 / 3.0,
            7.0f64 / 31.0
        )
    );
    assert!(somatic.contains("2.3333333333333335"));
}

#[test]
fn indicators_table_rounds_as_skr() {
    let d = dir("indicators_table");
    let f = write(&d.join("clean.csv"), CLEAN.as_bytes());
    let o = utklar(&["indicators", "--episodes", &f]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    let row = text.lines().find(|l| l.contains("somatic")).unwrap();
    let cells: Vec<&str> = row
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    // group, care, period, episodes, day0, ≥1, days, goal %, mean, mean incl 0, d/1000, beds, share
    assert_eq!(
        cells,
        [
            "0880 Kalmar",
            "somatic",
            "2025-03",
            "3",
            "1",
            "2",
            "7",
            "33.3",
            "3.5",
            "2.3",
            "–",
            "0.2",
            "–"
        ]
    );
    // Aligned: the header and every row end in the same column.
    let widths: Vec<usize> = text.lines().map(|l| l.chars().count()).collect();
    assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
    // No progress bar when standard error is not a terminal.
    assert!(!stderr(&o).contains('\r'));
}

#[test]
fn excel_export_gives_the_same_answer_as_the_clean_file() {
    let d = dir("excel");
    let clean = write(&d.join("clean.csv"), CLEAN.as_bytes());
    // BOM, semicolons, CRLF, columns reordered and in capitals, an extra column with Swedish
    // letters, quoted cells.
    let mut excel = vec![0xEF, 0xBB, 0xBF];
    excel.extend_from_slice(
        "Kommunnamn;DISCHARGED_AT;Ready_At;Episode_ID;Care_Type;Municipality;Age\r\n\
         Kalmar;2025-03-03;2025-03-03;e1;somatic;0880;81\r\n\
         \"Kalmar; stad\";2025-03-05 10:00;2025-03-01T13:05;e2;somatic;0880;77\r\n\
         Kalmar;2025-03-02;2025-02-27;\"e3\";somatic;0880;90\r\n\
         Mörbylånga;2025-03-11;2025-03-10;e4;psychiatric;0880;45\r\n\
         Nybro;;2025-03-10;e5;somatic;0881;70\r\n"
            .as_bytes(),
    );
    let excel = write(&d.join("excel.csv"), &excel);
    for format in ["json", "csv", "table"] {
        let a = utklar(&["indicators", "--episodes", &clean, "--format", format]);
        let b = utklar(&["indicators", "--episodes", &excel, "--format", format]);
        assert_eq!(code(&b), 0, "{}", stderr(&b));
        assert_eq!(stdout(&a), stdout(&b), "{format}");
    }
    let v = utklar(&["validate", "--episodes", &excel]);
    assert_eq!(code(&v), 0, "{}", stderr(&v));
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let o = utklar_stdin(
        &["indicators", "--episodes", "-", "--format", "json"],
        CLEAN.as_bytes(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = check_indicator_json(
        &serde_json::from_str(&stdout(&o)).unwrap(),
        Some("municipality"),
    );
    assert_eq!(rows.len(), 2);
}

/// One row per reason of docs/bad-input.md (line = data row + 2).
const BAD: &str = "\
episode_id,municipality,care_type,admitted_at,ready_at,discharged_at,age,sip_required
ok1,0880,somatic,2025-03-01,2025-03-02,2025-03-04,80,false
m1,0880,,2025-03-01,2025-03-02,2025-03-04,80,false
d1,0880,somatic,2025-03-01,2025-13-45,2025-03-04,80,false
r1,0880,somatic,2025-03-01,1989-12-31,2025-03-04,80,false
u1,0999,somatic,2025-03-01,2025-03-02,2025-03-04,80,false
c1,0880,dental,2025-03-01,2025-03-02,2025-03-04,80,false
b1,0880,somatic,2025-03-01,2025-03-02,2025-03-04,80,maybe
a1,0880,somatic,2025-03-01,2025-03-02,2025-03-04,old,false
n1,0880,somatic,2025-03-01,2025-03-05,2025-03-03,80,false
x1,0880,somatic,2025-03-10,2025-03-11,2025-03-09,80,false
y1,0880,somatic,2025-03-10,2025-03-09,2025-03-12,80,false
ok1,0880,somatic,2025-03-01,2025-03-02,2025-03-04,80,false
";

const BAD_EXPECTED: [(u64, &str, &str); 11] = [
    (3, "care_type", "missing_field"),
    (4, "ready_at", "unparseable_date"),
    (5, "ready_at", "date_out_of_range"),
    (6, "municipality", "unknown_municipality"),
    (7, "care_type", "unknown_care_type"),
    (8, "sip_required", "unparseable_boolean"),
    (9, "age", "unparseable_integer"),
    (10, "discharged_at", "negative_days"),
    (11, "discharged_at", "discharge_before_admission"),
    (12, "ready_at", "ready_before_admission"),
    (13, "episode_id", "duplicate_episode_id"),
];

#[test]
fn validate_lists_every_bad_input_case_of_spec_8_and_exits_1() {
    let d = dir("validate_bad");
    let f = write(&d.join("bad.csv"), BAD.as_bytes());
    let o = utklar(&["validate", "--episodes", &f, "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert_no_panic(&o);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let obj = v.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["by_reason", "problems", "rows_in", "rows_with_problems"]
    );
    assert_eq!(v["rows_in"], 12);
    assert_eq!(v["rows_with_problems"], 11);
    let problems = v["problems"].as_array().unwrap();
    for (line, field, reason) in BAD_EXPECTED {
        assert!(
            problems.iter().any(|p| p["line"] == line
                && p["row"] == line - 2
                && p["field"] == field
                && p["reason"] == reason
                && p["hint"].as_str().is_some_and(|h| !h.is_empty())),
            "line {line} {field} {reason}: {problems:?}"
        );
        assert_eq!(v["by_reason"][reason], 1, "{reason}");
    }
    // The summary line on stderr.
    assert!(
        stderr(&o).contains("11 of 12 rows have problems"),
        "{}",
        stderr(&o)
    );

    // Table and CSV list the same problems.
    let t = utklar(&["validate", "--episodes", &f]);
    assert_eq!(code(&t), 1);
    let text = stdout(&t);
    for (line, field, reason) in BAD_EXPECTED {
        assert!(
            text.lines().any(|l| {
                let c: Vec<&str> = l.split_whitespace().collect();
                c.len() > 4
                    && c[0] == line.to_string()
                    && c[1] == (line - 2).to_string()
                    && c[2] == field
                    && c[3] == reason
            }),
            "{line} {reason}: {text}"
        );
    }
    let c = utklar(&["validate", "--episodes", &f, "--format", "csv"]);
    assert_eq!(code(&c), 1);
    let csv = stdout(&c);
    assert_eq!(csv.lines().next(), Some("line,row,field,reason,hint"));
    assert!(csv.contains("10,8,discharged_at,negative_days,"));
    assert_eq!(csv.lines().count(), 12);

    // Under --negative-days day0 the negative row is no problem.
    let o = utklar(&[
        "validate",
        "--episodes",
        &f,
        "--negative-days",
        "day0",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["rows_with_problems"], 10);
    assert!(v["by_reason"].get("negative_days").is_none());
}

#[test]
fn crlf_files_and_multi_line_cells_report_the_lines_a_spreadsheet_shows() {
    let d = dir("validate_crlf");
    // The bad file as Excel writes it (CRLF), and again with a quoted two-line cell in an
    // extra column of the first data row: every line after it moves down by one.
    let crlf = BAD.replace('\n', "\r\n");
    let mut lines: Vec<String> = crlf.split_inclusive("\r\n").map(str::to_string).collect();
    let two_line: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| match i {
            0 => l.replace("\r\n", ",note\r\n"),
            1 => l.replace("\r\n", ",\"two\r\nlines\"\r\n"),
            _ => l.replace("\r\n", ",\r\n"),
        })
        .collect();
    lines.clear();
    for (name, text, shift) in [
        ("crlf.csv", crlf, 0),
        ("two_line.csv", two_line.concat(), 1),
    ] {
        let f = write(&d.join(name), text.as_bytes());
        for threads in ["1", "2"] {
            let o = Command::new(env!("CARGO_BIN_EXE_utklar"))
                .env("UTKLAR_THREADS", threads)
                .args(["validate", "--episodes", &f, "--format", "json"])
                .output()
                .unwrap();
            assert_eq!(code(&o), 1, "{}", stderr(&o));
            let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
            let problems = v["problems"].as_array().unwrap();
            assert_eq!(problems.len(), BAD_EXPECTED.len());
            for (line, field, reason) in BAD_EXPECTED {
                assert!(
                    problems.iter().any(|p| p["line"] == line + shift
                        && p["row"] == line - 2
                        && p["field"] == field
                        && p["reason"] == reason),
                    "{name}: line {} {field} {reason}: {problems:?}",
                    line + shift
                );
            }
        }
    }
}

#[test]
fn validate_clean_file_exits_0_in_every_format() {
    let d = dir("validate_clean");
    let f = write(&d.join("clean.csv"), CLEAN.as_bytes());
    let o = utklar(&["validate", "--episodes", &f]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("(no problems)"));
    assert!(stderr(&o).contains("5 rows, no problems"));
    let o = utklar(&["validate", "--episodes", &f, "--format", "csv"]);
    assert_eq!(code(&o), 0);
    assert_eq!(stdout(&o), "line,row,field,reason,hint\n");
    let o = utklar(&["validate", "--episodes", &f, "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["problems"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["rows_in"], 5);
    assert_eq!(v["rows_with_problems"], 0);
}

#[test]
fn lenient_indicators_exclude_bad_rows_and_say_why() {
    let d = dir("lenient");
    let f = write(&d.join("bad.csv"), BAD.as_bytes());
    let o = utklar(&["indicators", "--episodes", &f, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let rows = check_indicator_json(
        &serde_json::from_str(&stdout(&o)).unwrap(),
        Some("municipality"),
    );
    // Only ok1 is counted.
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["episodes"], 1);
    let e = stderr(&o);
    assert!(e.contains("12 rows read: 1 counted"), "{e}");
    assert!(e.contains("11 excluded as bad data"), "{e}");
    assert!(
        e.contains("1 discharged before the ready date (negative days)"),
        "{e}"
    );
    assert!(e.contains("1 with a repeated episode_id"), "{e}");
    assert!(e.contains("1 with a date outside 1990–2100"), "{e}");

    // --negative-days day0 counts the negative row as day 0.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--negative-days",
        "day0",
        "--format",
        "json",
    ]);
    let rows = check_indicator_json(
        &serde_json::from_str(&stdout(&o)).unwrap(),
        Some("municipality"),
    );
    assert_eq!(rows[0]["episodes"], 2);
    assert_eq!(rows[0]["day0"], 1);
}

#[test]
fn strict_and_negative_days_error_exit_1_listing_the_rows() {
    let d = dir("strict");
    let f = write(&d.join("bad.csv"), BAD.as_bytes());
    let o = utklar(&["indicators", "--episodes", &f, "--strict"]);
    assert_eq!(code(&o), 1);
    assert_no_panic(&o);
    assert!(stdout(&o).is_empty());
    let e = stderr(&o);
    for (line, field, reason) in BAD_EXPECTED {
        assert!(
            e.contains(&format!(
                "line {line} (data row {}): {field}: {reason}",
                line - 2
            )),
            "{e}"
        );
    }
    let o = utklar(&["indicators", "--episodes", &f, "--negative-days", "error"]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(
        e.contains("line 10 (data row 8): discharged_at: negative_days"),
        "{e}"
    );
    assert!(!e.contains("unknown_municipality"), "{e}");
    // A clean file under --strict is fine.
    let c = write(&d.join("clean.csv"), CLEAN.as_bytes());
    assert_eq!(
        code(&utklar(&["indicators", "--episodes", &c, "--strict"])),
        0
    );
}

#[test]
fn unusable_files_and_arguments_exit_2_with_one_line() {
    let d = dir("exit2");
    let one_line = |o: &Output, must: &[&str]| {
        assert_eq!(code(o), 2, "{}", stderr(o));
        assert_no_panic(o);
        assert!(o.stdout.is_empty(), "nothing on stdout: {}", stdout(o));
        let e = stderr(o);
        assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
        for m in must {
            assert!(e.contains(m), "{m:?} in {e}");
        }
    };
    let missing = d.join("nope.csv");
    let missing = missing.to_str().unwrap();
    for sub in ["indicators", "validate"] {
        one_line(
            &utklar(&[sub, "--episodes", missing]),
            &[missing, "no such file"],
        );
    }
    let empty = write(&d.join("empty.csv"), b"");
    one_line(
        &utklar(&["indicators", "--episodes", &empty]),
        &[&empty, "empty"],
    );
    let bom_only = write(&d.join("bom.csv"), b"\xEF\xBB\xBF\r\n");
    one_line(
        &utklar(&["validate", "--episodes", &bom_only]),
        &[&bom_only, "header"],
    );
    // No header: the first line names no column; the message does not repeat its cells.
    let no_header = write(
        &d.join("noheader.csv"),
        b"e1,0880,somatic,2025-03-01,2025-03-02\n",
    );
    let o = utklar(&["indicators", "--episodes", &no_header]);
    one_line(&o, &[&no_header, "no header row", "episode_id"]);
    for cell in ["e1,", "0880", "somatic", "2025-03"] {
        assert!(!stderr(&o).contains(cell), "{}", stderr(&o));
    }
    // Two columns for one field, whatever their case: both are named.
    let twice = write(
        &d.join("twice.csv"),
        b"episode_id,MUNICIPALITY,care_type,ready_at,municipality\ne1,0880,somatic,2025-03-01,0881\n",
    );
    one_line(
        &utklar(&["validate", "--episodes", &twice]),
        &[&twice, "`MUNICIPALITY` and `municipality`"],
    );
    // A record with more or fewer fields than the header, on a CRLF file: its own line.
    for (name, row) in [
        ("short.csv", "e2,0880,somatic"),
        ("long.csv", "e2,0880,somatic,2025-03-01,x"),
    ] {
        let f = write(
            &d.join(name),
            format!("episode_id,municipality,care_type,ready_at\r\ne1,0880,somatic,2025-03-01\r\n{row}\r\n").as_bytes(),
        );
        for sub in ["indicators", "validate", "invoice"] {
            let mut args = vec![sub, "--episodes", &f];
            if sub == "invoice" {
                args.extend(["--agreement", "statutory"]);
            }
            one_line(&utklar(&args), &[&f, "line 3 has", "the header has 4"]);
        }
    }
    // A record with no end: an error naming its line, not an abort.
    one_line(
        &utklar(&["indicators", "--episodes", "/dev/zero"]),
        &["/dev/zero", "line 1", "longer than 1048576 bytes"],
    );
    let mut unclosed =
        b"episode_id,municipality,care_type,ready_at\ne1,0880,somatic,2025-03-01\n\"".to_vec();
    unclosed.extend(std::iter::repeat_n(b'x', 2 << 20));
    let unclosed = write(&d.join("unclosed.csv"), &unclosed);
    one_line(
        &utklar(&["validate", "--episodes", &unclosed]),
        &[&unclosed, "line 3", "longer than"],
    );
    let no_ready = write(
        &d.join("noready.csv"),
        b"episode_id,municipality,care_type,discharged_at\ne1,0880,somatic,2025-03-02\n",
    );
    for sub in ["indicators", "validate"] {
        one_line(
            &utklar(&[sub, "--episodes", &no_ready]),
            &[&no_ready, "required column `ready_at` is missing"],
        );
    }
    one_line(
        &utklar(&["indicators", "--episodes", d.to_str().unwrap()]),
        &["is a directory"],
    );
    let utf16 = write(&d.join("utf16.csv"), b"\xFF\xFEe\0p\0");
    one_line(&utklar(&["indicators", "--episodes", &utf16]), &["UTF-16"]);
    let latin1 = write(
        &d.join("latin1.csv"),
        b"episode_id,municipality,care_type,ready_at\nE\xE51,0880,somatic,2025-03-01\n",
    );
    one_line(
        &utklar(&["validate", "--episodes", &latin1]),
        &[&latin1, "line 2", "UTF-8"],
    );

    let clean = write(&d.join("clean.csv"), CLEAN.as_bytes());
    let pop_bad = write(
        &d.join("pop.csv"),
        b"municipality,year,pop_total\n0880,2025,1\n",
    );
    one_line(
        &utklar(&["indicators", "--episodes", &clean, "--population", &pop_bad]),
        &[&pop_bad, "required column `pop_65plus` is missing"],
    );
    let pop_val = write(
        &d.join("popval.csv"),
        b"municipality,year,pop_total,pop_65plus\n0880,2025,many,1\n",
    );
    one_line(
        &utklar(&["indicators", "--episodes", &clean, "--population", &pop_val]),
        &[&pop_val, "line 2"],
    );
    // More people aged 65+ than in total, a negative count, a personal identity number in a
    // count: the line and the column, never the cell.
    for (row, column) in [
        ("0880,2025,1000,1001", "pop_65plus"),
        ("0880,2025,-4,1", "pop_total"),
        ("0880,2025,19121212-1212,1", "pop_total"),
    ] {
        let f = write(
            &d.join("pop65.csv"),
            format!("municipality,year,pop_total,pop_65plus\n0881,2025,10,1\n{row}\n").as_bytes(),
        );
        let o = utklar(&["indicators", "--episodes", &clean, "--population", &f]);
        one_line(&o, &[&f, "line 3", column]);
        assert!(
            !stderr(&o).contains("1212") && !stderr(&o).contains("1001"),
            "{}",
            stderr(&o)
        );
    }
    let beds_neg = write(
        &d.join("bedsneg.csv"),
        b"county,period,available_beds\n08,2025-03,10\n08,2025-04,-12345\n",
    );
    let o = utklar(&["indicators", "--episodes", &clean, "--beds", &beds_neg]);
    one_line(&o, &[&beds_neg, "line 3", "available_beds"]);
    assert!(!stderr(&o).contains("12345"), "{}", stderr(&o));
    let beds_bad = write(
        &d.join("beds.csv"),
        b"county,period,available_beds\n99,2025-03,10\n",
    );
    one_line(
        &utklar(&["indicators", "--episodes", &clean, "--beds", &beds_bad]),
        &[&beds_bad, "line 2"],
    );
    one_line(
        &utklar(&["indicators", "--episodes", &clean, "--population", missing]),
        &[missing, "no such file"],
    );
    one_line(&utklar(&["synth", "--county", "99"]), &["--county"]);
    one_line(
        &utklar(&["synth", "--municipality", "Atlantis"]),
        &["--municipality"],
    );

    // Argument errors (clap) also exit 2.
    for args in [
        &["indicators", "--episodes", &clean, "--period", "weekly"][..],
        &["indicators", "--episodes", &clean, "--by", "street"],
        &["indicators", "--episodes", &clean, "--format", "xml"],
        &["indicators"],
        &["frobnicate"],
    ] {
        let o = utklar(args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert_no_panic(&o);
    }
}

#[test]
fn garbage_never_panics() {
    let d = dir("garbage");
    let cases: [&[u8]; 6] = [
        b"\x00\x01\x02\xff\xfe\n\x00",
        b"episode_id,municipality,care_type,ready_at\n\"unterminated,0880,somatic,2025-01-01\n",
        b"episode_id,municipality,care_type,ready_at\n,,,\n;;;\n\n\n",
        b"episode_id,municipality,care_type,ready_at\ne1\ne2,0880\ne3,0880,somatic,2025-01-01,x,y,z\n",
        b"episode_id,municipality,care_type,ready_at,discharged_at\ne1,0880,somatic,9999-99-99T99:99,2025-01-01T25:61\n",
        b"episode_id,episode_id,municipality,care_type,ready_at\n",
    ];
    for (i, c) in cases.iter().enumerate() {
        let f = write(&d.join(format!("g{i}.csv")), c);
        for sub in ["indicators", "validate"] {
            for format in ["table", "csv", "json"] {
                let o = utklar(&[sub, "--episodes", &f, "--format", format]);
                assert_no_panic(&o);
                assert!(
                    [0, 1, 2].contains(&code(&o)),
                    "case {i} {sub}: {}",
                    stderr(&o)
                );
            }
        }
    }
}

#[test]
fn synth_refuses_a_year_or_span_outside_the_core_range_naming_the_flag() {
    for (args, message) in [
        (&["--year", "1990"][..], "--year: 1990 is outside 1991–2100"),
        (&["--months", "0"][..], "--months: 0; use 1–120"),
        (
            &["--year", "2099", "--months", "30"][..],
            "--months: 30 months from January 2099 end after December 2100; use 1–24",
        ),
    ] {
        let o = utklar(&[&["synth", "--episodes", "5"][..], args].concat());
        assert_eq!(code(&o), 2, "{args:?}");
        assert_eq!(stderr(&o).trim(), format!("utklar: {message}"), "{args:?}");
        assert!(o.stdout.is_empty());
    }
    // The last year of the range: every row reads back without a problem (negative days
    // aside, which synth writes on purpose).
    let d = dir("synth-2100");
    let f = d.join("2100.csv");
    let f = f.to_str().unwrap();
    let o = utklar(&[
        "synth",
        "--episodes",
        "20000",
        "--year",
        "2100",
        "--output",
        f,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = utklar(&["validate", "--episodes", f, "--negative-days", "day0"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("20 000 rows, no problems"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn synth_is_reproducible_and_has_the_spec_columns() {
    let d = dir("synth");
    let a = d.join("a.csv");
    let o = utklar(&[
        "synth",
        "--episodes",
        "300",
        "--seed",
        "7",
        "--county",
        "08",
        "--output",
        a.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = fs::read_to_string(&a).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "episode_id,patient_id,municipality,care_type,admitted_at,ready_at,discharged_at,home_ready_at,planned_discharge_date,age,admission_notice_sent,sip_required,sip_called,region_blocked"
    );
    assert_eq!(text.lines().count(), 301);
    assert!(text
        .lines()
        .skip(1)
        .all(|l| l.split(',').nth(2).unwrap().starts_with("08")));
    // The same seed to stdout gives the same bytes; another seed does not.
    let same = utklar(&[
        "synth",
        "--episodes",
        "300",
        "--seed",
        "7",
        "--county",
        "08",
    ]);
    assert_eq!(same.stdout, text.as_bytes());
    let other = utklar(&[
        "synth",
        "--episodes",
        "300",
        "--seed",
        "8",
        "--county",
        "08",
    ]);
    assert_ne!(other.stdout, text.as_bytes());
    // Municipality by name, year and months.
    let o = utklar(&[
        "synth",
        "--episodes",
        "50",
        "--municipality",
        "Kalmar",
        "--year",
        "2024",
        "--months",
        "1",
    ]);
    let t = stdout(&o);
    assert!(t.lines().skip(1).all(|l| l.contains(",0880,")));
    assert!(t.lines().skip(1).all(|l| !l.contains("2025-02")));
    // What synth writes, validate and indicators read.
    let v = utklar(&[
        "validate",
        "--episodes",
        a.to_str().unwrap(),
        "--negative-days",
        "day0",
    ]);
    assert_eq!(code(&v), 0, "{}", stderr(&v));
    let i = utklar(&[
        "indicators",
        "--episodes",
        a.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code(&i), 0);
    let rows = check_indicator_json(
        &serde_json::from_str(&stdout(&i)).unwrap(),
        Some("municipality"),
    );
    let counted: u64 = rows.iter().map(|r| r["episodes"].as_u64().unwrap()).sum();
    assert!(counted > 250 && counted <= 300, "{counted}");
}

#[test]
fn demo_shows_indicators_against_kalmar_and_the_nation() {
    let o = utklar(&["demo"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.contains("0.8 days"));
    for m in [
        "0880 Kalmar",
        "0840 Mörbylånga",
        "0885 Borgholm",
        "08 Kalmar län",
        "Sweden",
    ] {
        assert!(t.contains(m), "{m}");
    }
    assert!(t.contains("utklar validate   --episodes your_export.csv"));
    assert!(t.contains("utklar indicators --episodes your_export.csv"));
    assert!(t.contains("utklar invoice    --episodes your_export.csv --agreement kalmar"));
    // The invoices under kalmar and statutory side by side, every episode accounted for.
    assert!(t.contains("kalmar: liable periods") && t.contains("statutory: days"));
    let all = t.lines().find(|l| l.starts_with("all episodes")).unwrap();
    let n: Vec<&str> = all
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(n[1], n[2]);
    // Reproducible.
    assert_eq!(utklar(&["demo"]).stdout, o.stdout);
}

/// Statutory 2024 (11 600 kr a day): e1 ready before noon, 9 ready days: days 4–9 billed (6);
/// e2 ready after noon: days 5–9 billed (5); e3 within grace; e4 open; e5 no admission notice.
const PAY: &str = "\
episode_id,municipality,care_type,ready_at,discharged_at,admission_notice_sent
e1,0880,somatic,2024-03-01T09:00,2024-03-10,true
e2,0880,somatic,2024-03-01T13:00,2024-03-10,
e3,0880,somatic,2024-03-05,2024-03-06,1
e4,0880,somatic,2024-03-05,,
e5,0880,somatic,2024-03-01,2024-03-20,false
";

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort_unstable();
    k
}

#[test]
fn invoice_json_has_the_spec_shape_and_values() {
    let d = dir("invoice_json");
    let f = write(&d.join("pay.csv"), PAY.as_bytes());
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(keys(&v), ["episodes_in", "lines", "not_billed", "totals"]);
    assert_eq!(v["episodes_in"], 5);
    let lines = v["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    for l in lines {
        assert_eq!(
            keys(l),
            [
                "amount_ore",
                "billed_days",
                "care_type",
                "episode_id",
                "municipality",
                "period",
                "rule"
            ]
        );
        assert!(l["amount_ore"].is_i64() && l["billed_days"].is_number());
    }
    let by_id = |id: &str| lines.iter().find(|l| l["episode_id"] == id).unwrap();
    assert_eq!(by_id("e1")["billed_days"], 6);
    assert_eq!(by_id("e1")["amount_ore"], 6 * 1_160_000);
    assert_eq!(by_id("e1")["rule"], "individual");
    assert_eq!(by_id("e1")["period"], "2024-03");
    assert_eq!(by_id("e1")["municipality"], "0880");
    assert_eq!(by_id("e2")["billed_days"], 5);
    let totals = v["totals"].as_array().unwrap();
    assert_eq!(totals.len(), 1);
    let t = &totals[0];
    assert_eq!(
        keys(t),
        [
            "amount_ore",
            "billed_days",
            "care_type",
            "mean_days",
            "municipality",
            "period",
            "threshold",
            "triggered"
        ]
    );
    assert_eq!(t["billed_days"], 11);
    assert_eq!(t["amount_ore"], 11 * 1_160_000);
    // The individual model has no evaluation.
    assert!(t["mean_days"].is_null() && t["threshold"].is_null() && t["triggered"].is_null());
    let nb = v["not_billed"].as_object().unwrap();
    assert_eq!(nb.len(), 11, "every reason present");
    assert!(nb.values().all(Value::is_u64));
    assert_eq!(v["not_billed"]["within_grace"], 1);
    assert_eq!(v["not_billed"]["open"], 1);
    assert_eq!(v["not_billed"]["missing_admission_notice"], 1);
    // billed + not billed = all episodes.
    let not: u64 = nb.values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(not + lines.len() as u64, 5);

    // An average agreement fills in the evaluation.
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "kalmar",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let t = &v["totals"][0];
    assert_eq!(t["threshold"].as_f64(), Some(0.8));
    assert_eq!(t["triggered"], true);
    // Mean incl. day 0 over the liability population: (9 + 9 + 1) / 3.
    assert_eq!(t["mean_days"].as_f64(), Some(19.0 / 3.0));
}

#[test]
fn invoice_table_and_csv() {
    let d = dir("invoice_formats");
    let f = write(&d.join("pay.csv"), PAY.as_bytes());
    let o = utklar(&["invoice", "--episodes", &f, "--agreement", "statutory"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let t = stdout(&o);
    assert!(t.contains("Agreement statutory"), "{t}");
    assert!(
        t.contains("Total: 11.0 billed days, 127 600.00 kr, 2 of 5 episodes billed."),
        "{t}"
    );
    assert!(t.contains("1 within the grace days"), "{t}");
    let row = t.lines().find(|l| l.starts_with("0880 Kalmar")).unwrap();
    let cells: Vec<&str> = row
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        cells,
        [
            "0880 Kalmar",
            "somatic",
            "2024-03",
            "11.0",
            "127 600.00",
            "–",
            "–",
            "–"
        ]
    );
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--lines",
    ]);
    assert!(stdout(&o)
        .lines()
        .any(|l| l.starts_with("e1 ") && l.contains("69 600.00") && l.ends_with("individual")));

    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--format",
        "csv",
    ]);
    assert_eq!(
        stdout(&o),
        "municipality,care_type,period,billed_days,amount_ore,mean_days,threshold,triggered\n\
         0880,somatic,2024-03,11,12760000,,,\n"
    );
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "kalmar",
        "--format",
        "csv",
    ]);
    // Kalmar has no noon rule: e2 is billed from day 4 too (6 days), 12 days in all.
    assert!(stdout(&o).contains(&format!(
        "0880,somatic,2024-03,12,13920000,{},0.8,true",
        19.0f64 / 3.0
    )));
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--lines",
        "--format",
        "csv",
    ]);
    assert_eq!(
        stdout(&o),
        "episode_id,municipality,care_type,period,billed_days,amount_ore,rule\n\
         e1,0880,somatic,2024-03,6,6960000,individual\n\
         e2,0880,somatic,2024-03,5,5800000,individual\n"
    );
}

#[test]
fn invoice_amounts_agreement_files_and_their_errors() {
    let d = dir("invoice_errors");
    let one_line = |o: &Output, must: &[&str]| {
        assert_eq!(code(o), 2, "{}", stderr(o));
        assert_no_panic(o);
        assert!(o.stdout.is_empty());
        let e = stderr(o);
        assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
        for m in must {
            assert!(e.contains(m), "{m:?} in {e}");
        }
    };
    let y2025 = PAY.replace("2024-", "2025-");
    let f = write(&d.join("pay2025.csv"), y2025.as_bytes());
    // 2025 has no sourced amount: the command names the year and the option.
    one_line(
        &utklar(&["invoice", "--episodes", &f, "--agreement", "statutory"]),
        &["2025", "--amount"],
    );
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--amount",
        "2025=10900",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["totals"][0]["amount_ore"], 11 * 1_090_000);
    one_line(
        &utklar(&[
            "invoice",
            "--episodes",
            &f,
            "--agreement",
            "statutory",
            "--amount",
            "2025:10900",
        ]),
        &["--amount"],
    );
    one_line(
        &utklar(&["invoice", "--episodes", &f, "--agreement", "gotland"]),
        &["gotland", "statutory, kalmar, vgr, sormland"],
    );
    let missing = d.join("nope.csv");
    one_line(
        &utklar(&[
            "invoice",
            "--episodes",
            missing.to_str().unwrap(),
            "--agreement",
            "kalmar",
        ]),
        &["nope.csv", "no such file"],
    );

    // An agreement file: Kalmar's preset with a threshold nobody exceeds bills nothing.
    let kalmar = stdout(&utklar(&["presets", "kalmar"]));
    assert!(kalmar.contains("threshold_days = 0.8"));
    let high = write(
        &d.join("high.toml"),
        kalmar
            .replace("threshold_days = 0.8", "threshold_days = 100.0")
            .as_bytes(),
    );
    let p = write(&d.join("pay.csv"), PAY.as_bytes());
    let o = utklar(&[
        "invoice",
        "--episodes",
        &p,
        "--agreement",
        &high,
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["lines"].as_array().map(Vec::len), Some(0));
    // e1, e2 and e3 are in the liability population of a period that is not liable.
    assert_eq!(v["not_billed"]["average_not_exceeded"], 3);
    // A typo in an agreement file names the file and the field.
    let typo = write(
        &d.join("typo.toml"),
        kalmar.replace("grace_days", "grace_dayz").as_bytes(),
    );
    one_line(
        &utklar(&["invoice", "--episodes", &p, "--agreement", &typo]),
        &["typo.toml", "grace_dayz"],
    );
}

#[test]
fn invoice_reports_unreadable_rows_and_strict_stops() {
    let d = dir("invoice_bad_rows");
    let bad = format!("{PAY}e6,0999,somatic,2024-03-01,2024-03-20,true\n");
    let f = write(&d.join("bad.csv"), bad.as_bytes());
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    // Every row is in the invoice: the unreadable one is not billed, as bad data.
    assert_eq!(v["episodes_in"], 6);
    assert_eq!(v["not_billed"]["invalid_row"], 1);
    let e = stderr(&o);
    assert!(e.contains("1 of 6 rows cannot be read"), "{e}");
    assert!(e.contains("unknown municipality"), "{e}");
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--strict",
    ]);
    assert_eq!(code(&o), 1);
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("line 7 (data row 5): municipality: unknown_municipality"));
    assert_no_panic(&o);
}

#[test]
fn compare_puts_agreements_side_by_side() {
    let d = dir("compare");
    let f = write(&d.join("pay.csv"), PAY.as_bytes());
    let o = utklar(&[
        "compare",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--agreement",
        "kalmar",
        "--agreement",
        "vgr",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(keys(&v), ["names", "rows", "totals_ore"]);
    assert_eq!(
        v["names"],
        serde_json::json!(["statutory", "kalmar", "vgr"])
    );
    let row = &v["rows"][0];
    assert_eq!(
        keys(row),
        [
            "amount_ore",
            "billed_days",
            "care_type",
            "municipality",
            "period"
        ]
    );
    assert_eq!(row["amount_ore"][0], 11 * 1_160_000);
    assert_eq!(v["totals_ore"][0], 11 * 1_160_000);
    // Each column equals that agreement's own invoice.
    for (i, name) in ["statutory", "kalmar", "vgr"].iter().enumerate() {
        let inv: Value = serde_json::from_str(&stdout(&utklar(&[
            "invoice",
            "--episodes",
            &f,
            "--agreement",
            name,
            "--format",
            "json",
        ])))
        .unwrap();
        let total: i64 = inv["totals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["amount_ore"].as_i64().unwrap())
            .sum();
        assert_eq!(v["totals_ore"][i].as_i64(), Some(total), "{name}");
    }
    let o = utklar(&[
        "compare",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--agreement",
        "statutory",
        "--format",
        "csv",
    ]);
    assert_eq!(
        stdout(&o).lines().next(),
        Some("municipality,care_type,period,statutory_billed_days,statutory_amount_ore,statutory#2_billed_days,statutory#2_amount_ore")
    );
    assert!(stdout(&o).contains("0880,somatic,2024-03,11,12760000,11,12760000"));
    let o = utklar(&[
        "compare",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--agreement",
        "kalmar",
    ]);
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    assert!(t.contains("statutory kr") && t.contains("kalmar kr"));
    assert!(t
        .lines()
        .any(|l| l.starts_with("Total") && l.contains("127 600.00")));
    // No agreement at all is an argument error.
    assert_eq!(code(&utklar(&["compare", "--episodes", &f])), 2);
}

#[test]
fn presets_list_and_print() {
    let o = utklar(&["presets"]);
    assert_eq!(code(&o), 0);
    let t = stdout(&o);
    for name in ["statutory", "kalmar", "vgr", "sormland", "stockholm"] {
        assert!(t.lines().any(|l| l.starts_with(name)), "{name}");
    }
    let o = utklar(&["presets", "vgr"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("name = \"vgr\""));
    assert!(stdout(&o).contains("ceiling_days = 7"));
    let o = utklar(&["presets", "gotland"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("gotland"));
    assert_no_panic(&o);
}

#[test]
fn excel_export_gives_the_same_invoice() {
    let d = dir("excel_invoice");
    let clean = write(&d.join("pay.csv"), PAY.as_bytes());
    let mut excel = vec![0xEF, 0xBB, 0xBF];
    excel.extend_from_slice(PAY.replace(',', ";").replace('\n', "\r\n").as_bytes());
    let excel = write(&d.join("excel.csv"), &excel);
    for format in ["json", "csv", "table"] {
        let a = utklar(&[
            "invoice",
            "--episodes",
            &clean,
            "--agreement",
            "kalmar",
            "--format",
            format,
        ]);
        let b = utklar(&[
            "invoice",
            "--episodes",
            &excel,
            "--agreement",
            "kalmar",
            "--format",
            format,
        ]);
        assert_eq!(code(&b), 0, "{}", stderr(&b));
        assert_eq!(stdout(&a), stdout(&b), "{format}");
    }
}

#[test]
fn suppress_below_blanks_small_cells_and_their_next_smallest() {
    let d = dir("suppress");
    let mut lines = vec!["episode_id,municipality,care_type,ready_at,discharged_at".to_string()];
    for (code, n) in [("0880", 12), ("0881", 1), ("0882", 7)] {
        for i in 0..n {
            let day = 2 + i % 3;
            lines.push(format!(
                "{code}-{i},{code},somatic,2025-03-01,2025-03-0{day}"
            ));
        }
    }
    let csv = lines.join("\n") + "\n";
    let f = write(&d.join("e.csv"), csv.as_bytes());
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--format",
        "json",
        "--suppress-below",
        "3",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_no_panic(&o);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v.as_array().unwrap();
    let by = |m: &str| rows.iter().find(|r| r["municipality"] == m).unwrap();
    for m in ["0881", "0882"] {
        assert_eq!(by(m)["suppressed"], true, "{m}");
        assert!(by(m)["episodes"].is_null() && by(m)["mean_days_incl_day0"].is_null());
    }
    assert_eq!(by("0880")["episodes"], 12);
    assert!(by("0880").get("suppressed").is_none());
    assert!(stderr(&o).contains("2 row(s) suppressed"), "{}", stderr(&o));
    // CSV: empty cells and a `suppressed` column.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--format",
        "csv",
        "--suppress-below",
        "3",
    ]);
    let text = stdout(&o);
    let mut lines = text.lines();
    assert!(lines.next().unwrap().ends_with(",bed_share_pct,suppressed"));
    let nybro = text.lines().find(|l| l.starts_with("0881,")).unwrap();
    assert_eq!(nybro, "0881,somatic,2025-03,,,,,,,,,,,true");
    // K = 0 and 1 change nothing but the extra column.
    let plain = stdout(&utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--format",
        "json",
    ]));
    for k in ["0", "1"] {
        let o = utklar(&[
            "indicators",
            "--episodes",
            &f,
            "--format",
            "json",
            "--suppress-below",
            k,
        ]);
        assert_eq!(stdout(&o), plain, "{k}");
    }
    // The table shows a dash.
    let o = utklar(&["indicators", "--episodes", &f, "--suppress-below", "3"]);
    let line = stdout(&o)
        .lines()
        .find(|l| l.starts_with("0881"))
        .unwrap()
        .to_string();
    assert!(line.contains('–') && !line.contains(" 1 "), "{line}");
}

/// Runs the binary, reads the first line of its output and closes the pipe (`| head -1`);
/// returns the first line, the exit status and standard error.
fn head_1(args: &[&str]) -> (String, i32, String) {
    use std::io::{BufRead, BufReader, Read};
    let mut child = Command::new(env!("CARGO_BIN_EXE_utklar"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here: the pipe is closed.
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    (first, status.code().expect("exited, not killed"), err)
}

#[test]
fn a_closed_output_ends_quietly_with_the_status_the_data_deserved() {
    let d = dir("epipe");
    // 30 000 rows with an unknown municipality: far more listing than any pipe buffers.
    let mut rows = vec!["episode_id,municipality,care_type,ready_at,discharged_at".to_string()];
    rows.extend((0..30_000).map(|i| format!("E{i},9999,somatic,2025-03-01,2025-03-02")));
    let bad = write(&d.join("bad.csv"), (rows.join("\n") + "\n").as_bytes());
    for format in ["table", "csv", "json"] {
        let (first, status, err) = head_1(&["validate", "--episodes", &bad, "--format", format]);
        assert!(!first.is_empty(), "{format}");
        assert_eq!(status, 1, "{format}: {err}");
        assert!(
            !err.contains("cannot write") && !err.contains("panicked"),
            "{err}"
        );
    }
    // A clean file: status 0.
    let clean = write(&d.join("clean.csv"), CLEAN.as_bytes());
    let (_, status, _) = head_1(&["validate", "--episodes", &clean]);
    assert_eq!(status, 0);
    // The other commands stop quietly with their status too.
    let big = d.join("synth.csv");
    let o = utklar(&[
        "synth",
        "--episodes",
        "100000",
        "--output",
        big.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let big = big.to_str().unwrap();
    for args in [
        vec!["indicators", "--episodes", big, "--format", "csv"],
        vec![
            "invoice",
            "--episodes",
            big,
            "--agreement",
            "statutory",
            "--amount",
            "2024=11000",
            "--amount",
            "2025=11000",
            "--format",
            "csv",
        ],
        vec!["synth", "--episodes", "100000"],
    ] {
        let (first, status, err) = head_1(&args);
        assert!(!first.is_empty(), "{args:?}");
        assert_eq!(status, 0, "{args:?}: {err}");
        assert!(
            !err.contains("cannot write") && !err.contains("panicked"),
            "{err}"
        );
    }
}

#[test]
fn personal_identity_numbers_are_refused_on_every_command_unless_allowed() {
    let d = dir("personnummer");
    let file = write(
        &d.join("pnr.csv"),
        b"episode_id,patient_id,municipality,care_type,ready_at,discharged_at\n\
          E1,19121212-1212,0880,somatic,2024-03-01,2024-03-05\n\
          E2,121212+1212,0880,somatic,2024-03-01,2024-03-05\n\
          E3,p3,0999,somatic,2024-03-01,2024-03-05\n",
    );
    let commands: [&[&str]; 4] = [
        &["indicators"],
        &["validate"],
        &["invoice", "--agreement", "statutory"],
        &[
            "compare",
            "--agreement",
            "statutory",
            "--agreement",
            "kalmar",
        ],
    ];
    for cmd in commands {
        for threads in ["1", "2"] {
            let mut args: Vec<&str> = cmd.to_vec();
            args.extend(["--episodes", &file]);
            let o = Command::new(env!("CARGO_BIN_EXE_utklar"))
                .args(&args)
                .env("UTKLAR_THREADS", threads)
                .output()
                .unwrap();
            assert_no_panic(&o);
            let err = stderr(&o);
            assert_eq!(code(&o), 2, "{cmd:?}: {err}");
            assert!(
                err.contains("patient_id") && err.contains("2 value"),
                "{err}"
            );
            assert!(!err.contains("1212"), "{cmd:?} printed a value: {err}");
            args.push("--allow-personal-ids");
            let o = utklar(&args);
            assert_no_panic(&o);
            assert_ne!(code(&o), 2, "{cmd:?} --allow-personal-ids: {}", stderr(&o));
        }
    }
}

#[test]
fn rows_given_and_none_usable_exit_1_with_a_message() {
    let d = dir("none-usable");
    let file = write(
        &d.join("bad.csv"),
        b"episode_id,municipality,care_type,ready_at,discharged_at\n\
          a,0999,somatic,2024-03-01,2024-03-05\n\
          b,0880,dental,2024-03-01,2024-03-05\n",
    );
    let commands: [&[&str]; 3] = [
        &["indicators", "--format", "json"],
        &["invoice", "--agreement", "statutory", "--format", "json"],
        &[
            "compare",
            "--agreement",
            "statutory",
            "--agreement",
            "kalmar",
        ],
    ];
    for cmd in commands {
        let mut args: Vec<&str> = cmd.to_vec();
        args.extend(["--episodes", &file]);
        let o = utklar(&args);
        assert_no_panic(&o);
        assert_eq!(code(&o), 1, "{cmd:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("none of the 2 rows could be used"),
            "{}",
            stderr(&o)
        );
    }
    // A file with a header only gave no rows: nothing to complain about.
    let empty = write(
        &d.join("empty.csv"),
        b"episode_id,municipality,care_type,ready_at\n",
    );
    assert_eq!(code(&utklar(&["indicators", "--episodes", &empty])), 0);
}

#[test]
fn amounts_list_every_sourced_year_in_each_format() {
    let o = utklar(&["amounts", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v.as_array().unwrap();
    let years: Vec<(i64, i64)> = rows
        .iter()
        .map(|r| (r["year"].as_i64().unwrap(), r["ore"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        years,
        [
            (2019, 780_000),
            (2020, 820_000),
            (2022, 930_000),
            (2024, 1_160_000)
        ]
    );
    assert!(rows
        .iter()
        .all(|r| !r["source"].as_str().unwrap().is_empty()));
    assert!(rows[0]["source"]
        .as_str()
        .unwrap()
        .contains("HSLF-FS 2018:67"));
    let csv = stdout(&utklar(&["amounts", "--format", "csv"]));
    assert_eq!(csv.lines().next(), Some("year,ore,source"));
    assert_eq!(csv.lines().count(), 5);
    let table = stdout(&utklar(&["amounts"]));
    assert!(table.contains("11 600.00"), "{table}");
}

#[test]
fn presets_counties_in_each_format() {
    let o = utklar(&["presets", "--counties", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 21);
    for r in rows {
        for f in ["county", "name", "model", "preset", "source"] {
            assert!(r.get(f).is_some(), "{f}");
        }
    }
    assert_eq!(rows[0]["county"], "01");
    assert_eq!(rows[0]["preset"], "stockholm");
    let kalmar = rows.iter().find(|r| r["county"] == "08").unwrap();
    assert_eq!(kalmar["model"], "average");
    let uppsala = rows.iter().find(|r| r["county"] == "03").unwrap();
    assert_eq!(uppsala["model"], "unknown");
    assert!(uppsala["preset"].is_null());
    assert_eq!(uppsala["source"], "no public source found");
    let csv = stdout(&utklar(&["presets", "--counties", "--format", "csv"]));
    assert_eq!(csv.lines().next(), Some("county,name,model,preset,source"));
    assert_eq!(csv.lines().count(), 22);
    let table = stdout(&utklar(&["presets", "--counties"]));
    assert!(table.contains("Gotlands län"), "{table}");
    // --format belongs to --counties.
    assert_eq!(code(&utklar(&["presets", "--format", "csv"])), 2);
}

#[test]
fn a_psychiatric_stay_of_2018_is_before_law_on_the_command_line() {
    let d = dir("before_law");
    let f = write(
        &d.join("e.csv"),
        b"episode_id,municipality,care_type,ready_at,discharged_at\n\
          p1,0880,psychiatric,2018-03-01,2018-03-20\n",
    );
    let o = utklar(&[
        "invoice",
        "--episodes",
        &f,
        "--agreement",
        "statutory",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(stdout(&o).contains("before_law"), "{v}");
}

const EXTRAS: &str = "episode_id,patient_id,municipality,care_type,admitted_at,ready_at,discharged_at,planned_discharge_date\n\
a,P1,0880,somatic,2025-03-01,2025-03-03,2025-03-05,2025-03-03\n\
b,P1,0880,somatic,2025-03-20,2025-03-22,2025-03-25,2025-03-24\n\
c,P2,0880,somatic,2025-03-01,2025-03-10,,\n\
d,P3,0880,psychiatric,2025-02-01,2025-03-28,2025-04-02,2025-03-27\n";

#[test]
fn census_readmissions_and_accuracy_in_each_format() {
    let d = dir("extras");
    let f = write(&d.join("e.csv"), EXTRAS.as_bytes());
    // Census on 2025-03-30: c (ready 10 March, open: 20 days) and d (ready 28 March,
    // discharged 2 April: 2 days); a and b were discharged before.
    let o = utklar(&[
        "census",
        "--episodes",
        &f,
        "--on",
        "2025-03-30",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<(String, i64, i64)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["episode_id"].as_str().unwrap().to_string(),
                w["waited_days"].as_i64().unwrap(),
                w["row"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, [("c".into(), 20, 2), ("d".into(), 2, 3)]);
    let csv = stdout(&utklar(&[
        "census",
        "--episodes",
        &f,
        "--on",
        "2025-03-30",
        "--format",
        "csv",
    ]));
    assert_eq!(csv.lines().count(), 3);
    assert!(
        stdout(&utklar(&["census", "--episodes", &f, "--on", "2025-03-30"])).contains("2 waiting")
    );
    assert_eq!(
        code(&utklar(&["census", "--episodes", &f, "--on", "30/3"])),
        2
    );
    // Readmissions: a (discharged 5 March) is followed by b's admission on 20 March (15 days):
    // readmitted; b is not; d's discharge is in April. March somatic: 1 of 2.
    let o = utklar(&["readmissions", "--episodes", &f, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let march = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["period"] == "2025-03" && r["care_type"] == "somatic")
        .unwrap();
    assert_eq!(
        (march["discharges"].as_u64(), march["readmitted"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(march["share"], 0.5);
    assert_eq!(march["group"], "0880");
    // A window of 10 days: 15 days is too late.
    let v: Value = serde_json::from_str(&stdout(&utklar(&[
        "readmissions",
        "--episodes",
        &f,
        "--window",
        "10",
        "--format",
        "json",
    ])))
    .unwrap();
    assert!(v.as_array().unwrap().iter().all(|r| r["readmitted"] == 0));
    let csv = stdout(&utklar(&[
        "readmissions",
        "--episodes",
        &f,
        "--by",
        "nation",
        "--format",
        "csv",
    ]));
    assert_eq!(
        csv.lines().next(),
        Some("group,care_type,period,discharges,readmitted,share")
    );
    // Accuracy over the discharged episodes with a planned date: a exact (0), b +2, d −1:
    // exact 1/3, mean absolute error 1, bias 1/3.
    let o = utklar(&["accuracy", "--episodes", &f, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["episodes"], 3);
    assert!((v["exact_share"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    assert!((v["mean_abs_error_days"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    assert!((v["bias_days"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    let csv = stdout(&utklar(&["accuracy", "--episodes", &f, "--format", "csv"]));
    assert_eq!(csv.lines().count(), 2);
    assert!(stdout(&utklar(&["accuracy", "--episodes", &f])).contains("33.3"));
}
