//! One pass over an episode file into a [`MeasureSet`], in bounded memory.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use utklar_core::validate::{EpisodeReader, Field};
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

/// How far the reading thread's share of the checking moves at a time.
const SHARE_STEP: usize = BATCH_ROWS / 32;

/// Batches in flight between the two threads (the memory held is bounded by this).
const BATCHES_IN_FLIGHT: usize = 4;

/// Whether to read on a second thread: when the machine has more than one core. The
/// environment variable `UTKLAR_THREADS` overrides that: `1` takes the single-threaded path
/// (kept as the reference the tests compare the pipelined one with), any other value the
/// pipelined one.
fn pipelined() -> bool {
    match std::env::var_os("UTKLAR_THREADS") {
        Some(v) => v != "1",
        None => std::thread::available_parallelism().is_ok_and(|n| n.get() > 1),
    }
}

/// Reads an opened episode file one record at a time, classifying each under `opts` into a measure set.
/// `on_problems` is called with the problems of each bad row, as they are found, and its line.
///
/// On a machine with two cores or more the work is split in two: a reading thread parses the
/// CSV records, in batches sent over a bounded channel and recycled, and checks a share of each
/// batch's rows (everything but repeated ids); this thread checks the rest, then the ids in row
/// order, and adds the rows to the measures. The share moves towards whichever thread waits
/// for the other. The results, the problems and the order `on_problems` sees them in are those
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
    let size = source.input.size;
    let (fields, label) = source.layout();
    let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(BATCHES_IN_FLIGHT);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    let starved = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let starved = &starved;
        scope.spawn(move || {
            // Rows of each batch this thread checks; the rest are checked by the consumer.
            // Moved towards whichever thread waits for the other.
            let mut share = BATCH_ROWS / 2;
            loop {
                let mut batch = empty_rx.try_recv().unwrap_or_default();
                let done = source.fill(&mut batch, BATCH_ROWS, share);
                match full_tx.try_send(batch) {
                    Ok(()) => {}
                    Err(mpsc::TrySendError::Full(batch)) => {
                        share = (share + SHARE_STEP).min(BATCH_ROWS);
                        // A closed channel means the consumer stopped (an error): stop too.
                        if full_tx.send(batch).is_err() {
                            break;
                        }
                    }
                    Err(mpsc::TrySendError::Disconnected(_)) => break,
                }
                if starved.swap(false, Ordering::Relaxed) {
                    share = share.saturating_sub(SHARE_STEP);
                }
                if done {
                    break;
                }
            }
        });
        // `next` owns the receiving end: it is dropped when `consume` returns, before the
        // scope waits for the reading thread, so a reader blocked on a full channel wakes up
        // to a closed one and stops.
        let mut next = move || match full_rx.try_recv() {
            Ok(batch) => Some(batch),
            Err(mpsc::TryRecvError::Empty) => {
                starved.store(true, Ordering::Relaxed);
                full_rx.recv().ok()
            }
            Err(mpsc::TryRecvError::Disconnected) => None,
        };
        let result = consume(
            &mut next,
            &empty_tx,
            (&fields, label),
            size,
            opts,
            on_problems,
        );
        drop(next);
        result
    })
}

/// The measuring half of [`measure_pipelined`]: takes batches from `next` until it gives
/// none.
fn consume(
    next: &mut dyn FnMut() -> Option<Batch>,
    empty: &mpsc::Sender<Batch>,
    (fields, label): (&[(usize, Field)], String),
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
    while let Some(mut batch) = next() {
        batch.parse_rest(fields, &label);
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
