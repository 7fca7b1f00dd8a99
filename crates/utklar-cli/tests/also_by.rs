//! `utklar indicators --also-by COLUMN`: indicators per group and value of the caller's
//! columns, from CSV and from a workbook; personal identity numbers in them refused.

mod common;
use common::utklar;
use std::path::PathBuf;

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("utklar-also-by-tests");
    std::fs::create_dir_all(&d).unwrap();
    d
}

const ROWS: [[&str; 7]; 6] = [
    [
        "e1",
        "0880",
        "somatic",
        "2025-03-01",
        "2025-03-03",
        "Kalmar",
        "Med",
    ],
    [
        "e2",
        "0880",
        "somatic",
        "2025-03-01",
        "2025-03-06",
        "Västervik",
        "Med",
    ],
    [
        "e3",
        "0880",
        "somatic",
        "2025-03-01",
        "2025-03-02",
        "Kalmar",
        "Kir",
    ],
    [
        "e4",
        "0881",
        "somatic",
        "2025-03-01",
        "2025-03-02",
        "",
        "Med",
    ],
    [
        "e5",
        "0999",
        "somatic",
        "2025-03-01",
        "2025-03-02",
        "Kalmar",
        "Med",
    ],
    [
        "e6",
        "0880",
        "somatic",
        "2025-03-01",
        "2025-03-01",
        "Kalmar",
        "Med",
    ],
];
const HEADER: &str = "episode_id,municipality,care_type,ready_at,discharged_at,Hospital,clinic";

/// The rows as a CSV file of its own for each test (tests run at once: one writing the file
/// another is reading made the reader see it empty).
fn csv_file(name: &str) -> String {
    let mut text = format!("{HEADER}\n");
    for r in ROWS {
        text.push_str(&r.join(","));
        text.push('\n');
    }
    let f = dir().join(format!("{name}.csv"));
    std::fs::write(&f, text).unwrap();
    f.display().to_string()
}

const CSV_OUT: &str = "municipality,Hospital,care_type,period,episodes,day0,ready_ge1,ready_days,\
goal_attainment,mean_days,mean_days_incl_day0,days_per_1000,occupied_beds,bed_share_pct\n\
0880,Kalmar,somatic,2025-03,3,1,2,3,0.3333333333333333,1.5,1,,0.0967741935483871,\n\
0880,Västervik,somatic,2025-03,1,0,1,5,0,5,5,,0.16129032258064516,\n\
0881,,somatic,2025-03,1,0,1,1,0,1,1,,0.03225806451612903,\n";

#[test]
fn indicators_are_grouped_by_the_callers_column_too() {
    let f = csv_file("grouped");
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--also-by",
        "hospital",
        "--format",
        "csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The output column keeps the caller's spelling; the bad row (0999) is left out and
    // counted, as without --also-by.
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        CSV_OUT.replace("Hospital", "hospital")
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 excluded"));
    // Two columns, by county, JSON.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--also-by",
        "Hospital",
        "--also-by",
        "clinic",
        "--by",
        "county",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 4);
    let kalmar_med = rows
        .iter()
        .find(|r| r["Hospital"] == "Kalmar" && r["clinic"] == "Med")
        .unwrap();
    assert_eq!(
        (
            kalmar_med["county"].as_str(),
            kalmar_med["episodes"].as_u64()
        ),
        (Some("08"), Some(2))
    );
    assert!(rows.iter().any(|r| r["Hospital"].is_null()));
    // The parts add up to the group: the county's episodes and ready days without --also-by.
    let sum = |rows: &[serde_json::Value], k: &str| -> u64 {
        rows.iter().map(|r| r[k].as_u64().unwrap()).sum()
    };
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--by",
        "county",
        "--format",
        "json",
    ]);
    let whole: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let whole = whole.as_array().unwrap();
    assert_eq!(whole.len(), 1, "{whole:?}");
    for k in ["episodes", "day0", "ready_ge1", "ready_days"] {
        assert_eq!(sum(rows, k), sum(whole, k), "{k}");
    }
    assert_eq!(sum(rows, "episodes"), 5);
    // The table names the column.
    let o = utklar(&["indicators", "--episodes", &f, "--also-by", "Hospital"]);
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(
        t.lines().next().unwrap().contains("Hospital") && t.contains("Västervik"),
        "{t}"
    );
}

#[test]
fn a_workbook_gives_the_same_rows() {
    let f = dir().join("hospitals.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write(0, c as u16, h).unwrap();
    }
    for (r, row) in ROWS.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write(r as u32 + 1, c as u16, *cell).unwrap();
            }
        }
    }
    book.save(&f).unwrap();
    let o = utklar(&[
        "indicators",
        "--episodes",
        f.to_str().unwrap(),
        "--also-by",
        "hospital",
        "--format",
        "csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        CSV_OUT.replace("Hospital", "hospital")
    );
}

#[test]
fn unusable_also_by_columns_and_personal_numbers_are_refused() {
    let f = csv_file("refused");
    for (col, want) in [
        ("ward", "no column"),
        ("municipality", "a field of the episode"),
    ] {
        let o = utklar(&["indicators", "--episodes", &f, "--also-by", col]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--also-by") && err.contains(want), "{err}");
    }
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--also-by",
        "Hospital",
        "--wide",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let pnr = dir().join("pnr.csv");
    std::fs::write(
        &pnr,
        "episode_id,municipality,care_type,ready_at,discharged_at,hospital\n\
         e1,0880,somatic,2025-03-01,2025-03-03,19121212-1212\n",
    )
    .unwrap();
    let p = pnr.to_str().unwrap();
    let o = utklar(&["indicators", "--episodes", p, "--also-by", "hospital"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("hospital") && !err.contains("1212"), "{err}");
    let o = utklar(&[
        "indicators",
        "--episodes",
        p,
        "--also-by",
        "hospital",
        "--allow-personal-ids",
    ]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn suppression_blanks_small_parts_and_their_next_smallest_sibling() {
    let f = csv_file("suppressed");
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--also-by",
        "hospital",
        "--suppress-below",
        "2",
        "--format",
        "csv",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Västervik's one episode is blanked, and with it Kalmar's three (else 0880's total
    // minus Kalmar would give it away); 0881's only part has one episode.
    let header = CSV_OUT
        .lines()
        .next()
        .unwrap()
        .replace("Hospital", "hospital");
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        format!(
            "{header},suppressed\n\
             0880,Kalmar,somatic,2025-03,{blank}true\n\
             0880,Västervik,somatic,2025-03,{blank}true\n\
             0881,,somatic,2025-03,{blank}true\n",
            blank = ",".repeat(10)
        )
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--suppress-below 2: 3 row(s) suppressed"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // By county the parts are Kalmar län's: the blank hospital (0881's one episode) and
    // Västervik (one) are both under 2, so no third part needs to go: Kalmar's stays.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--also-by",
        "hospital",
        "--by",
        "county",
        "--suppress-below",
        "2",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows: Vec<(Option<&str>, bool, Option<u64>)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["hospital"].as_str(),
                r["suppressed"] == true,
                r["episodes"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (None, true, None),
            (Some("Kalmar"), false, Some(3)),
            (Some("Västervik"), true, None)
        ]
    );
    // Without small parts nothing is blanked, and the column says so.
    let o = utklar(&[
        "indicators",
        "--episodes",
        &f,
        "--also-by",
        "hospital",
        "--suppress-below",
        "1",
        "--format",
        "csv",
    ]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.lines().skip(1).all(|l| l.ends_with(",false")),
        "{text}"
    );
}
