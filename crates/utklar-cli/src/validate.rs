//! `utklar validate`: every problem of every row, with its line, field and reason.

use std::io::Write;

use utklar_core::{IndicatorOptions, Mode, NegativeDays, PeriodKind, Problem};

use crate::fail::Failure;
use crate::input::EpisodeArgs;
use crate::output::{thousands, Format};
use crate::sheetout::{Cell, Dialect, Lang, Sheet, SheetArgs};
use crate::stream::{describe, measure_file};

/// Options of `utklar validate`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  utklar validate --episodes export.csv
  utklar validate --episodes export.csv --format csv > problems.csv

Each problem names the line in the file (the header is line 1, as a spreadsheet numbers its
rows), the 0-based data row (the row numbers the Python and C interfaces report), the column
and the reason, with a hint on how to fix it. Checked: required fields present, dates readable
and within 1990–2100, known municipality codes and care types, true/false values, ages,
discharge or ready notice before admission, negative days, repeated episode ids.
Exit status: 0 when every row is clean; 1 when any row has a problem; 2 when the file cannot be
used at all (no such file, no header, a required column missing).")]
pub struct Args {
    #[command(flatten)]
    pub input: EpisodeArgs,
    /// Whether a discharge before the ready date is a problem: yes under `exclude` and `error`
    /// (the default reports it), no under `day0` (it is then read as day 0).
    #[arg(long, default_value_t = utklar_core::IndicatorOptions::default().negative_days, value_name = "exclude|day0|error")]
    pub negative_days: NegativeDays,
    /// table: one problem per line; csv: line,row,field,reason,hint; json: an object with
    /// `problems` (each line, row, field, reason, hint), `rows_in`, `rows_with_problems` and
    /// `by_reason` (reason → rows).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub sheet_out: SheetArgs,
}

#[derive(serde::Serialize)]
struct JsonProblem<'a> {
    line: u64,
    row: usize,
    field: &'a str,
    reason: &'a str,
    hint: &'a str,
}

/// The opening of the output, written when the first problem is found (or at the end), so that
/// a file found unusable part-way (exit status 2) leaves no half-written header behind.
fn start(format: Format, sheet: bool, out: &mut dyn Write) -> Result<(), Failure> {
    match format {
        Format::Table => writeln!(
            out,
            "{:>9}  {:>9}  {:<22}  {:<26}  how to fix",
            if sheet { "sheet row" } else { "line" },
            "data row",
            "column",
            "problem"
        )?,
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(["line", "row", "field", "reason", "hint"])?;
            out.write_all(&w.into_inner().map_err(csv::IntoInnerError::into_error)?)?;
        }
        Format::Json => write!(out, "{{\n  \"problems\": [")?,
        Format::Xlsx => {}
    }
    Ok(())
}

/// Runs `utklar validate`.
pub fn run(a: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let opts = IndicatorOptions::default()
        .period(PeriodKind::Month)
        .negative_days(a.negative_days)
        .min_age(None)
        .mode(Mode::Lenient);
    let source = a.input.open()?;
    let places = source.file.places();
    let sheet = places.is_sheet();
    // A spreadsheet's column is named by its letter too: `municipality (C)`.
    let column = |f: utklar_core::Field| match places.column(f) {
        Some(c) => format!("{} ({c})", f.as_str()),
        None => f.as_str().to_string(),
    };
    let mut first = true;
    let mut started = false;
    let mut found = false;
    // xlsx, and csv for Swedish Excel: the problems gathered into a sheet, written at the end.
    let gather = a.format == Format::Xlsx
        || (a.format == Format::Csv && a.sheet_out.csv_dialect == Dialect::ExcelSv);
    let format = if gather { Format::Xlsx } else { a.format };
    let sv = a.sheet_out.lang == Lang::Sv;
    let mut problems_sheet = Sheet::new(
        if sv { "Problem" } else { "Problems" },
        &[
            (
                if places.is_sheet() {
                    "sheet_row"
                } else {
                    "line"
                },
                if places.is_sheet() {
                    "Rad i bladet"
                } else {
                    "Rad i filen"
                },
            ),
            ("row", "Datarad"),
            ("column", "Kolumn"),
            ("field", "Fält"),
            ("reason", "Problem"),
            ("hint", "Åtgärd"),
        ],
        a.sheet_out.lang,
    );
    let streamed = measure_file(source, &opts, |problems: &[Problem], line| {
        found |= !problems.is_empty();
        if !started {
            start(format, sheet, out)?;
            started = true;
        }
        for p in problems {
            match format {
                Format::Table => writeln!(
                    out,
                    "{line:>9}  {:>9}  {:<22}  {:<26}  {}",
                    p.row,
                    column(p.field),
                    p.reason.as_str(),
                    crate::fail::hint(p.reason)
                )?,
                Format::Csv => {
                    let mut w = csv::WriterBuilder::new()
                        .has_headers(false)
                        .from_writer(&mut *out);
                    w.write_record([
                        line.to_string().as_str(),
                        p.row.to_string().as_str(),
                        p.field.as_str(),
                        p.reason.as_str(),
                        p.reason.hint(),
                    ])?;
                    w.flush()?;
                }
                Format::Xlsx => problems_sheet.rows.push(vec![
                    Cell::Int(line as i64),
                    Cell::Int(p.row as i64),
                    Cell::Text(places.column(p.field).unwrap_or_default().to_string()),
                    Cell::Text(p.field.as_str().to_string()),
                    Cell::Text(p.reason.as_str().to_string()),
                    Cell::Text(p.reason.hint().to_string()),
                ]),
                Format::Json => {
                    let sep = if first { "\n    " } else { ",\n    " };
                    first = false;
                    write!(out, "{sep}")?;
                    serde_json::to_writer(
                        &mut *out,
                        &JsonProblem {
                            line,
                            row: p.row,
                            field: p.field.as_str(),
                            reason: p.reason.as_str(),
                            hint: p.reason.hint(),
                        },
                    )?;
                }
            }
        }
        Ok(())
    });
    // The output closed while problems were being listed: there were problems, status 1.
    let streamed = match streamed {
        Err(Failure::Closed(_)) => return Err(Failure::Closed(u8::from(found))),
        other => other?,
    };
    let r = streamed.set.report();
    let bad = r.excluded();
    // From here the status is known, and a closed output keeps it.
    let mut tail = || -> Result<(), Failure> {
        if !started {
            start(format, sheet, out)?;
        }
        match format {
            Format::Json => {
                let by_reason: serde_json::Map<String, serde_json::Value> = r
                    .reasons()
                    .map(|(reason, n)| (reason.as_str().to_string(), n.into()))
                    .collect();
                let tail = if first { "]" } else { "\n  ]" };
                writeln!(
                out,
                "{tail},\n  \"rows_in\": {},\n  \"rows_with_problems\": {bad},\n  \"by_reason\": {}\n}}",
                r.rows_in,
                serde_json::to_string(&by_reason)?
            )?;
            }
            Format::Table if bad == 0 => writeln!(out, "(no problems)")?,
            Format::Xlsx => a.sheet_out.write(
                a.format == Format::Xlsx,
                std::slice::from_ref(&problems_sheet),
                out,
            )?,
            _ => {}
        }
        out.flush()?;
        Ok(())
    };
    tail().map_err(|f| match f {
        Failure::Closed(_) => Failure::Closed(u8::from(bad > 0)),
        f => f,
    })?;
    let label = &streamed.label;
    if bad == 0 {
        eprintln!(
            "utklar: {label}: {} rows, no problems",
            thousands(r.rows_in)
        );
        Ok(())
    } else {
        let why: Vec<String> = r
            .reasons()
            .map(|(reason, n)| format!("{} {}", thousands(n), describe(reason)))
            .collect();
        Err(Failure::Data(format!(
            "{label}: {} of {} rows have problems: {}",
            thousands(bad),
            thousands(r.rows_in),
            why.join(", ")
        )))
    }
}
