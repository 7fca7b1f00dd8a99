//! `utklar census`, `utklar readmissions` and `utklar accuracy`: the core's further measures
//! (`utklar_core::extras`) over an episode file read through `utklar-csv`.

use std::io::Write;

use utklar_core::{extras, GroupBy, IndicatorOptions, PeriodKind};

use crate::fail::Failure;
use crate::input::EpisodeArgs;
use crate::output::{csv_num, opt, thousands, Format, Table};
use crate::payment::read_episodes;

/// Options of `utklar census`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar census --episodes export.csv --on 2025-12-31
  utklar census --episodes export.csv --on 2025-12-31 --format csv > waiting.csv

Every patient ready for discharge and still in hospital on the date: ready date on or before
it, and no discharge or a discharge after it; with the days waited (the date − the ready date).")]
pub struct CensusArgs {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// The census date, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    pub on: String,
    /// Stop at bad rows instead of leaving them out (exit status 1).
    #[arg(long)]
    pub strict: bool,
    /// table, csv or json (fields row, episode_id, municipality, care_type, ready_date,
    /// waited_days; row is the data row of the file, from 0).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `utklar readmissions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar readmissions --episodes export.csv
  utklar readmissions --episodes export.csv --by county --period quarter --format csv

The share of counted discharges (with a patient_id) followed by an admission (admitted_at) of
the same patient 0 to --window days after the discharge date, per group, care type and period
of discharge.")]
pub struct ReadmissionsArgs {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// Group by municipality, county or nation.
    #[arg(
        long,
        default_value_t = utklar_core::GroupBy::default(),
        value_name = "municipality|county|nation"
    )]
    pub by: GroupBy,
    /// Month, quarter or year of discharge.
    #[arg(long, default_value_t = utklar_core::IndicatorOptions::default().period, value_name = "month|quarter|year")]
    pub period: PeriodKind,
    /// The window in days after the discharge date.
    #[arg(
        long,
        default_value_t = extras::DEFAULT_READMISSION_WINDOW_DAYS,
        value_name = "DAYS",
        allow_negative_numbers = true
    )]
    pub window: i32,
    /// Stop at bad rows instead of leaving them out (exit status 1).
    #[arg(long)]
    pub strict: bool,
    /// table, csv or json (fields group, care_type, period, discharges, readmitted, share).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Options of `utklar accuracy`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  utklar accuracy --episodes export.csv --format json

How well the planned discharge date (planned_discharge_date, beräknad tidpunkt för utskrivning)
matched the ready date, over the counted episodes that carry one: the share planned exactly,
the mean absolute error and the mean signed error in days (positive: planned too late).")]
pub struct AccuracyArgs {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// Stop at bad rows instead of leaving them out (exit status 1).
    #[arg(long)]
    pub strict: bool,
    /// table, csv or json (fields episodes, exact_share, mean_abs_error_days, bias_days).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn core(e: &utklar_core::Error) -> Failure {
    Failure::usage(e.to_string())
}

/// Runs `utklar census`.
pub fn run_census(a: &CensusArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let on = match a.on.parse::<utklar_core::NoticeTime>() {
        Ok(t) if t.time.is_none() => t.date,
        _ => {
            return Err(Failure::usage(format!(
                "--on {}: not a date; use YYYY-MM-DD, e.g. 2025-12-31",
                a.on
            )))
        }
    };
    let (set, _) = read_episodes(&a.input, a.strict)?;
    let mut waiting = extras::census(set.episodes(), on).map_err(|e| core(&e))?;
    for w in &mut waiting {
        w.row = set.row_of(w.row);
    }
    match a.format {
        Format::Xlsx => return Err(crate::fail::no_xlsx()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &waiting)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record([
                "row",
                "episode_id",
                "municipality",
                "care_type",
                "ready_date",
                "waited_days",
            ])?;
            for x in &waiting {
                w.write_record([
                    x.row.to_string(),
                    x.episode_id.clone(),
                    x.municipality.to_string(),
                    x.care_type.to_string(),
                    x.ready_date.to_string(),
                    x.waited_days.to_string(),
                ])?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = Table::new(
                &[
                    "episode",
                    "municipality",
                    "care type",
                    "ready",
                    "waited days",
                ],
                &[false, false, false, false, true],
            );
            for x in &waiting {
                t.row(vec![
                    x.episode_id.clone(),
                    format!("{} {}", x.municipality, x.municipality.name()),
                    x.care_type.to_string(),
                    x.ready_date.to_string(),
                    x.waited_days.to_string(),
                ]);
            }
            t.write(out)?;
            writeln!(
                out,
                "\n{} waiting on {on}.",
                thousands(waiting.len() as u64)
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Runs `utklar readmissions`.
pub fn run_readmissions(a: &ReadmissionsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    #[derive(serde::Serialize)]
    struct Row {
        group: String,
        care_type: String,
        period: String,
        discharges: u64,
        readmitted: u64,
        share: Option<f64>,
    }
    let (set, _) = read_episodes(&a.input, a.strict)?;
    let opts = IndicatorOptions::default().period(a.period);
    let rows: Vec<Row> = extras::readmissions(set.episodes(), &opts, a.by, a.window)
        .map_err(|e| match e {
            // The core names the argument `window`; here it is the option.
            utklar_core::Error::InvalidArgument { message, .. } => {
                Failure::usage(format!("--window: {message}"))
            }
            e => core(&e),
        })?
        .into_iter()
        .map(|((p, g, c), r)| Row {
            group: g.to_string(),
            care_type: c.to_string(),
            period: p.to_string(),
            discharges: r.discharges,
            readmitted: r.readmitted,
            share: r.share,
        })
        .collect();
    match a.format {
        Format::Xlsx => return Err(crate::fail::no_xlsx()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record([
                "group",
                "care_type",
                "period",
                "discharges",
                "readmitted",
                "share",
            ])?;
            for r in &rows {
                w.write_record([
                    r.group.clone(),
                    r.care_type.clone(),
                    r.period.clone(),
                    r.discharges.to_string(),
                    r.readmitted.to_string(),
                    csv_num(r.share),
                ])?;
            }
            w.flush()?;
        }
        Format::Table => {
            let mut t = Table::new(
                &[
                    "group",
                    "care type",
                    "period",
                    "discharges",
                    "readmitted",
                    "share %",
                ],
                &[false, false, false, true, true, true],
            );
            for r in &rows {
                t.row(vec![
                    r.group.clone(),
                    r.care_type.clone(),
                    r.period.clone(),
                    thousands(r.discharges),
                    thousands(r.readmitted),
                    opt(r.share.map(|s| s * 100.0), 1),
                ]);
            }
            t.write(out)?;
            writeln!(
                out,
                "\nReadmitted: an admission of the same patient 0–{} days after the discharge date.",
                a.window
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Runs `utklar accuracy`.
pub fn run_accuracy(a: &AccuracyArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let (set, _) = read_episodes(&a.input, a.strict)?;
    let acc = extras::planned_accuracy(set.episodes(), &IndicatorOptions::default());
    match a.format {
        Format::Xlsx => return Err(crate::fail::no_xlsx()),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &acc)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut *out);
            w.write_record([
                "episodes",
                "exact_share",
                "mean_abs_error_days",
                "bias_days",
            ])?;
            w.write_record([
                acc.episodes.to_string(),
                csv_num(acc.exact_share),
                csv_num(acc.mean_abs_error_days),
                csv_num(acc.bias_days),
            ])?;
            w.flush()?;
        }
        Format::Table => {
            let mut t = Table::new(
                &["episodes", "exact %", "mean abs error days", "bias days"],
                &[true, true, true, true],
            );
            t.row(vec![
                thousands(acc.episodes),
                opt(acc.exact_share.map(|s| s * 100.0), 1),
                opt(acc.mean_abs_error_days, 2),
                opt(acc.bias_days, 2),
            ]);
            t.write(out)?;
        }
    }
    out.flush()?;
    Ok(())
}
