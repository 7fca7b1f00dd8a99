//! The Rust side of the cross-surface test (`tests/cross_surface/run.py`): reads a CSV file
//! with utklar-csv into the core's `EpisodeSet` and prints the canonical lines every surface
//! prints for the same file.
//!
//! ```text
//! cargo run -p utklar-csv --example cross_surface -- tests/cross_surface/episodes.csv statutory kalmar
//! ```

use std::process::ExitCode;

use utklar_core::payment::{counties, Agreement, Amounts, NATIONAL_AMOUNTS};
use utklar_core::{extras, Group, GroupBy, IndicatorOptions, Reason};

/// The census date of the `census` lines (every surface uses it).
const CENSUS_ON: &str = "2024-03-31";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cross_surface: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().ok_or("usage: cross_surface FILE PRESET...")?;
    let read = utklar_csv::read_episodes(path)?;
    let set = &read.set;

    let report = set.indicators(
        &IndicatorOptions::default(),
        GroupBy::Municipality,
        None,
        None,
    )?;
    let ex = &report.exclusions;
    println!(
        "account rows_in {} counted {} open {}",
        ex.rows_in, ex.counted, ex.open
    );
    for r in &report.rows {
        let Group::Municipality(m) = r.group else {
            continue;
        };
        println!(
            "indicator {m} {} {} {} {} {} {}",
            r.care_type,
            r.period,
            r.measures.episodes(),
            r.measures.day0,
            r.measures.ready_ge1,
            r.measures.ready_days
        );
    }
    for reason in Reason::ALL {
        let n = ex.count(reason);
        if n > 0 {
            println!("exclusion {reason} {n}");
        }
    }
    for p in &ex.problems {
        println!("problem {} {} {}", p.row, p.field, p.reason);
    }

    for c in counties() {
        println!(
            "county {} {} {} {} {}",
            c.county,
            c.model_str(),
            c.preset.unwrap_or("-"),
            c.county.name(),
            c.source
        );
    }
    for (year, ore, source) in NATIONAL_AMOUNTS {
        println!("amount {year} {ore} {source}");
    }
    let opts = IndicatorOptions::default();
    let on = CENSUS_ON.parse()?;
    for w in extras::census(set.episodes(), on)? {
        println!(
            "census {} {} {} {} {} {}",
            set.row_of(w.row),
            w.episode_id,
            w.municipality,
            w.care_type,
            w.ready_date,
            w.waited_days
        );
    }
    for ((p, g, c), r) in extras::readmissions(set.episodes(), &opts, GroupBy::Municipality, 30)
        .expect("a window in range")
    {
        println!("readmission {g} {c} {p} {} {}", r.discharges, r.readmitted);
    }
    for ((p, g, c), r) in extras::persons(set.episodes(), &opts, GroupBy::Municipality) {
        println!(
            "persons {g} {c} {p} {} {} {}",
            r.episodes, r.persons, r.without_patient_id
        );
    }
    let a = extras::planned_accuracy(set.episodes(), &opts);
    let f = |x: Option<f64>| x.map_or_else(|| "nan".to_string(), |x| format!("{x:.6}"));
    println!(
        "accuracy {} {} {} {}",
        a.episodes,
        f(a.exact_share),
        f(a.mean_abs_error_days),
        f(a.bias_days)
    );

    let presets = args[1..]
        .iter()
        .map(|p| Ok((p.as_str(), Agreement::preset(p)?)))
        .collect::<Result<Vec<_>, utklar_core::Error>>()?;
    if !presets.is_empty() {
        let c = set.compare(&presets, &Amounts::national())?;
        for r in &c.rows {
            let amounts: Vec<String> = r.amount_ore.iter().map(i64::to_string).collect();
            println!(
                "compare {} {} {} {}",
                r.municipality,
                r.care_type,
                r.period,
                amounts.join(" ")
            );
        }
    }
    for preset in &args[1..] {
        let inv = set.invoice(&Agreement::preset(preset)?, &Amounts::national())?;
        println!(
            "invoice {preset} summary {} {}",
            inv.episodes_in,
            inv.amount_ore()
        );
        for l in &inv.lines {
            println!(
                "invoice {preset} line {} {} {} {} {} {:.4} {} {}",
                l.episode_id.as_deref().unwrap_or(""),
                l.index.map_or(-1, |i| i as i64),
                l.municipality,
                l.care_type,
                l.period,
                l.billed_days,
                l.amount_ore,
                l.rule
            );
        }
        for t in &inv.totals {
            println!(
                "invoice {preset} total {} {} {} {:.4} {}",
                t.municipality, t.care_type, t.period, t.billed_days, t.amount_ore
            );
        }
        for n in &inv.not_billed {
            println!("invoice {preset} not_billed {} {}", n.index, n.reason);
        }
        // One row per input row: the indicators' counting and the invoice's answer.
        let agreement = Agreement::preset(preset)?;
        let amounts = Amounts::national();
        let x = set.explain(&IndicatorOptions::default(), Some((&agreement, &amounts)))?;
        let dash = |s: Option<String>| s.unwrap_or_else(|| "-".into());
        for r in &x.rows {
            println!(
                "explain {preset} {} {} {} {} {} {} {} {} {} {} {}",
                r.row,
                dash(r.municipality.map(|m| m.to_string())),
                dash(r.period.map(|p| p.to_string())),
                dash(r.ready_days.map(|d| d.to_string())),
                r.counting,
                dash(r.reason.map(|x| x.as_str().to_string())),
                dash(r.billing.map(|b| b.to_string())),
                dash(r.billed_days.map(|d| format!("{d:.4}"))),
                dash(r.amount_ore.map(|a| a.to_string())),
                dash(r.rule.map(|x| x.to_string())),
                dash(r.not_billed.map(|x| x.to_string())),
            );
        }
    }
    Ok(())
}
