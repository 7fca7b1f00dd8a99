//! `utklar report`: the report's model has the figures of `utklar indicators` and `utklar
//! invoice` on the same file, the rendered page shows them, and the exit statuses.

mod common;
use common::utklar;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;
use utklar_core::input::{EpisodeSet, Unreadable};
use utklar_core::payment::Agreement;
use utklar_core::{County, Population};
mod chart_check;
use chart_check::{charts_of, check_chart};
use utklar_report::{
    render_html, IndicatorLine, InvoicePart, Lang, Liability, NationComparison, Report,
    ReportOptions,
};

fn dir(test: &str) -> PathBuf {
    common::fresh_dir("utklar-report-tests", test)
}

fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(&utklar(args))).unwrap()
}

/// The file read as the command line reads it: every row, unreadable ones kept.
fn read_set(path: &Path) -> EpisodeSet {
    let mut input = utklar_csv::EpisodeInput::open(path, None).unwrap();
    let mut set = EpisodeSet::new();
    let mut row = 0;
    while let Some(item) = input.next_row().unwrap() {
        match item.result {
            Ok(e) => set.push_read(row, Ok(e)),
            Err(problems) => set.push_read(
                row,
                Err(Unreadable {
                    row,
                    episode_id: item.episode_id,
                    problems,
                }),
            ),
        }
        row += 1;
    }
    set
}

/// Two counties (Kalmar län with its preset, Gotland without one) for 2024.
fn two_counties(d: &Path) -> String {
    let f = d.join("ep.csv").display().to_string();
    ok(&utklar(&[
        "synth", "--county", "08", "--county", "09", "--year", "2024", "--seed", "7", "--output",
        &f,
    ]));
    f
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn find<'a>(
    rows: &'a [Value],
    key: &str,
    code: &str,
    care: &str,
    period: &str,
) -> Option<&'a Value> {
    rows.iter().find(|r| {
        r[key].as_str() == Some(code)
            && r["care_type"].as_str() == Some(care)
            && r["period"].as_str() == Some(period)
    })
}

fn same_row(model: &utklar_core::IndicatorRow, cli: &Value) {
    assert_eq!(model.measures.episodes(), cli["episodes"].as_u64().unwrap());
    assert_eq!(model.measures.day0, cli["day0"].as_u64().unwrap());
    assert_eq!(
        model.measures.ready_days,
        cli["ready_days"].as_u64().unwrap()
    );
    assert_eq!(model.goal_attainment, num(&cli["goal_attainment"]));
    assert_eq!(model.mean_days, num(&cli["mean_days"]));
    assert_eq!(model.mean_days_incl_day0, num(&cli["mean_days_incl_day0"]));
    assert_eq!(model.days_per_1000, num(&cli["days_per_1000"]));
    assert_eq!(model.occupied_beds, num(&cli["occupied_beds"]));
}

#[test]
fn the_model_has_the_figures_of_indicators_and_invoice() {
    let d = dir("figures");
    let f = two_counties(&d);
    let by_muni = json(&[
        "indicators",
        "--episodes",
        &f,
        "--population",
        "builtin",
        "--format",
        "json",
    ]);
    let by_county = json(&[
        "indicators",
        "--episodes",
        &f,
        "--population",
        "builtin",
        "--by",
        "county",
        "--format",
        "json",
    ]);
    let muni_rows = by_muni.as_array().unwrap();
    let county_rows = by_county.as_array().unwrap();
    let set = read_set(Path::new(&f));
    for (code, agreement) in [(8u8, "kalmar"), (9, "statutory")] {
        let county = County::new(code).unwrap();
        let mut opts = ReportOptions::new(county);
        assert_eq!(
            opts.agreement.name, agreement,
            "the county's default agreement"
        );
        opts.amounts = opts.amounts.with(2023, 1_160_000).unwrap();
        opts.population = Some(Population::builtin());
        opts.month = Some("2024-06".parse().unwrap());
        let r = Report::build(&set, &opts).unwrap();
        assert_eq!(r.months.first().unwrap().to_string(), "2023-07");
        assert_eq!(r.months.last().unwrap().to_string(), "2024-06");
        for c in &r.care {
            let care = c.care_type.as_str();
            assert!(c.has_data());
            for (m, row) in &c.table {
                let cli = find(muni_rows, "municipality", &m.to_string(), care, "2024-06");
                match (row, cli) {
                    (Some(row), Some(cli)) => same_row(row, cli),
                    (None, None) => {}
                    other => panic!("{m} {care}: {other:?}"),
                }
            }
            let cli = find(county_rows, "county", &county.to_string(), care, "2024-06").unwrap();
            same_row(c.county_row.as_ref().unwrap(), cli);
            assert!(matches!(
                c.nation,
                NationComparison::NotCovered { counties: 2 }
            ));
            // The charts' twelve months: the agreement's mean (Kalmar: incl. day 0) or the
            // national definition, per municipality and for the county.
            let field = match c.indicator {
                IndicatorLine::Threshold(t) => {
                    assert_eq!(t, 0.8);
                    "mean_days_incl_day0"
                }
                IndicatorLine::CountyMean => "mean_days",
            };
            for s in &c.series {
                for (p, v) in r.months.iter().zip(&s.values) {
                    let cli = find(
                        muni_rows,
                        "municipality",
                        &s.municipality.to_string(),
                        care,
                        &p.to_string(),
                    );
                    assert_eq!(
                        *v,
                        cli.and_then(|x| num(&x[field])),
                        "{} {p}",
                        s.municipality
                    );
                }
            }
            for (p, v) in r.months.iter().zip(&c.county_series) {
                let cli = find(
                    county_rows,
                    "county",
                    &county.to_string(),
                    care,
                    &p.to_string(),
                );
                assert_eq!(*v, cli.and_then(|x| num(&x[field])));
            }
        }
        // The invoice: the county's totals are those of `utklar invoice` on the whole file.
        let inv = json(&[
            "invoice",
            "--episodes",
            &f,
            "--agreement",
            agreement,
            "--amount",
            "2023=11600",
            "--format",
            "json",
        ]);
        let totals = inv["totals"].as_array().unwrap();
        let lines = inv["lines"].as_array().unwrap();
        let InvoicePart::Made { care, .. } = &r.invoice else {
            panic!("no invoice")
        };
        let mut priced = 0;
        for c in care {
            let ct = c.care_type.as_str();
            let period = c.period.to_string();
            let expected_period = match (agreement, ct) {
                ("kalmar", "psychiatric") => "2024-Q2",
                _ => "2024-06",
            };
            assert_eq!(period, expected_period);
            let mut days = 0.0;
            let mut ore = 0;
            for row in &c.rows {
                let cli = find(
                    totals,
                    "municipality",
                    &row.municipality.to_string(),
                    ct,
                    &period,
                );
                match (&row.total, cli) {
                    (Some(t), Some(cli)) => {
                        assert_eq!(t.billed_days, cli["billed_days"].as_f64().unwrap());
                        assert_eq!(t.amount_ore, cli["amount_ore"].as_i64().unwrap());
                        assert_eq!(t.mean_days, num(&cli["mean_days"]));
                        assert_eq!(t.triggered, cli["triggered"].as_bool());
                        match row.liability {
                            Liability::Liable { .. } => assert_eq!(t.triggered, Some(true)),
                            Liability::NotLiable { .. } => assert_eq!(t.triggered, Some(false)),
                            Liability::Individual => assert_eq!(t.triggered, None),
                            Liability::NoEpisodes => panic!("a total without episodes"),
                        }
                        days += t.billed_days;
                        ore += t.amount_ore;
                        priced += usize::from(t.amount_ore > 0);
                    }
                    (None, None) => assert_eq!(row.liability, Liability::NoEpisodes),
                    other => panic!("{} {ct}: {other:?}", row.municipality),
                }
            }
            assert_eq!((c.billed_days, c.amount_ore), (days, ore));
            let billed = lines
                .iter()
                .filter(|l| {
                    l["care_type"].as_str() == Some(ct)
                        && l["period"].as_str() == Some(period.as_str())
                        && l["municipality"]
                            .as_str()
                            .is_some_and(|m| m.starts_with(&format!("{code:02}")))
                })
                .count() as u64;
            assert_eq!(c.billed_episodes, billed);
            // Every valid closed episode of the period is billed or not billed for a reason
            // (the core's totals count them; bad data is in no total).
            let closed: u64 = c
                .rows
                .iter()
                .filter_map(|r| r.total.as_ref())
                .map(|t| t.episodes)
                .sum();
            let not_billed: u64 = c
                .not_billed
                .iter()
                .filter(|(reason, _)| !reason.is_bad_data())
                .map(|(_, n)| n)
                .sum();
            assert!(closed > 0);
            assert_eq!(c.billed_episodes + not_billed, closed, "{agreement} {ct}");
        }
        assert!(priced > 0, "{agreement}: something is billed");
    }
}

#[test]
fn the_rendered_page_shows_the_model() {
    let d = dir("page");
    let f = two_counties(&d);
    let out = d.join("r.html");
    let o = utklar(&[
        "report",
        "--episodes",
        &f,
        "--county",
        "08",
        "--month",
        "2024-06",
        "--population",
        "builtin",
        "--amount",
        "2023=11600",
        "--output",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    let html = fs::read_to_string(&out).unwrap();
    let set = read_set(Path::new(&f));
    let mut opts = ReportOptions::new(County::new(8).unwrap());
    opts.amounts = opts.amounts.with(2023, 1_160_000).unwrap();
    opts.population = Some(Population::builtin());
    opts.month = Some("2024-06".parse().unwrap());
    let r = Report::build(&set, &opts).unwrap();
    assert_eq!(html, render_html(&r), "the command writes the model's page");
    assert!(html.contains("Kalmar län juni 2024"));
    assert!(html.contains("Somatisk vård"));
    let county = r.care[0].county_row.as_ref().unwrap();
    let l = Lang::Sv;
    for cell in [
        l.count(county.measures.episodes()),
        l.opt(county.mean_days_incl_day0, 2),
        l.percent(county.goal_attainment),
    ] {
        assert!(html.contains(&format!(">{cell}</td>")), "{cell}");
    }
    assert!(
        l.count(county.measures.episodes()).contains('\u{202F}')
            || county.measures.episodes() < 1000
    );
    let InvoicePart::Made { care, .. } = &r.invoice else {
        panic!("the demo's amounts make an invoice: {:?}", r.invoice);
    };
    assert!(html.contains(&l.kronor(care[0].amount_ore)));
    assert!(html.contains("data-covered=\"false\""));
    assert!(html.contains("kan inte jämföras"));
    // Nothing fetched: no external reference at all.
    let bare = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for bad in [
        "http:", "https:", "<script", "<link", "@import", "url(", "<img",
    ] {
        assert!(!bare.contains(bad), "{bad}");
    }
    // Every chart has a title, both axes and the indicator line.
    let charts = charts_of(&html);
    assert_eq!(charts.len(), 24, "12 municipalities × 2 care types");
    for c in &charts {
        check_chart(c);
    }
    // English.
    let en = d.join("en.html");
    ok(&utklar(&[
        "report",
        "--episodes",
        &f,
        "--county",
        "Kalmar län",
        "--lang",
        "en",
        "--amount",
        "2023=11600",
        "--output",
        en.to_str().unwrap(),
    ]));
    let en = fs::read_to_string(en).unwrap();
    assert!(
        en.contains("Somatic care")
            && en.contains("December 2024")
            && !en.contains("Somatisk vård")
    );
}

#[test]
fn a_county_without_data_in_the_month_says_so() {
    let d = dir("nodata");
    let f = two_counties(&d);
    let out = d.join("b.html");
    ok(&utklar(&[
        "report",
        "--episodes",
        &f,
        "--county",
        "10",
        "--amount",
        "2023=11600",
        "--output",
        out.to_str().unwrap(),
    ]));
    let html = fs::read_to_string(out).unwrap();
    assert!(html.contains("data-nodata=\"county\""));
    assert!(
        html.contains("data-nodata=\"somatic\"") && html.contains("data-nodata=\"psychiatric\"")
    );
    assert!(html.contains("Blekinge län har inga utskrivna vårdtillfällen"));
    assert!(!html.contains("<svg"), "no empty charts");
}

#[test]
fn unknown_county_and_month_outside_the_data_exit_2_naming_them() {
    let d = dir("exit");
    let f = two_counties(&d);
    for name in ["Västra Götaland", "gotlands län", "KALMAR"] {
        let out = d.join("n.html");
        let o = utklar(&[
            "report",
            "--episodes",
            &f,
            "--county",
            name,
            "--amount",
            "2023=11600",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{name}");
    }
    let o = utklar(&["report", "--episodes", &f, "--county", "99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--county 99: no such county"));
    let o = utklar(&[
        "report",
        "--episodes",
        &f,
        "--county",
        "08",
        "--month",
        "2026-01",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("2026-01") && e.contains("outside the data"),
        "{e}"
    );
    let o = utklar(&[
        "report",
        "--episodes",
        &f,
        "--county",
        "08",
        "--month",
        "2024-13",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--month 2024-13"));
    // A quarter is a period, but not a month.
    let o = utklar(&[
        "report",
        "--episodes",
        &f,
        "--county",
        "08",
        "--month",
        "2024-Q2",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--month 2024-Q2: not a month"));
}

#[test]
fn a_missing_amount_empties_the_invoice_section_only() {
    let d = dir("amount");
    let f = two_counties(&d);
    let out = d.join("m.html");
    let o = utklar(&[
        "report",
        "--episodes",
        &f,
        "--county",
        "08",
        "--output",
        out.to_str().unwrap(),
    ]);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no amount per care day for 2023"));
    let html = fs::read_to_string(out).unwrap();
    assert!(html.contains("data-nodata=\"amount\"") && html.contains("--amount 2023=KRONOR"));
    assert!(html.contains("<svg"), "the rest of the report is there");
}

#[test]
fn a_national_file_compares_with_the_nation() {
    let d = dir("nation");
    let f = d.join("n.csv").display().to_string();
    ok(&utklar(&[
        "synth",
        "--episodes",
        "40000",
        "--year",
        "2024",
        "--months",
        "2",
        "--seed",
        "3",
        "--output",
        &f,
    ]));
    let nation = json(&[
        "indicators",
        "--episodes",
        &f,
        "--by",
        "nation",
        "--format",
        "json",
    ]);
    let set = read_set(Path::new(&f));
    let mut opts = ReportOptions::new(County::new(14).unwrap());
    opts.agreement = Agreement::statutory();
    opts.amounts = opts.amounts.with(2023, 1_160_000).unwrap();
    opts.suppress_below = Some(5);
    let r = Report::build(&set, &opts).unwrap();
    assert_eq!(
        r.month.to_string(),
        "2024-02",
        "the latest month by default"
    );
    assert_eq!(r.care[0].series.len(), 49, "Västra Götaland");
    let rows = nation.as_array().unwrap();
    let cli = rows
        .iter()
        .find(|x| x["care_type"] == "somatic" && x["period"] == "2024-02")
        .unwrap();
    match r.care[0].nation {
        NationComparison::Covered { nation, county } => {
            assert_eq!(nation, num(&cli["goal_attainment"]));
            assert_eq!(
                county,
                r.care[0].county_row.as_ref().unwrap().goal_attainment
            );
        }
        other @ NationComparison::NotCovered { .. } => panic!("{other:?}"),
    }
    let html = render_html(&r);
    assert!(html.contains("data-covered=\"true\""));
    assert!(
        html.contains("class=\"grid many\""),
        "49 small multiples in five columns"
    );
    // Suppression blanks the small rows and marks them.
    assert!(r.suppressed.is_some_and(|(k, _)| k == 5));
    let mut suppressed = 0;
    for c in &r.care {
        for (_, row) in &c.table {
            if let Some(row) = row {
                assert!(row.suppressed || row.measures.episodes() >= 5);
                suppressed += usize::from(row.suppressed);
            }
        }
    }
    assert!(suppressed > 0, "some municipality row is suppressed");
}

/// A CSV file is read on two threads into values (no episode made but the county's): the page
/// is byte for byte the one `Report::build` renders from the file's data set, with bad rows and
/// a repeated id in it, on one thread and on two.
#[test]
fn the_page_of_a_file_is_the_page_of_its_data_set() {
    let d = dir("same-page");
    let f = two_counties(&d);
    let mut text = fs::read_to_string(&f).unwrap();
    let second = text.lines().nth(1).unwrap().to_string();
    text.push_str(&second); // a repeated id
    text.push('\n');
    text.push_str("bad1,,0880,somatic,,2024-13-01,2024-06-02,,,,,,,\n");
    text.push_str("bad2,,0999,somatic,,2024-06-01,2024-06-02,,,,,,,\n");
    fs::write(&f, text).unwrap();
    let set = read_set(Path::new(&f));
    assert_eq!(set.unreadable().len(), 3);
    let mut opts = ReportOptions::new(County::new(8).unwrap());
    opts.month = Some("2024-06".parse().unwrap());
    opts.amounts = opts.amounts.with(2023, 11_000).unwrap();
    let model = Report::build(&set, &opts).unwrap();
    assert!(
        matches!(model.invoice, InvoicePart::Made { .. }),
        "an invoice to compare"
    );
    let expect = render_html(&model);
    for threads in ["1", "2"] {
        let out = d.join(format!("r{threads}.html"));
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_utklar"))
            .env("UTKLAR_THREADS", threads)
            .args([
                "report",
                "--episodes",
                &f,
                "--county",
                "08",
                "--month",
                "2024-06",
                "--amount",
                "2023=11000",
                "--output",
                out.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        ok(&o);
        assert!(
            fs::read_to_string(&out).unwrap() == expect,
            "UTKLAR_THREADS={threads}"
        );
    }
}
