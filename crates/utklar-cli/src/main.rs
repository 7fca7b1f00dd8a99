//! `utklar`: indicators, invoices and validation for Swedish hospital patients ready for
//! discharge (*utskrivningsklara patienter*), from CSV files.
//!
//! The command line holds no domain logic: it reads files, calls `utklar-core`, and writes
//! tables, CSV or JSON. See `utklar --help`.
#![deny(missing_docs)]

mod demo;
mod explain;
mod extras;
mod fail;
mod indicators;
mod input;
mod output;
mod payment;
mod report;
mod sheetout;
mod stream;
mod synth;
mod validate;
mod wide;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::fail::Failure;

/// utklar: statistics and municipal payments for hospital patients ready for discharge
/// (utskrivningsklara patienter), under the Discharge Act (SFS 2017:612).
#[derive(Debug, Parser)]
#[command(
    name = "utklar",
    version,
    about = "Statistics and municipal payments for hospital patients ready for discharge (utskrivningsklara patienter)",
    after_help = "\
Start with `utklar demo`: a generated year of Kalmar län, no files needed.
On your own export (CSV with episode_id, municipality, care_type, ready_at, discharged_at …):
  utklar validate   --episodes export.csv
  utklar indicators --episodes export.csv --population builtin
  utklar invoice    --episodes export.csv --agreement kalmar

Exit status: 0 success; 1 the data has problems (validate, or --strict); 2 unusable arguments
or files."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A generated year of Kalmar län: monthly indicators per municipality against the
    /// county's 0.8-day indicator, goal attainment beside the nation, and the invoices under
    /// the Kalmar agreement and the law's default. No arguments needed.
    Demo(demo::Args),
    /// The national indicators (goal attainment, mean days, days per 1 000 inhabitants,
    /// occupied beds, bed share) per municipality, county or nation and month, quarter or year.
    Indicators(indicators::Args),
    /// The invoice of an agreement (a preset such as kalmar or statutory, or your own TOML):
    /// billed days and amounts per municipality and period, and why the rest was not billed.
    Invoice(payment::InvoiceArgs),
    /// The county's monthly follow-up report as one self-contained HTML file: twelve months
    /// of mean ready days per municipality against the county's indicator, the month's
    /// indicators, goal attainment beside the nation, the month's invoice, the definitions.
    Report(report::Args),
    /// Several agreements over the same episodes, side by side (what-if).
    Compare(payment::CompareArgs),
    /// List the preset agreements, or print one as TOML to start your own from; with
    /// --counties, the 21 counties with their model family, preset and source.
    Presets(payment::PresetsArgs),
    /// The built-in national amounts per care day, by year, with their sources.
    Amounts(payment::AmountsArgs),
    /// The patients ready for discharge and still in hospital on a date (--on DATE).
    Census(extras::CensusArgs),
    /// 30-day readmissions per group, care type and period of discharge.
    Readmissions(extras::ReadmissionsArgs),
    /// Planned-date accuracy: how well the planned discharge date matched the ready date.
    Accuracy(extras::AccuracyArgs),
    /// One row per input row: whether and why it counts in the indicators and, under an
    /// agreement, its billed days, amount and rule, or why it is not billed.
    Explain(explain::Args),
    /// Check every row of an episode file and list each problem with its line, column and
    /// reason.
    Validate(validate::Args),
    /// Write a generated episode file (seeded, reproducible) with the standard columns.
    Synth(synth::Args),
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match &cli.command {
        Command::Demo(a) => demo::run(a, &mut out),
        Command::Indicators(a) => indicators::run(a, &mut out),
        Command::Invoice(a) => payment::run_invoice(a, &mut out),
        Command::Report(a) => report::run(a, &mut out),
        Command::Compare(a) => payment::run_compare(a, &mut out),
        Command::Presets(a) => payment::run_presets(a, &mut out),
        Command::Amounts(a) => payment::run_amounts(a, &mut out),
        Command::Census(a) => extras::run_census(a, &mut out),
        Command::Readmissions(a) => extras::run_readmissions(a, &mut out),
        Command::Accuracy(a) => extras::run_accuracy(a, &mut out),
        Command::Explain(a) => explain::run(a, &mut out),
        Command::Validate(a) => validate::run(a, &mut out),
        Command::Synth(a) => synth::run(a, &mut out),
    }?;
    out.flush()?;
    Ok(())
}

fn main() -> ExitCode {
    // A last line of defence: should anything panic, say so in one line, without a backtrace.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("utklar: internal error ({info}); please report it with the command you ran");
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away: nothing to say, the status the data deserved.
        Err(Failure::Closed(code)) => ExitCode::from(code),
        Err(f) => {
            // Standard error may be a closed pipe too: the status still comes out.
            let _ = writeln!(io::stderr().lock(), "utklar: {f}");
            ExitCode::from(f.code())
        }
    }
}
