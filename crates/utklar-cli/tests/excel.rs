//! Spreadsheets and compressed files in, spreadsheets out: the same rows from `.csv`,
//! `.csv.gz` and `.xlsx` give the same answers, and the `.xlsx` utklar writes reads back with
//! real numbers and dates.

mod common;
use common::utklar;
use std::fmt::Write as _;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, Workbook};

fn dir(test: &str) -> PathBuf {
    common::fresh_dir("utklar-excel-tests", test)
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "status {:?}\nstderr: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// One episode row: the same facts written as CSV text and as typed cells.
struct Ep {
    id: String,
    muni: u16,
    care: &'static str,
    /// Day number (days since 1970-01-01) of the admission.
    admitted: i32,
    /// Day number and optional minute of the day of the ready notice.
    ready: (i32, Option<u32>),
    discharged: Option<i32>,
    age: u16,
    notice: bool,
}

const MUNIS: [u16; 4] = [880, 881, 882, 840];
/// 2025-01-06 as a day number.
const START: i32 = 20_094;
/// The serial of 1970-01-01 in Excel's 1900 date system.
const SERIAL_1970: f64 = 25_569.0;

fn episodes() -> Vec<Ep> {
    (0..80)
        .map(|i: i32| {
            let ready = START + (i * 3) % 150;
            let stay = (i * 7) % 9 - 1; // some -1: negative days, excluded by the core
            Ep {
                id: format!("e{i}"),
                muni: MUNIS[(i as usize) % 4],
                care: if i % 5 == 0 { "psychiatric" } else { "somatic" },
                admitted: ready - 4,
                ready: (ready, (i % 3 == 0).then_some(((i * 37) % 1440) as u32)),
                discharged: (i % 11 != 0).then_some(ready + stay),
                age: 60 + (i % 35) as u16,
                notice: i % 13 != 0,
            }
        })
        .collect()
}

fn date_text(day: i32) -> String {
    chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
        .unwrap()
        .checked_add_signed(chrono::TimeDelta::days(i64::from(day)))
        .unwrap()
        .format("%Y-%m-%d")
        .to_string()
}

const HEADER: [&str; 8] = [
    "episode_id",
    "municipality",
    "care_type",
    "admitted_at",
    "ready_at",
    "discharged_at",
    "age",
    "admission_notice_sent",
];

fn csv_text(eps: &[Ep]) -> String {
    let mut s = HEADER.join(",") + "\n";
    for e in eps {
        let ready = match e.ready.1 {
            Some(m) => format!("{} {:02}:{:02}", date_text(e.ready.0), m / 60, m % 60),
            None => date_text(e.ready.0),
        };
        let _ = writeln!(
            s,
            "{},{:04},{},{},{},{},{},{}",
            e.id,
            e.muni,
            e.care,
            date_text(e.admitted),
            ready,
            e.discharged.map(date_text).unwrap_or_default(),
            e.age,
            e.notice
        );
    }
    s
}

/// The rows as a workbook: real date and date-time cells (serials with a date format),
/// municipality codes as numbers (880) in some rows and as text ("0880") in others, ages as
/// numbers, booleans as booleans, on a second sheet named Export after a cover sheet.
fn workbook(eps: &[Ep], path: &Path) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let cover = book.add_worksheet().set_name("Om rapporten").unwrap();
    cover.write(0, 0, "Utskrivningsklara, export").unwrap();
    let s = book.add_worksheet().set_name("Export").unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        s.write(0, c as u16, *h).unwrap();
    }
    for (r, e) in eps.iter().enumerate() {
        let r = r as u32 + 1;
        s.write(r, 0, e.id.as_str()).unwrap();
        if r % 2 == 0 {
            s.write(r, 1, u32::from(e.muni)).unwrap();
        } else {
            s.write(r, 1, format!("{:04}", e.muni)).unwrap();
        }
        s.write(r, 2, e.care).unwrap();
        s.write_number_with_format(r, 3, f64::from(e.admitted) + SERIAL_1970, &date)
            .unwrap();
        match e.ready.1 {
            Some(m) => s
                .write_number_with_format(
                    r,
                    4,
                    f64::from(e.ready.0) + SERIAL_1970 + f64::from(m) / 1440.0,
                    &datetime,
                )
                .unwrap(),
            None => s
                .write_number_with_format(r, 4, f64::from(e.ready.0) + SERIAL_1970, &date)
                .unwrap(),
        };
        if let Some(d) = e.discharged {
            s.write_number_with_format(r, 5, f64::from(d) + SERIAL_1970, &date)
                .unwrap();
        }
        s.write(r, 6, u32::from(e.age)).unwrap();
        s.write(r, 7, e.notice).unwrap();
    }
    book.save(path).unwrap();
}

fn gzip(text: &str, path: &Path) {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    // Named .dat: the kind is told by the bytes, not the name.
    fs::write(path, gz.finish().unwrap()).unwrap();
}

#[test]
fn csv_gzip_and_xlsx_give_the_same_answers() {
    let d = dir("same");
    let eps = episodes();
    let csv = d.join("export.csv");
    fs::write(&csv, csv_text(&eps)).unwrap();
    let gz = d.join("export.dat");
    gzip(&csv_text(&eps), &gz);
    let xlsx = d.join("export.xlsx");
    workbook(&eps, &xlsx);
    let csv = csv.to_str().unwrap();
    let gz = gz.to_str().unwrap();
    let xlsx = xlsx.to_str().unwrap();

    let runs: [&[&str]; 4] = [
        &["indicators", "--population", "builtin", "--format", "csv"],
        &["indicators", "--by", "county", "--period", "quarter"],
        &[
            "invoice",
            "--agreement",
            "kalmar",
            "--amount",
            "2025=10900",
            "--format",
            "csv",
        ],
        &[
            "invoice",
            "--agreement",
            "kalmar",
            "--amount",
            "2025=10900",
            "--format",
            "json",
        ],
    ];
    for args in runs {
        let with = |file: &str, sheet: Option<&str>| {
            let mut a: Vec<&str> = args.to_vec();
            a.extend(["--episodes", file]);
            if let Some(s) = sheet {
                a.extend(["--sheet", s]);
            }
            ok(&utklar(&a))
        };
        let from_csv = with(csv, None);
        assert!(from_csv.lines().count() > 3, "{from_csv}");
        assert_eq!(with(gz, None), from_csv, "gzip: {args:?}");
        assert_eq!(with(xlsx, Some("export")), from_csv, "xlsx: {args:?}");
    }
    // The first sheet is the cover: no episode columns there.
    let o = utklar(&["indicators", "--episodes", xlsx]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no header row"));
}

#[test]
fn problems_name_the_sheet_row_and_column() {
    let d = dir("places");
    let mut eps = episodes();
    eps.truncate(5);
    eps[3].muni = 999; // unknown code, row 5 of the sheet (header is row 1)
    let xlsx = d.join("export.xlsx");
    workbook(&eps, &xlsx);
    let o = utklar(&[
        "validate",
        "--episodes",
        xlsx.to_str().unwrap(),
        "--sheet",
        "Export",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("sheet row"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("unknown_municipality"))
        .expect("the problem is listed");
    assert!(line.trim_start().starts_with("5 "), "{line}");
    assert!(line.contains("municipality (B)"), "{line}");

    let o = utklar(&[
        "indicators",
        "--episodes",
        xlsx.to_str().unwrap(),
        "--sheet",
        "Export",
        "--strict",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("sheet Export, row 5, column B (data row 3)"),
        "{err}"
    );
    // Nothing of the cell is repeated.
    assert!(!err.contains("999"), "{err}");
}

#[test]
fn files_utklar_cannot_read_are_named() {
    let d = dir("kinds");
    let parquet = d.join("export.parquet");
    fs::write(&parquet, b"PAR1\x15\x04\x15\x10\x15\x14").unwrap();
    let o = utklar(&["indicators", "--episodes", parquet.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("export.parquet: is a Parquet file; save it as CSV or xlsx"),
        "{err}"
    );

    let xlsx = d.join("export.xlsx");
    workbook(&episodes(), &xlsx);
    let o = utklar(&[
        "validate",
        "--episodes",
        xlsx.to_str().unwrap(),
        "--sheet",
        "Blad9",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("has no sheet `Blad9` (its sheets: Om rapporten, Export)"),
        "{err}"
    );

    let csv = d.join("export.csv");
    fs::write(&csv, csv_text(&episodes())).unwrap();
    let o = utklar(&[
        "validate",
        "--episodes",
        csv.to_str().unwrap(),
        "--sheet",
        "Export",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a CSV file, which has no sheets"));

    // A population file as a workbook: codes as numbers.
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (c, h) in ["municipality", "year", "pop_total", "pop_65plus"]
        .iter()
        .enumerate()
    {
        s.write(0, c as u16, *h).unwrap();
    }
    for (r, m) in MUNIS.iter().enumerate() {
        let r = r as u32 + 1;
        s.write(r, 0, format!("{m:04}")).unwrap();
        s.write(r, 1, 2025).unwrap();
        s.write(r, 2, 20_000 + r * 1000).unwrap();
        s.write(r, 3, 5_000).unwrap();
    }
    let pop = d.join("pop.xlsx");
    book.save(&pop).unwrap();
    let out = ok(&utklar(&[
        "indicators",
        "--episodes",
        csv.to_str().unwrap(),
        "--population",
        pop.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["days_per_1000"].is_number()));
}

/// Reads a written workbook's sheet.
fn read_sheet(path: &Path, sheet: &str) -> calamine::Range<Data> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    book.worksheet_range(sheet).unwrap()
}

#[test]
fn xlsx_readers_are_the_ones_of_the_library() {
    // The test's own reader sees the date cells the writer made as dates.
    let d = dir("reader");
    let xlsx = d.join("export.xlsx");
    workbook(&episodes(), &xlsx);
    let r = read_sheet(&xlsx, "Export");
    assert!(matches!(r.get((1, 3)), Some(Data::DateTime(_))));
    assert_eq!(r.get((1, 1)), Some(&Data::String("0880".into())));
    assert_eq!(r.get((2, 1)), Some(&Data::Float(881.0)));
}

#[test]
fn xlsx_output_reads_back_with_numbers_and_headers() {
    let d = dir("out");
    let csv = d.join("export.csv");
    fs::write(&csv, csv_text(&episodes())).unwrap();
    let csv = csv.to_str().unwrap();
    let ind = d.join("ind.xlsx");
    ok(&utklar(&[
        "indicators",
        "--episodes",
        csv,
        "--format",
        "xlsx",
        "--output",
        ind.to_str().unwrap(),
        "--lang",
        "sv",
    ]));
    let r = read_sheet(&ind, "Indikatorer");
    assert_eq!(r.get((0, 0)), Some(&Data::String("Kommun".into())));
    assert_eq!(r.get((0, 9)), Some(&Data::String("Medel dagar".into())));
    assert_eq!(r.get((1, 0)), Some(&Data::String("0840".into())));
    assert!(matches!(r.get((1, 4)), Some(Data::Float(n)) if *n >= 1.0));
    assert!(matches!(r.get((1, 8)), Some(Data::Float(g)) if (0.0..=1.0).contains(g)));
    // The same figures as the CSV output.
    let plain = ok(&utklar(&[
        "indicators",
        "--episodes",
        csv,
        "--format",
        "csv",
    ]));
    let first: Vec<&str> = plain.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(r.get((1, 9)), Some(&Data::Float(first[8].parse().unwrap())));

    let inv = d.join("inv.xlsx");
    ok(&utklar(&[
        "invoice",
        "--episodes",
        csv,
        "--agreement",
        "kalmar",
        "--amount",
        "2025=10900",
        "--format",
        "xlsx",
        "--output",
        inv.to_str().unwrap(),
    ]));
    let mut book = calamine::open_workbook_auto(&inv).unwrap();
    assert_eq!(book.sheet_names(), ["Totals", "Lines", "Not billed"]);
    let t = book.worksheet_range("Totals").unwrap();
    assert_eq!(t.get((0, 5)), Some(&Data::String("amount_ore".into())));
    assert!(matches!(t.get((1, 5)), Some(Data::Float(_))));

    let o = utklar(&["indicators", "--episodes", csv, "--format", "xlsx"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--output FILE.xlsx"));

    let sv = ok(&utklar(&[
        "indicators",
        "--episodes",
        csv,
        "--format",
        "csv",
        "--csv-dialect",
        "excel-sv",
    ]));
    assert!(sv.starts_with('\u{feff}'));
    let line = sv.lines().nth(1).unwrap();
    assert!(
        line.contains(';') && line.contains(',') && !line.contains('.'),
        "{line}"
    );
}
