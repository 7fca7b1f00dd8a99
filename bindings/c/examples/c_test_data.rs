//! Writes the data and the expected answers for the C test `test_core_equality.c`.
//!
//! `cargo run -p utklar-c --example c_test_data -- DIR` writes into DIR:
//!
//! - `episodes.tsv`: generated episodes (`utklar_core::synth`) with a few bad rows of the kinds
//!   the column engine excludes, one row per line, numeric columns (see `COLUMNS`);
//! - `expected_a.tsv`, `expected_b.tsv`, `expected_c.tsv`: the indicators the Rust core
//!   computes from those rows under three option sets (see `CONFIGS`), and the account of the
//!   rows;
//! - `invoice_statutory.tsv`, `invoice_kalmar.tsv`, `invoice_vgr.tsv`: the invoices the core
//!   computes for the readable rows under three presets, with the amounts of `AMOUNTS`. Rows
//!   are numbered as in `episodes.tsv`. Floating-point values are written in Rust's shortest round-trip form, so the C side
//!   reads back exactly the same doubles and compares with `==`.

use std::fmt::Write as _;
use std::path::PathBuf;

use utklar_core::engine::measure_columns;
use utklar_core::payment::{self, Agreement, Amounts};
use utklar_core::reference::Beds;
use utklar_core::synth::{self, SynthOptions};
use utklar_core::time::{date_of_day, NoticeTime, MIN_DAY, NO_DATE};
use utklar_core::validate::Reason;
use utklar_core::{
    County, Field, Group, GroupBy, IndicatorOptions, Mode, NegativeDays, Period, PeriodKind,
    Population, Problem,
};

/// The columns of `episodes.tsv`, in order.
const COLUMNS: &str = "municipality care_type ready_day ready_second discharge_day \
     discharge_second admitted_day admitted_second age admission_notice_sent sip_required \
     sip_called region_blocked episode_id patient_id";

/// The option sets compared: name, period, grouping, negative days, minimum age, population,
/// beds.
type Config = (
    &'static str,
    PeriodKind,
    GroupBy,
    NegativeDays,
    Option<u16>,
    bool,
    bool,
);

const CONFIGS: [Config; 3] = [
    (
        "a",
        PeriodKind::Month,
        GroupBy::Municipality,
        NegativeDays::Exclude,
        None,
        true,
        false,
    ),
    (
        "b",
        PeriodKind::Quarter,
        GroupBy::County,
        NegativeDays::Day0,
        Some(65),
        true,
        true,
    ),
    (
        "c",
        PeriodKind::Year,
        GroupBy::Nation,
        NegativeDays::Exclude,
        None,
        false,
        false,
    ),
];

/// The beds of every county in every quarter of 2025 used by config `b` (the C test sets the
/// same): 100 + the county code + the quarter / 4.
pub fn beds_of(county: u8, quarter: u32) -> f64 {
    100.0 + f64::from(county) + f64::from(quarter) / 4.0
}

/// Amounts per care day used for the invoices: the sourced national amounts and 2025 (an
/// illustrative figure; the C test sets the same).
pub const AMOUNT_2025_ORE: i64 = 1_200_000;

fn fmt_f(v: Option<f64>) -> String {
    v.map_or_else(|| "nan".to_string(), |x| format!("{x:?}"))
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: c_test_data DIR"));
    std::fs::create_dir_all(&dir).expect("create the output directory");

    let episodes = synth::generate(&SynthOptions {
        episodes: 20_000,
        ..SynthOptions::default()
    });
    let mut cols = synth::to_columns(&episodes);
    // Bad rows of the kinds the engine excludes, whichever entry point the rows come through.
    cols.municipality[5] = 9999; // unknown municipality
    cols.care_type[10] = 7; // unknown care type
    cols.ready_day[15] = MIN_DAY - 10; // ready date before 1990
    cols.ready_day[20] = NO_DATE; // missing ready date
    if cols.discharge_day[25] != NO_DATE {
        cols.admitted_day[25] = cols.discharge_day[25] + 1; // discharged before admission
        cols.admitted_second[25] = -1;
    }

    // The same rows as episode values, for the invoice: the four unreadable rows apart (a
    // lenient invoice accounts for them as the command line does), row 25's admission moved.
    let mut readable = Vec::new();
    let mut unreadable = Vec::new();
    for (row, e) in episodes.iter().enumerate() {
        if let Some(i) = [5, 10, 15, 20].iter().position(|&r| r == row) {
            let field = [
                Field::Municipality,
                Field::CareType,
                Field::ReadyAt,
                Field::ReadyAt,
            ][i];
            let reason = [
                Reason::UnknownMunicipality,
                Reason::UnknownCareType,
                Reason::DateOutOfRange,
                Reason::MissingField,
            ][i];
            unreadable.push((row, e.episode_id.clone(), Problem { row, field, reason }));
            continue;
        }
        let mut e = e.clone();
        if row == 25 && cols.discharge_day[25] != NO_DATE {
            e.admitted_at = Some(NoticeTime::date(date_of_day(cols.admitted_day[25])));
        }
        readable.push((row, e));
    }
    write_invoices(&dir, &readable, &unreadable);

    let mut tsv = format!("# {COLUMNS}\n");
    for (i, e) in episodes.iter().enumerate() {
        writeln!(
            tsv,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            cols.municipality[i],
            cols.care_type[i],
            cols.ready_day[i],
            cols.ready_second[i],
            cols.discharge_day[i],
            cols.discharge_second[i],
            cols.admitted_day[i],
            cols.admitted_second[i],
            cols.age[i],
            u8::from(e.admission_notice_sent),
            u8::from(e.sip_required),
            u8::from(e.sip_called),
            u8::from(e.region_blocked),
            e.episode_id,
            e.patient_id.as_deref().unwrap_or("-"),
        )
        .expect("write to a string");
    }
    std::fs::write(dir.join("episodes.tsv"), tsv).expect("write episodes.tsv");

    let population = Population::builtin();
    let mut beds = Beds::new();
    for county in County::all() {
        for q in 1..=4u32 {
            let p: Period = format!("2025-Q{q}").parse().expect("a quarter");
            beds.insert(county, p, beds_of(county.code(), q));
        }
    }
    for (name, period, by, negative_days, min_age, with_pop, with_beds) in CONFIGS {
        let opts = IndicatorOptions::default()
            .period(period)
            .negative_days(negative_days)
            .min_age(min_age)
            .mode(Mode::Lenient);
        let set = measure_columns(&cols.view(), &opts).expect("lenient mode does not fail");
        let report = set.indicators(
            by,
            with_pop.then_some(&population),
            with_beds.then_some(&beds),
        );
        let ex = &report.exclusions;
        assert!(ex.excluded() >= 5, "the bad rows are excluded");
        let mut out = format!(
            "exclusions\t{}\t{}\t{}\t{}\t{}",
            ex.rows_in,
            ex.counted,
            ex.open,
            ex.outside_age,
            ex.excluded()
        );
        for r in Reason::ALL {
            write!(out, "\t{}", ex.count(r)).expect("write to a string");
        }
        writeln!(out, "\nrows\t{}", report.rows.len()).expect("write to a string");
        for row in &report.rows {
            let code = match row.group {
                Group::Municipality(m) => m.code(),
                Group::County(c) => u16::from(c.code()),
                Group::Nation => 0,
            };
            let m = row.measures;
            writeln!(
                out,
                "{code}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                row.care_type as u8,
                row.period,
                m.episodes(),
                m.day0,
                m.ready_ge1,
                m.ready_days,
                fmt_f(row.goal_attainment),
                fmt_f(row.mean_days),
                fmt_f(row.mean_days_incl_day0),
                fmt_f(row.days_per_1000),
                fmt_f(row.occupied_beds),
                fmt_f(row.bed_share_pct),
                row.period.first_day(),
                row.period.days(),
            )
            .expect("write to a string");
        }
        std::fs::write(dir.join(format!("expected_{name}.tsv")), out).expect("write expected");
    }
}

/// Writes `invoice_NAME.tsv` for each preset compared.
fn write_invoices(
    dir: &std::path::Path,
    readable: &[(usize, utklar_core::Episode)],
    unreadable: &[(usize, String, Problem)],
) {
    let episodes: Vec<_> = readable.iter().map(|(_, e)| e.clone()).collect();
    let amounts = Amounts::national()
        .with(2025, AMOUNT_2025_ORE)
        .expect("a valid amount");
    for name in ["statutory", "kalmar", "vgr"] {
        let agreement = Agreement::preset(name).expect("a preset");
        let mut inv =
            payment::invoice(&episodes, &agreement, &amounts).expect("amounts for every year");
        // Not-billed episodes by their row in the input.
        let mut not_billed: Vec<(usize, String, String)> = inv
            .not_billed
            .iter()
            .map(|n| {
                (
                    readable[n.index].0,
                    n.episode_id.clone(),
                    n.reason.to_string(),
                )
            })
            .collect();
        for (row, id, problem) in unreadable {
            inv.add_unreadable(*row, Some(id), std::slice::from_ref(problem));
            let n = inv.not_billed.last().expect("just added");
            not_billed.push((*row, n.episode_id.clone(), n.reason.to_string()));
        }
        not_billed.sort();
        assert!(inv.balances());
        let row_of = |i: usize| readable[i].0;
        let mut out = format!(
            "summary\t{}\t{}\t{}\t{:?}\t{}\nlines\t{}\n",
            inv.episodes_in,
            inv.billed_episodes(),
            inv.not_billed.len(),
            inv.billed_days(),
            inv.amount_ore(),
            inv.lines.len()
        );
        for l in &inv.lines {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{:?}\t{}\t{}\t{}",
                l.index
                    .map_or_else(|| "-".to_string(), |i| row_of(i).to_string()),
                l.episode_id.as_deref().unwrap_or("-"),
                l.municipality.code(),
                l.care_type as u8,
                l.period,
                l.billed_days,
                l.amount_ore,
                l.rule,
                l.episodes
            )
            .expect("write to a string");
        }
        writeln!(out, "totals\t{}", inv.totals.len()).expect("write to a string");
        for t in &inv.totals {
            writeln!(
                out,
                "{}\t{}\t{}\t{:?}\t{}\t{}\t{}\t{}\t{}",
                t.municipality.code(),
                t.care_type as u8,
                t.period,
                t.billed_days,
                t.amount_ore,
                fmt_f(t.mean_days),
                fmt_f(t.threshold),
                t.triggered.map_or(-1, i32::from),
                t.episodes
            )
            .expect("write to a string");
        }
        writeln!(out, "not_billed\t{}", not_billed.len()).expect("write to a string");
        for (row, id, reason) in &not_billed {
            writeln!(out, "{row}\t{id}\t{reason}").expect("write to a string");
        }
        std::fs::write(dir.join(format!("invoice_{name}.tsv")), out).expect("write invoice");
    }
}
