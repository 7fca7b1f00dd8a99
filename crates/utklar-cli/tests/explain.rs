//! `utklar explain`: one row per input row, whose sums are `utklar indicators` and `utklar
//! invoice` on the cross-surface file and on generated data; its csv, excel-sv and xlsx forms.

mod common;
use common::utklar;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use serde_json::Value;

fn dir(test: &str) -> PathBuf {
    common::fresh_dir("utklar-explain-tests", test)
}

fn ok_json(args: &[&str]) -> Value {
    let o = utklar(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn cross_surface() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/cross_surface/episodes.csv")
        .display()
        .to_string()
}

fn generated(d: &Path) -> String {
    let file = d.join("synth.csv").display().to_string();
    let o = utklar(&[
        "synth",
        "--episodes",
        "3000",
        "--year",
        "2024",
        "--county",
        "08",
        "--output",
        &file,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    file
}

/// The explain rows against `indicators` (per municipality, care type and period: episodes
/// and ready days of the counted rows) and `invoice` (total, not-billed counts).
fn check_sums(file: &str, agreement: &str) {
    let amount = ["--amount", "2023=10500"];
    let mut args = vec![
        "explain",
        "--episodes",
        file,
        "--agreement",
        agreement,
        "--format",
        "json",
    ];
    args.extend(amount);
    let x = ok_json(&args);
    let rows = x.as_array().expect("an array of rows");
    // One row per input row, in input order.
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["row"], i as u64);
        // The header is line 1 and no record spans lines.
        assert_eq!(r["line"], i as u64 + 2);
    }
    let ind = ok_json(&["indicators", "--episodes", file, "--format", "json"]);
    let mut mine: BTreeMap<(String, String, String), (u64, i64)> = BTreeMap::new();
    for r in rows.iter().filter(|r| r["counting"] == "counted") {
        let key = (
            r["municipality"].as_str().unwrap().to_string(),
            r["care_type"].as_str().unwrap().to_string(),
            r["period"].as_str().unwrap().to_string(),
        );
        let e = mine.entry(key).or_default();
        e.0 += 1;
        e.1 += r["ready_days"].as_i64().unwrap();
    }
    let theirs: BTreeMap<(String, String, String), (u64, i64)> = ind
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                (
                    r["municipality"].as_str().unwrap().to_string(),
                    r["care_type"].as_str().unwrap().to_string(),
                    r["period"].as_str().unwrap().to_string(),
                ),
                (
                    r["episodes"].as_u64().unwrap(),
                    r["ready_days"].as_i64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(mine, theirs, "{file} explain vs indicators");

    let mut args = vec![
        "invoice",
        "--episodes",
        file,
        "--agreement",
        agreement,
        "--format",
        "json",
    ];
    args.extend(amount);
    let inv = ok_json(&args);
    let lines = inv["lines"].as_array().unwrap();
    let total: i64 = lines
        .iter()
        .map(|l| l["amount_ore"].as_i64().unwrap())
        .sum();
    let period_lines: i64 = lines
        .iter()
        .filter(|l| l["episode_id"].is_null())
        .map(|l| l["amount_ore"].as_i64().unwrap())
        .sum();
    let own: i64 = rows.iter().filter_map(|r| r["amount_ore"].as_i64()).sum();
    assert_eq!(own + period_lines, total, "{file} {agreement}");
    let billed = rows.iter().filter(|r| r["billing"] == "billed").count();
    assert_eq!(
        billed,
        lines.iter().filter(|l| !l["episode_id"].is_null()).count()
    );
    for (reason, n) in inv["not_billed"].as_object().unwrap() {
        let got = rows.iter().filter(|r| r["not_billed"] == *reason).count() as u64;
        assert_eq!(got, n.as_u64().unwrap(), "{file} {agreement} {reason}");
    }
    assert_eq!(rows.len() as u64, inv["episodes_in"].as_u64().unwrap());
    // The table's last line states the same three sums.
    let mut args = vec!["explain", "--episodes", file, "--agreement", agreement];
    args.extend(amount);
    let o = utklar(&args);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    let kr = |ore: i64| {
        let digits = (ore.abs() / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        format!(
            "{}{grouped}.{:02} kr",
            if ore < 0 { "-" } else { "" },
            ore.abs() % 100
        )
    };
    assert_eq!(
        text.lines().last().unwrap(),
        format!(
            "Invoice {agreement}: {} ({} on the rows' own lines, {} on municipality-period lines).",
            kr(total),
            kr(total - period_lines),
            kr(period_lines)
        ),
        "{file} {agreement}"
    );
}

#[test]
fn explain_adds_up_to_indicators_and_invoice() {
    let file = cross_surface();
    for agreement in ["statutory", "kalmar", "vgr", "sormland"] {
        check_sums(&file, agreement);
    }
    let d = dir("generated");
    let file = generated(&d);
    for agreement in ["statutory", "kalmar", "vgr"] {
        check_sums(&file, agreement);
    }
}

#[test]
fn explain_names_each_rows_reason() {
    let x = ok_json(&[
        "explain",
        "--episodes",
        &cross_surface(),
        "--agreement",
        "statutory",
        "--format",
        "json",
    ]);
    let by_id = |id: &str| {
        x.as_array()
            .unwrap()
            .iter()
            .find(|r| r["episode_id"] == id)
            .cloned()
            .unwrap()
    };
    // Discharged before ready: excluded as negative days, and bad data on the invoice.
    let r = by_id("X09");
    assert_eq!(r["counting"], "excluded");
    assert_eq!(r["reason"], "negative_days");
    assert_eq!(r["ready_days"], -2);
    assert_eq!(r["not_billed"], "negative_days");
    // Still in hospital.
    let r = by_id("X14");
    assert_eq!(
        (r["counting"].as_str(), r["not_billed"].as_str()),
        (Some("open"), Some("open"))
    );
    // Counted, but no admission notice: never billed.
    let r = by_id("X15");
    assert_eq!(r["counting"], "counted");
    assert_eq!(r["not_billed"], "missing_admission_notice");
    // An unknown municipality: excluded, and a row that cannot be read on the invoice.
    let r = by_id("X05");
    assert_eq!(r["reason"], "unknown_municipality");
    assert_eq!(r["not_billed"], "invalid_row");
    assert!(r["municipality"].is_null());
    // Billed: individual model, days past the grace, amount in öre.
    let billed: Vec<&Value> = x
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["billing"] == "billed")
        .collect();
    assert!(!billed.is_empty());
    for r in billed {
        assert_eq!(r["rule"], "individual");
        assert!(r["amount_ore"].as_i64().unwrap() > 0);
        assert!(r["threshold"].is_null());
    }
    // Without an agreement: no billing fields.
    let x = ok_json(&[
        "explain",
        "--episodes",
        &cross_surface(),
        "--format",
        "json",
    ]);
    assert!(x.as_array().unwrap().iter().all(|r| r["billing"].is_null()));
    // --day0 counts negative days as 0 in the indicators.
    let x = ok_json(&[
        "explain",
        "--episodes",
        &cross_surface(),
        "--negative-days",
        "day0",
        "--format",
        "json",
    ]);
    let r = x
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["episode_id"] == "X09")
        .unwrap();
    assert_eq!(
        (r["counting"].as_str(), r["ready_days"].as_i64()),
        (Some("counted"), Some(0))
    );
}

#[test]
fn explain_csv_excel_sv_and_xlsx_with_date_cells() {
    let file = cross_surface();
    let o = utklar(&[
        "explain",
        "--episodes",
        &file,
        "--agreement",
        "kalmar",
        "--format",
        "csv",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "line,row,episode_id,municipality,care_type,ready_date,discharge_date,period,ready_days,\
         counting,reason,billing,invoice_period,billed_days,amount_ore,rule,not_billed,mean_days,\
         threshold,triggered"
    );
    assert_eq!(text.lines().count(), 92);
    assert!(text.contains("\n3,1,G002,0880,somatic,2024-01-03,2024-01-09,2024-01,6,counted,,billed,2024-01,3,3480000,average_per_episode,,2.8,0.8,true\n"), "{text}");

    let o = utklar(&[
        "explain",
        "--episodes",
        &file,
        "--agreement",
        "kalmar",
        "--format",
        "csv",
        "--csv-dialect",
        "excel-sv",
        "--lang",
        "sv",
    ]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.starts_with("\u{feff}Rad i filen;Datarad;Vårdtillfälle;"),
        "{text}"
    );
    assert!(text.contains(";2024-01-03;2024-01-09;2024-01;6;counted;;billed;2024-01;3;3480000;34800;average_per_episode;;2,8;0,8;true\r\n"), "{text}");

    let d = dir("xlsx");
    let out = d.join("why.xlsx");
    let o = utklar(&[
        "explain",
        "--episodes",
        &file,
        "--agreement",
        "kalmar",
        "--format",
        "xlsx",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut book = calamine::open_workbook_auto(&out).unwrap();
    let r = book.worksheet_range("Explain").unwrap();
    assert_eq!(r.get((0, 5)), Some(&Data::String("ready_date".into())));
    // Row G002 (sheet row 3): dates are date cells, amounts numbers.
    assert_eq!(r.get((2, 2)), Some(&Data::String("G002".into())));
    match r.get((2, 5)) {
        Some(Data::DateTime(d)) => {
            assert_eq!(
                d.as_datetime().map(|t| t.date().to_string()).as_deref(),
                Some("2024-01-03")
            );
        }
        other => panic!("ready_date is not a date cell: {other:?}"),
    }
    assert!(matches!(r.get((2, 6)), Some(Data::DateTime(_))));
    assert_eq!(r.get((2, 14)), Some(&Data::Float(3_480_000.0)));
    assert_eq!(r.get((2, 15)), Some(&Data::Float(34_800.0)));
    // A header and one row per input row.
    assert_eq!(r.height(), 92);
}

#[test]
fn explain_refuses_personal_ids_and_has_help() {
    let d = dir("pnr");
    let file = d.join("pnr.csv");
    std::fs::write(
        &file,
        "episode_id,municipality,care_type,ready_at,discharged_at\n19121212-1212,0880,somatic,2024-03-01,2024-03-05\n",
    )
    .unwrap();
    let o = utklar(&["explain", "--episodes", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("episode_id") && !err.contains("1212"), "{err}");
    let o = utklar(&[
        "explain",
        "--episodes",
        file.to_str().unwrap(),
        "--allow-personal-ids",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let h = String::from_utf8(utklar(&["explain", "--help"]).stdout).unwrap();
    assert!(h.contains("Example") && h.contains("utklar explain") && h.contains("--agreement"));
}

#[test]
fn explain_of_a_workbook_names_sheet_rows() {
    let d = dir("sheet");
    let f = d.join("in.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let rows = [
        [
            "episode_id",
            "municipality",
            "care_type",
            "ready_at",
            "discharged_at",
        ],
        ["a", "0880", "somatic", "2024-03-01", "2024-03-10"],
        ["b", "0999", "somatic", "2024-03-01", "2024-03-02"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write(r as u32 + 2, c as u16, *cell).unwrap(); // the header on sheet row 3
        }
    }
    book.save(&f).unwrap();
    let o = utklar(&[
        "explain",
        "--episodes",
        f.to_str().unwrap(),
        "--agreement",
        "statutory",
        "--format",
        "csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("sheet_row,row,episode_id,"), "{text}");
    assert!(
        lines[1].starts_with("4,0,a,0880,somatic,2024-03-01,2024-03-10,2024-03,9,counted,,billed,"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("5,1,b,,,,,,,excluded,unknown_municipality,not_billed,"),
        "{text}"
    );
}
