//! One pass over an episode file into a [`MeasureSet`], in bounded memory.

use std::collections::HashMap;
use std::fmt::Write as _;

use utklar_core::validate::Field;
use utklar_core::{ExclusionReport, IndicatorOptions, MeasureSet, Problem, Reason};
use utklar_csv::{Places, Threads};

use crate::fail::Failure;
use crate::input::{csv_failure, EpisodeSource};
use crate::output::{thousands, Progress};

/// The result of streaming a file: the measures (not yet finished), and the file line of every
/// row that had a problem.
pub struct Streamed {
    /// The file name as given.
    pub label: String,
    /// Measures and the account of every row.
    pub set: MeasureSet,
    /// 0-based data row → 1-based file line (sheet row), for rows with problems only.
    pub lines: HashMap<usize, u64>,
    /// How the file names its places (lines, or a sheet's rows and columns).
    pub places: Places,
}

impl Streamed {
    /// "line 7 (data row 5)": the line in the file (header = line 1) and the 0-based data
    /// row; for a spreadsheet "sheet Export, row 7, column C (data row 5)".
    pub fn place(&self, row: usize, field: Option<Field>) -> String {
        let line = self.lines.get(&row).copied().unwrap_or(row as u64 + 2);
        format!("{} (data row {row})", self.places.place(line, field))
    }
}

/// How to read: on a second thread when the machine has more than one core. The
/// environment variable `UTKLAR_THREADS` overrides that: `1` takes the single-threaded path
/// (kept as the reference the tests compare the pipelined one with), any other value the
/// pipelined one.
pub(crate) fn threads() -> Threads {
    match std::env::var_os("UTKLAR_THREADS") {
        Some(v) if v == "1" => Threads::One,
        Some(_) => Threads::Two,
        None => Threads::auto(),
    }
}

/// Why streaming stopped: the file, or the caller's callback.
enum Stop {
    File(Box<utklar_csv::Error>),
    Cli(Failure),
}

impl From<utklar_csv::Error> for Stop {
    fn from(e: utklar_csv::Error) -> Self {
        Stop::File(Box::new(e))
    }
}

/// Reads an opened episode file one record at a time, classifying each under `opts` into a
/// measure set, with a progress bar. `on_problems` is called with the problems of each bad
/// row, as they are found, and its line (see [`utklar_csv::measure`]).
pub fn measure_file(
    source: EpisodeSource,
    opts: &IndicatorOptions,
    mut on_problems: impl FnMut(&[Problem], u64) -> Result<(), Failure>,
) -> Result<Streamed, Failure> {
    let mut progress = Progress::new(source.size(), "rows");
    let label = source.label;
    let places = source.file.places();
    let measured = utklar_csv::measure_input(
        source.file,
        opts,
        threads(),
        |p, line| on_problems(p, line).map_err(Stop::Cli),
        |bytes, rows| progress.tick(bytes, rows),
    );
    match measured {
        Ok(m) => {
            progress.finish();
            Ok(Streamed {
                label,
                set: m.set,
                lines: m.lines,
                places,
            })
        }
        Err(Stop::File(e)) => Err(csv_failure(&label, &e)),
        Err(Stop::Cli(f)) => Err(f),
    }
}

/// One line on the account of every row: counted, open, outside the age limit, excluded and
/// why.
/// With `validate_hint`, the line ends by pointing at `utklar validate` for the bad rows.
pub fn account(label: &str, r: &ExclusionReport, validate_hint: bool) -> String {
    let mut s = format!(
        "{label}: {} rows read: {} counted",
        thousands(r.rows_in),
        thousands(r.counted)
    );
    if r.open > 0 {
        let _ = write!(
            s,
            ", {} still in hospital (no discharge; in no period)",
            thousands(r.open)
        );
    }
    if r.outside_age > 0 {
        let _ = write!(
            s,
            ", {} outside --min-age (younger or age unknown)",
            thousands(r.outside_age)
        );
    }
    if r.excluded() > 0 {
        let why: Vec<String> = r
            .reasons()
            .map(|(reason, n)| format!("{} {}", thousands(n), describe(reason)))
            .collect();
        let _ = write!(
            s,
            ", {} excluded as bad data ({})",
            thousands(r.excluded()),
            why.join(", ")
        );
        if validate_hint {
            let _ = write!(s, "; `utklar validate --episodes {label}` lists each row");
        }
    }
    s
}

/// A reason in words (the date range is the core's, not restated here).
pub fn describe(reason: Reason) -> std::borrow::Cow<'static, str> {
    use chrono::Datelike;
    use utklar_core::time::{MAX_DATE, MIN_DATE};
    let words = match reason {
        Reason::DateOutOfRange => {
            let (from, to) = (MIN_DATE.year(), MAX_DATE.year());
            return format!("with a date outside {from}–{to}").into();
        }
        Reason::MissingField => "missing a required field",
        Reason::UnparseableDate => "with an unreadable date",
        Reason::UnknownMunicipality => "with an unknown municipality code",
        Reason::UnknownCareType => "with an unknown care type",
        Reason::UnparseableBoolean => "with an unreadable true/false value",
        Reason::UnparseableInteger => "with an unreadable age",
        Reason::NegativeDays => "discharged before the ready date (negative days)",
        Reason::DischargeBeforeAdmission => "discharged before admission",
        Reason::ReadyBeforeAdmission => "ready before admission",
        Reason::DuplicateEpisodeId => "with a repeated episode_id",
        _ => "with another problem",
    };
    words.into()
}

/// Lists problems on standard error (at most `limit`), each with its line, field and reason.
pub fn list_problems(s: &Streamed, problems: &[Problem], limit: usize) {
    for p in problems.iter().take(limit) {
        eprintln!(
            "  {}: {}: {} ({})",
            s.place(p.row, Some(p.field)),
            p.field,
            p.reason,
            crate::fail::hint(p.reason)
        );
    }
    if problems.len() > limit {
        eprintln!(
            "  … and {} more; `utklar validate --episodes {}` lists them all",
            problems.len() - limit,
            s.label
        );
    }
}
