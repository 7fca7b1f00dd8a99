//! A generated year of Kalmar län: monthly indicators per municipality against the county's
//! 0.8-day indicator (mean days including day 0).
//!
//! Run with `cargo run --example kalmar_indicators -p utklar-core`.

use utklar_core::{indicators, synth, CareType, GroupBy, IndicatorOptions, Population};

fn main() -> Result<(), utklar_core::Error> {
    let episodes = synth::generate(&synth::SynthOptions::kalmar_year(2025));
    let report = indicators(
        &episodes,
        &IndicatorOptions::default(),
        GroupBy::Municipality,
        Some(&Population::builtin()),
        None,
    )?;
    println!("Kalmar län 2025 (generated), somatic care, per municipality and month");
    println!(
        "{:<8} {:<12} {:>8} {:>6} {:>9} {:>9} {:>10} {:>8}  vs 0.8",
        "period", "municipality", "episodes", "day0", "goal %", "mean", "mean incl0", "d/1000"
    );
    for r in report
        .rows
        .iter()
        .filter(|r| r.care_type == CareType::Somatic)
    {
        let name = match r.group {
            utklar_core::Group::Municipality(m) => m.name(),
            _ => "",
        };
        let incl = r.mean_days_incl_day0.unwrap_or(f64::NAN);
        println!(
            "{:<8} {:<12} {:>8} {:>6} {:>9.1} {:>9.1} {:>10.2} {:>8.0}  {}",
            r.period.to_string(),
            name,
            r.measures.episodes(),
            r.measures.day0,
            100.0 * r.goal_attainment.unwrap_or(f64::NAN),
            r.mean_days.unwrap_or(f64::NAN),
            incl,
            r.days_per_1000.unwrap_or(f64::NAN),
            if incl > 0.8 { "above" } else { "at or below" }
        );
    }
    let x = &report.exclusions;
    println!(
        "\n{} rows: {} counted, {} open, {} excluded ({})",
        x.rows_in,
        x.counted,
        x.open,
        x.excluded(),
        x.reasons()
            .map(|(r, n)| format!("{r}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}
