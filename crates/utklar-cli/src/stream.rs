//! One pass over an episode file into a [`MeasureSet`], in bounded memory.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::mpsc;

use utklar_core::validate::EpisodeReader;
use utklar_core::{ExclusionReport, IndicatorOptions, MeasureSet, Problem, Reason};

use crate::fail::Failure;
use crate::input::{Batch, EpisodeSource};
use crate::output::{thousands, Progress};

/// The result of streaming a file: the measures (not yet finished), and the file line of every
/// row that had a problem.
pub struct Streamed {
    /// The file name as given.
    pub label: String,
    /// Measures and the account of every row.
    pub set: MeasureSet,
    /// 0-based data row → 1-based file line, for rows with problems only.
    pub lines: HashMap<usize, u64>,
}

impl Streamed {
    /// "line 7 (row 5)": the line in the file (header = line 1) and the 0-based data row.
    pub fn place(&self, row: usize) -> String {
        let line = self.lines.get(&row).copied().unwrap_or(row as u64 + 2);
        format!("line {line} (data row {row})")
    }
}

/// Rows per batch handed from the reading thread to the measuring one.
const BATCH_ROWS: usize = 2048;

/// Batches in flight between the two threads (the memory held is bounded by this).
const BATCHES_IN_FLIGHT: usize = 4;

/// Whether to read on a second thread: when the machine has more than one core, unless the
/// environment variable `UTKLAR_THREADS` is `1` (the single-threaded path, kept as the
/// reference the tests compare the pipelined one with).
fn pipelined() -> bool {
    if std::env::var_os("UTKLAR_THREADS").is_some_and(|v| v == "1") {
        return false;
    }
    std::thread::available_parallelism().is_ok_and(|n| n.get() > 1)
}

/// Reads an opened episode file one record at a time, classifying each under `opts` into a measure set.
/// `on_problems` is called with the problems of each bad row, as they are found, and its line.
///
/// On a machine with two cores or more the work is split in two: a reading thread parses the
/// CSV records and checks each row (everything but repeated ids), in batches sent over a
/// bounded channel and recycled; this thread checks the ids in row order and adds the rows to
/// the measures. The results, the problems and the order `on_problems` sees them in are those
/// of the single-threaded path.
pub fn measure_file(
    source: EpisodeSource,
    opts: &IndicatorOptions,
    on_problems: impl FnMut(&[Problem], u64) -> Result<(), Failure>,
) -> Result<Streamed, Failure> {
    if pipelined() {
        measure_pipelined(source, opts, on_problems)
    } else {
        measure_serial(source, opts, on_problems)
    }
}

fn measure_serial(
    mut source: EpisodeSource,
    opts: &IndicatorOptions,
    mut on_problems: impl FnMut(&[Problem], u64) -> Result<(), Failure>,
) -> Result<Streamed, Failure> {
    let mut set = MeasureSet::new(opts.period);
    let mut lines = HashMap::new();
    let mut progress = Progress::new(source.input.size, "rows");
    let mut rows = 0u64;
    while let Some(item) = source.next_item()? {
        let before = set.report().problems.len();
        match item.result {
            Ok(episode) => set.push(item.row, &episode, opts),
            Err(problems) => set.push_problems(problems),
        }
        let after = set.report().problems.len();
        if after > before {
            lines.insert(item.row, item.line);
            on_problems(&set.report().problems[before..after], item.line)?;
        }
        rows += 1;
        progress.tick(source.input.bytes_read(), rows);
    }
    progress.finish();
    Ok(Streamed {
        label: source.input.label,
        set,
        lines,
    })
}

fn measure_pipelined(
    mut source: EpisodeSource,
    opts: &IndicatorOptions,
    on_problems: impl FnMut(&[Problem], u64) -> Result<(), Failure>,
) -> Result<Streamed, Failure> {
    let label = source.input.label.clone();
    let size = source.input.size;
    let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    std::thread::scope(|scope| {
        scope.spawn(move || loop {
            let mut batch = empty_rx.try_recv().unwrap_or_default();
            let done = source.fill(&mut batch, BATCH_ROWS);
            // A closed channel means the consumer stopped (an error): stop reading too.
            if full_tx.send(batch).is_err() || done {
                break;
            }
        });
        consume(full_rx, &empty_tx, label, size, opts, on_problems)
    })
}

/// The measuring half of [`measure_pipelined`]. It owns the receiving end, so returning early
/// closes the channel and stops the reading thread.
fn consume(
    full: mpsc::Receiver<Batch>,
    empty: &mpsc::Sender<Batch>,
    label: String,
    size: Option<u64>,
    opts: &IndicatorOptions,
    mut on_problems: impl FnMut(&[Problem], u64) -> Result<(), Failure>,
) -> Result<Streamed, Failure> {
    let mut reader = EpisodeReader::new();
    let mut set = MeasureSet::new(opts.period);
    let mut lines = HashMap::new();
    let mut progress = Progress::new(size, "rows");
    let mut rows = 0u64;
    let mut repeated = Vec::new();
    for mut batch in full {
        reader.prefetch(batch.rows.iter().filter_map(|r| r.id));
        let mut start = 0;
        for (i, r) in batch.rows.iter().enumerate() {
            let row = batch.first_row + i;
            let own = &batch.problems[start..r.problems_end];
            start = r.problems_end;
            if let Some(id) = r.id {
                reader.check_duplicate(row, id, &mut repeated);
            }
            let before = set.report().problems.len();
            match &r.facts {
                Some(facts) if own.is_empty() && repeated.is_empty() => {
                    set.push_facts(row, facts, opts);
                }
                _ => {
                    let mut problems = own.to_vec();
                    problems.append(&mut repeated);
                    set.push_problems(problems);
                }
            }
            let after = set.report().problems.len();
            if after > before {
                lines.insert(row, r.line);
                on_problems(&set.report().problems[before..after], r.line)?;
            }
            rows += 1;
            progress.tick(batch.bytes, rows);
        }
        if let Some(e) = batch.end.take() {
            return Err(e);
        }
        // The reading thread may have finished: then the batch is simply dropped.
        let _ = empty.send(batch);
    }
    progress.finish();
    Ok(Streamed { label, set, lines })
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

/// A reason in words.
pub fn describe(reason: Reason) -> &'static str {
    match reason {
        Reason::MissingField => "missing a required field",
        Reason::UnparseableDate => "with an unreadable date",
        Reason::DateOutOfRange => "with a date outside 1990–2100",
        Reason::UnknownMunicipality => "with an unknown municipality code",
        Reason::UnknownCareType => "with an unknown care type",
        Reason::UnparseableBoolean => "with an unreadable true/false value",
        Reason::UnparseableInteger => "with an unreadable age",
        Reason::NegativeDays => "discharged before the ready date (negative days)",
        Reason::DischargeBeforeAdmission => "discharged before admission",
        Reason::ReadyBeforeAdmission => "ready before admission",
        Reason::DuplicateEpisodeId => "with a repeated episode_id",
        _ => "with another problem",
    }
}

/// Lists problems on standard error (at most `limit`), each with its line, field and reason.
pub fn list_problems(s: &Streamed, problems: &[Problem], limit: usize) {
    for p in problems.iter().take(limit) {
        eprintln!(
            "  {}: {}: {} ({})",
            s.place(p.row),
            p.field,
            p.reason,
            p.reason.hint()
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
