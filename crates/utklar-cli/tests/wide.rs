//! `utklar indicators --wide`: periods in columns, the values those of the long output, empty
//! cells where a group has no episodes or a row is suppressed, in every format.

mod common;
use common::utklar;
use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use calamine::{Data, Reader};

/// Two municipalities, two months; Nybro (0881) has no psychiatric episode in January.
const EPISODES: &str = "\
episode_id,municipality,care_type,ready_at,discharged_at
a1,0880,somatic,2025-01-03,2025-01-05
a2,0880,somatic,2025-01-10,2025-01-10
a3,0880,psychiatric,2025-01-04,2025-01-07
a4,0880,somatic,2025-02-02,2025-02-06
a5,0880,psychiatric,2025-02-03,2025-02-04
b1,0881,somatic,2025-01-05,2025-01-06
b2,0881,somatic,2025-02-05,2025-02-08
b3,0881,somatic,2025-02-06,2025-02-06
b4,0881,psychiatric,2025-02-10,2025-02-10
";

const VALUES: [&str; 10] = [
    "mean_days",
    "mean_days_incl_day0",
    "goal_attainment",
    "days_per_1000",
    "occupied_beds",
    "bed_share_pct",
    "episodes",
    "day0",
    "ready_ge1",
    "ready_days",
];

fn file(test: &str) -> String {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("utklar-wide-tests")
        .join(test);
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    let p = d.join("episodes.csv");
    fs::write(&p, EPISODES).unwrap();
    p.to_str().unwrap().to_string()
}

fn ok(args: &[&str]) -> String {
    let o = utklar(args);
    assert!(
        o.status.success(),
        "{args:?}: status {:?}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The long CSV as (municipality, care type, period) → field → text.
fn long(csv: &str, extra: &[&str]) -> HashMap<(String, String, String), HashMap<String, String>> {
    let mut args = vec!["indicators", "--episodes", csv, "--format", "csv"];
    args.extend(extra);
    let text = ok(&args);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let key = (f[0].to_string(), f[1].to_string(), f[2].to_string());
            let fields = header
                .iter()
                .zip(&f)
                .map(|(h, v)| ((*h).to_string(), (*v).to_string()))
                .collect();
            (key, fields)
        })
        .collect()
}

/// The wide CSV as its header and rows of fields.
fn wide(csv: &str, value: &str, extra: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut args = vec![
        "indicators",
        "--episodes",
        csv,
        "--wide",
        "--value",
        value,
        "--format",
        "csv",
    ];
    args.extend(extra);
    let text = ok(&args);
    let mut lines = text
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect());
    (lines.next().unwrap(), lines.collect())
}

#[test]
fn wide_csv_has_the_long_csvs_values_and_an_empty_cell_for_a_missing_month() {
    let csv = file("csv");
    let long = long(&csv, &[]);
    for value in VALUES {
        let (header, rows) = wide(&csv, value, &[]);
        assert_eq!(header, ["municipality", "care_type", "2025-01", "2025-02"]);
        let keys: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("0880", "somatic"),
                ("0880", "psychiatric"),
                ("0881", "somatic"),
                ("0881", "psychiatric"),
            ]
        );
        for r in &rows {
            for (i, period) in header.iter().enumerate().skip(2) {
                let key = (r[0].clone(), r[1].clone(), period.clone());
                match long.get(&key) {
                    Some(fields) => assert_eq!(r[i], fields[value], "{value} {key:?}"),
                    // Nybro had no psychiatric episode in January: empty, never 0.
                    None => {
                        assert_eq!(key, ("0881".into(), "psychiatric".into(), "2025-01".into()));
                        assert_eq!(r[i], "", "{value}");
                    }
                }
            }
        }
    }
    // A real check of the figures, not only of their agreement.
    let (_, rows) = wide(&csv, "mean_days_incl_day0", &[]);
    assert_eq!(rows[2], ["0881", "somatic", "1", "1.5"]);
    let (_, rows) = wide(&csv, "episodes", &[]);
    assert_eq!(rows[3], ["0881", "psychiatric", "", "1"]);
}

#[test]
fn the_default_is_mean_days_and_county_and_nation_pivot_too() {
    let csv = file("default");
    let (h, rows) = wide(&csv, "mean_days", &[]);
    let text = ok(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--format",
        "csv",
    ]);
    let mut default = text.lines();
    assert_eq!(default.next().unwrap(), h.join(","));
    assert_eq!(
        default.map(str::to_string).collect::<Vec<_>>(),
        rows.iter().map(|r| r.join(",")).collect::<Vec<_>>()
    );
    // Mean days is empty where no episode had a ready day (Nybro psychiatric, February).
    assert_eq!(rows[3], ["0881", "psychiatric", "", ""]);

    let (h, rows) = wide(&csv, "episodes", &["--by", "county"]);
    assert_eq!(h, ["county", "care_type", "2025-01", "2025-02"]);
    assert_eq!(rows[0], ["08", "somatic", "3", "3"]);
    assert_eq!(rows[1], ["08", "psychiatric", "1", "2"]);
    let (h, rows) = wide(&csv, "ready_days", &["--by", "nation", "--period", "year"]);
    assert_eq!(h, ["care_type", "2025"]);
    assert_eq!(rows, [["somatic", "10"], ["psychiatric", "4"]]);
}

#[test]
fn suppressed_cells_are_empty() {
    let csv = file("suppress");
    let long = long(&csv, &["--suppress-below", "2"]);
    let (header, rows) = wide(&csv, "episodes", &["--suppress-below", "2"]);
    let mut suppressed = 0;
    for r in &rows {
        for (i, period) in header.iter().enumerate().skip(2) {
            let key = (r[0].clone(), r[1].clone(), period.clone());
            if let Some(f) = long.get(&key) {
                if f["suppressed"] == "true" {
                    suppressed += 1;
                    assert_eq!(r[i], "", "{key:?}");
                } else {
                    assert_eq!(r[i], f["episodes"], "{key:?}");
                }
            }
        }
    }
    assert!(suppressed > 0);
    // In the table, too: no en dash and no figure for a suppressed row.
    let table = ok(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--value",
        "episodes",
        "--suppress-below",
        "2",
    ]);
    let psych = table
        .lines()
        .find(|l| l.starts_with("0880 Kalmar   psychiatric"))
        .unwrap();
    assert_eq!(psych.trim_end(), "0880 Kalmar   psychiatric");
}

#[test]
fn the_table_rounds_as_the_long_table_and_leaves_missing_months_blank() {
    let csv = file("table");
    let t = ok(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--value",
        "goal_attainment",
    ]);
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines[0], "goal_attainment by month");
    assert_eq!(lines[1], "municipality  care type    2025-01  2025-02");
    assert_eq!(lines[3], "0880 Kalmar   somatic         50.0      0.0");
    assert_eq!(lines[6], "0881 Nybro    psychiatric             100.0");
    let t = ok(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--value",
        "occupied_beds",
    ]);
    // 2 ready days over the 31 days of January: 0.0645…, one decimal.
    assert!(t.lines().nth(3).unwrap().ends_with("0.1      0.1"), "{t}");
    // A value that cannot be computed in a month with episodes is an en dash.
    let t = ok(&["indicators", "--episodes", &csv, "--wide"]);
    assert!(t.lines().nth(6).unwrap().ends_with('–'), "{t}");
}

#[test]
fn excel_sv_writes_decimal_commas_and_empty_cells() {
    let csv = file("excel-sv");
    let text = ok(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--value",
        "mean_days_incl_day0",
        "--format",
        "csv",
        "--csv-dialect",
        "excel-sv",
        "--lang",
        "sv",
    ]);
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], "\u{feff}Kommun;Namn;Vårdform;2025-01;2025-02");
    assert_eq!(lines[3], "0881;Nybro;somatic;1;1,5");
    assert_eq!(lines[4], "0881;Nybro;psychiatric;;0");
}

#[test]
fn xlsx_has_numbers_in_the_period_columns() {
    let csv = file("xlsx");
    let out = PathBuf::from(&csv).with_file_name("wide.xlsx");
    ok(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--value",
        "goal_attainment",
        "--format",
        "xlsx",
        "--output",
        out.to_str().unwrap(),
    ]);
    let mut book = calamine::open_workbook_auto(&out).unwrap();
    let r = book.worksheet_range("Indicators").unwrap();
    let row = |i: u32| -> Vec<Data> {
        (0..5)
            .map(|c| r.get_value((i, c)).cloned().unwrap_or(Data::Empty))
            .collect()
    };
    assert_eq!(
        row(0),
        ["municipality", "name", "care_type", "2025-01", "2025-02"].map(|s| Data::String(s.into()))
    );
    assert_eq!(
        row(1),
        [
            Data::String("0880".into()),
            Data::String("Kalmar".into()),
            Data::String("somatic".into()),
            Data::Float(0.5),
            Data::Float(0.0),
        ]
    );
    // Nybro psychiatric: nothing in January, every episode on day 0 in February.
    assert_eq!(row(4)[3], Data::Empty);
    assert_eq!(row(4)[4], Data::Float(1.0));

    ok(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--value",
        "ready_days",
        "--format",
        "xlsx",
        "--output",
        out.to_str().unwrap(),
    ]);
    let mut book = calamine::open_workbook_auto(&out).unwrap();
    let r = book.worksheet_range("Indicators").unwrap();
    assert_eq!(r.get_value((3, 4)), Some(&Data::Float(3.0)));
    assert!(matches!(r.get_value((4, 3)), None | Some(Data::Empty)));
}

#[test]
fn json_gives_values_by_period_with_null_for_a_missing_month() {
    let csv = file("json");
    let text = ok(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--value",
        "mean_days_incl_day0",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        rows[2],
        serde_json::json!({"municipality": "0881", "care_type": "somatic",
            "values": {"2025-01": 1.0, "2025-02": 1.5}})
    );
    assert_eq!(rows[3]["values"]["2025-01"], serde_json::Value::Null);
    assert_eq!(rows[3]["values"]["2025-02"], serde_json::json!(0.0));
}

#[test]
fn value_without_wide_is_a_usage_error() {
    let csv = file("usage");
    let o = utklar(&["indicators", "--episodes", &csv, "--value", "episodes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--wide"));
    let o = utklar(&[
        "indicators",
        "--episodes",
        &csv,
        "--wide",
        "--value",
        "median",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let help = ok(&["indicators", "--help"]);
    assert!(help.contains("--wide --value goal_attainment"));
}
