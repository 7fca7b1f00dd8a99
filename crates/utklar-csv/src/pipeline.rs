//! One pass over an episode file into a [`MeasureSet`], in bounded memory, on one thread or
//! two.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use utklar_core::input::ColumnBatch;
use utklar_core::validate::{EpisodeFacts, EpisodeReader, Field};
use utklar_core::{IndicatorOptions, MeasureSet, Problem};

use crate::episodes::{Batch, EpisodeFile};
use crate::open::EpisodeInput;
use crate::reader::Record;
use crate::Error;

/// Rows per batch handed from the reading thread to the measuring one.
const BATCH_ROWS: usize = 2048;

/// How far the reading thread's share of the checking moves at a time.
const SHARE_STEP: usize = BATCH_ROWS / 32;

/// Batches in flight between the two threads (the memory held is bounded by this).
const BATCHES_IN_FLIGHT: usize = 4;

/// How [`measure`] uses threads. Both ways give the same results, problems and callbacks in
/// the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threads {
    /// Read, check and measure on the calling thread.
    One,
    /// Read and check on a second thread while the calling thread measures.
    Two,
}

impl Threads {
    /// [`Threads::Two`] when the machine has more than one core.
    pub fn auto() -> Self {
        if std::thread::available_parallelism().is_ok_and(|n| n.get() > 1) {
            Threads::Two
        } else {
            Threads::One
        }
    }
}

/// The result of [`measure`]: the measures (not yet finished) and the line of every row that
/// had a problem.
#[derive(Debug)]
pub struct Measured {
    /// Measures and the account of every row (call [`MeasureSet::finish`]).
    pub set: MeasureSet,
    /// 0-based data row → 1-based file line, for rows with problems only.
    pub lines: HashMap<usize, u64>,
}

impl Measured {
    /// The line where data row `row` starts, for a row with a problem (for other rows, the
    /// line it would have in a file without multi-line cells or blank lines).
    pub fn line(&self, row: usize) -> u64 {
        self.lines.get(&row).copied().unwrap_or(row as u64 + 2)
    }
}

/// Reads an episode file one record at a time, classifying each under `opts` into a measure
/// set. `on_problems` is called with the problems of each bad row as they are found, and its
/// line; `progress` with the bytes and rows read so far, after each row. An error of either
/// callback, or of the file (converted with `From<Error>`), stops the reading.
///
/// With [`Threads::Two`] the work is split: a reading thread parses the records, in batches
/// sent over a bounded channel and recycled, and reads a share of each batch's rows column by
/// column through the core's columnar reader ([`ColumnBatch`]: each field's cells through its
/// rule, a row with a problem read again whole by the row reader); the calling thread reads
/// the rest the same way, checks the ids in row order and adds the rows to the measures. The
/// share moves towards whichever thread waits for the other. With [`Threads::One`] each row
/// is read whole, record by record (the reference the tests compare the columnar way with).
/// Both give the same measures, the same problems with the same lines, and the callbacks see
/// them in the same order.
///
/// ```
/// use utklar_core::{IndicatorOptions, PeriodKind};
/// use utklar_csv::{measure, EpisodeFile, Threads};
///
/// let text = "episode_id,municipality,care_type,ready_at,discharged_at\n\
///             e1,0880,somatic,2025-03-03,2025-03-05\n\
///             e2,0880,dental,2025-03-03,2025-03-04\n";
/// let opts = IndicatorOptions::default();
/// let file = EpisodeFile::from_bytes(text.as_bytes())?;
/// let mut bad_lines = Vec::new();
/// let m = measure(file, &opts, Threads::Two, |_, line| { bad_lines.push(line); Ok::<_, utklar_csv::Error>(()) }, |_, _| {})?;
/// assert_eq!(bad_lines, [3]);
/// let set = m.set.finish(&opts).expect("lenient");
/// assert_eq!((set.report().rows_in, set.report().counted), (2, 1));
/// # Ok::<(), utklar_csv::Error>(())
/// ```
pub fn measure<R, E>(
    file: EpisodeFile<R>,
    opts: &IndicatorOptions,
    threads: Threads,
    on_problems: impl FnMut(&[Problem], u64) -> Result<(), E>,
    progress: impl FnMut(u64, u64),
) -> Result<Measured, E>
where
    R: Read + Send,
    E: From<Error>,
{
    match threads {
        Threads::One => measure_serial(file, opts, on_problems, progress),
        Threads::Two => measure_pipelined(file, opts, on_problems, progress),
    }
}

/// [`measure`] for a file of any kind: a CSV file (plain or compressed) as [`measure`]
/// reads it; a spreadsheet, already in memory, row by row on the calling thread (`progress`
/// then counts rows for bytes).
pub fn measure_input<E>(
    input: EpisodeInput,
    opts: &IndicatorOptions,
    threads: Threads,
    mut on_problems: impl FnMut(&[Problem], u64) -> Result<(), E>,
    mut progress: impl FnMut(u64, u64),
) -> Result<Measured, E>
where
    E: From<Error>,
{
    let mut input = match input.into_csv() {
        Ok(file) => return measure(file, opts, threads, on_problems, progress),
        Err(input) => input,
    };
    let mut set = MeasureSet::new(opts.period);
    let mut lines = HashMap::new();
    let mut rows = 0u64;
    while let Some(item) = input.next_row()? {
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
        progress(input.progress().1, rows);
    }
    Ok(Measured { set, lines })
}

/// Adds one row to the measures (`add` pushes it), and, when it brought problems, records
/// its line and hands them to `on_problems`: the per-row step of every way [`measure`] reads.
fn add_row<E>(
    m: &mut Measured,
    row: usize,
    line: u64,
    add: impl FnOnce(&mut MeasureSet),
    on_problems: &mut impl FnMut(&[Problem], u64) -> Result<(), E>,
) -> Result<(), E> {
    let before = m.set.report().problems.len();
    add(&mut m.set);
    let after = m.set.report().problems.len();
    if after > before {
        m.lines.insert(row, line);
        on_problems(&m.set.report().problems[before..after], line)?;
    }
    Ok(())
}

fn measure_serial<R: Read, E: From<Error>>(
    mut file: EpisodeFile<R>,
    opts: &IndicatorOptions,
    mut on_problems: impl FnMut(&[Problem], u64) -> Result<(), E>,
    mut progress: impl FnMut(u64, u64),
) -> Result<Measured, E> {
    let mut m = Measured {
        set: MeasureSet::new(opts.period),
        lines: HashMap::new(),
    };
    let mut rows = 0u64;
    // Each row checked as the iterator checks it, into facts (no episode, no id strings);
    // a problem list is allocated only for a row that has problems.
    let mut problems = Vec::new();
    while let Some((row, line, facts)) = file.next_facts(&mut problems)? {
        add_row(
            &mut m,
            row,
            line,
            |set| match &facts {
                Some(facts) => set.push_facts(row, facts, opts),
                None => set.push_problems(std::mem::take(&mut problems)),
            },
            &mut on_problems,
        )?;
        rows += 1;
        progress(file.csv().bytes_read(), rows);
    }
    Ok(m)
}

fn measure_pipelined<R: Read + Send, E: From<Error>>(
    file: EpisodeFile<R>,
    opts: &IndicatorOptions,
    mut on_problems: impl FnMut(&[Problem], u64) -> Result<(), E>,
    mut progress: impl FnMut(u64, u64),
) -> Result<Measured, E> {
    let mut m = Measured {
        set: MeasureSet::new(opts.period),
        lines: HashMap::new(),
    };
    let columns = file.columns().to_vec();
    let size = file.csv().size();
    let mut reader = EpisodeReader::new();
    reader.allow_personal_ids(file.allows_personal_ids());
    pipelined(
        file,
        EpisodeFile::fill_columns,
        |next, empty| -> Result<(), E> {
            let (mut rows, mut read) = (0u64, 0u64);
            let mut sized = false;
            while let Some(mut batch) = next() {
                batch.read_columns_rest(&columns);
                if !sized {
                    sized = true;
                    let n = batch
                        .slices_mut()
                        .iter()
                        .map(ColumnBatch::len)
                        .sum::<usize>();
                    reserve_for(&mut reader, size, n, batch.bytes);
                }
                for k in 0..2 {
                    let slice = &mut batch.slices_mut()[k];
                    slice.check_duplicates(&mut reader);
                    let before = m.set.report().problems.len();
                    slice.push(&mut m.set, opts).map_err(Error::Refused)?;
                    read += slice.len() as u64;
                    // The slice's problems are in row order: each bad row's, with its line.
                    for own in m.set.report().problems[before..].chunk_by(|a, b| a.row == b.row) {
                        let row = own[0].row;
                        let line = batch.line_of(row).unwrap_or(row as u64 + 2);
                        m.lines.insert(row, line);
                        on_problems(own, line)?;
                    }
                }
                // After each row, as the one-thread way calls it (a caller may count on
                // seeing every row number, as the CLI's bar does to draw every 4096 rows).
                while rows < read {
                    rows += 1;
                    progress(batch.bytes, rows);
                }
                if let Some(e) = batch.end.take() {
                    return Err(e.into());
                }
                // The reading thread may have finished: then the batch is simply dropped.
                let _ = empty.send(batch);
            }
            reader.finish().map_err(Error::Refused)?;
            Ok(())
        },
    )?;
    Ok(m)
}

/// Sizes the duplicate detector once, after the first batch (`rows` rows in its first
/// `bytes` bytes), for the rows a file of `size` bytes holds at that rate, so that it is not
/// rebuilt as it grows (each rebuild moves every id seen so far).
fn reserve_for(reader: &mut EpisodeReader, size: Option<u64>, rows: usize, bytes: u64) {
    let n = rows as u64;
    if let (Some(size), true) = (size, bytes > 0 && n > 0) {
        let estimate = (u128::from(size) * u128::from(n) * 21 / 20 / u128::from(bytes))
            .min(u128::from(size / MIN_ROW_BYTES));
        reader.reserve(usize::try_from(estimate).unwrap_or(usize::MAX));
    }
}

/// One data row as [`read_rows`] hands it on: checked by the input layer's rule set, its id
/// against every earlier row's.
pub struct RowRead<'a> {
    /// 0-based data row.
    pub row: usize,
    /// 1-based line where the record starts.
    pub line: u64,
    /// The row's values, or every problem found in it (a repeated id last).
    pub result: Result<&'a EpisodeFacts, Vec<Problem>>,
    record: &'a Record,
    /// The columns of `episode_id` and `patient_id`.
    id_columns: [Option<usize>; 2],
}

impl<'a> RowRead<'a> {
    /// The row's `episode_id` and `patient_id` as the input layer reads them (trimmed;
    /// `None` when absent or blank).
    pub fn ids(&self) -> (Option<&'a str>, Option<&'a str>) {
        let text = |column: Option<usize>| {
            // The record was read as text before it was checked: its cells are text.
            let cell = std::str::from_utf8(self.record.get(column?)?).ok()?;
            let id = cell.trim();
            (!id.is_empty()).then_some(id)
        };
        (text(self.id_columns[0]), text(self.id_columns[1]))
    }
}

/// The columns of `episode_id` and `patient_id` ([`RowRead::ids`]).
fn id_columns(columns: &[(usize, Field)]) -> [Option<usize>; 2] {
    let of = |field| columns.iter().find(|c| c.1 == field).map(|c| c.0);
    [of(Field::EpisodeId), of(Field::PatientId)]
}

/// Reads an episode file, giving each row, in order, to `on_row`, checked as [`measure`]
/// checks it (on two threads with [`Threads::Two`]: the same rows, problems and order);
/// `progress` is called with the bytes and rows read so far. At the end of the file,
/// [`Error::Refused`] when ids looked like personal identity numbers and the file does not
/// allow them. An error of `on_row`, or of the file, stops the reading.
///
/// ```
/// use utklar_csv::{read_rows, EpisodeFile, Threads};
///
/// let text = "episode_id,municipality,care_type,ready_at\ne1,0880,somatic,2025-03-03\ne1,0880,somatic,2025-03-04\n";
/// let mut seen = Vec::new();
/// read_rows(EpisodeFile::from_bytes(text.as_bytes())?, Threads::Two, |r| {
///     seen.push((r.row, r.ids().0.map(str::to_string), r.result.is_ok()));
///     Ok::<_, utklar_csv::Error>(())
/// }, |_, _| {})?;
/// assert_eq!(seen, [(0, Some("e1".into()), true), (1, Some("e1".into()), false)]);
/// # Ok::<(), utklar_csv::Error>(())
/// ```
pub fn read_rows<R, E>(
    file: EpisodeFile<R>,
    threads: Threads,
    on_row: impl FnMut(RowRead<'_>) -> Result<(), E>,
    progress: impl FnMut(u64, u64),
) -> Result<(), E>
where
    R: Read + Send,
    E: From<Error>,
{
    match threads {
        Threads::Two => read_pipelined(file, on_row, progress),
        Threads::One => {
            let columns = file.columns().to_vec();
            let size = file.csv().size();
            let mut reader = EpisodeReader::new();
            reader.allow_personal_ids(file.allows_personal_ids());
            // The same steps on this thread: each batch read whole, checked, handed on and
            // recycled.
            let mut file = file;
            let (empty, recycled) = mpsc::channel::<Batch>();
            let mut done = false;
            let mut next = move || {
                if done {
                    return None;
                }
                let mut batch = recycled.try_recv().unwrap_or_default();
                done = file.fill(&mut batch, BATCH_ROWS, BATCH_ROWS);
                Some(batch)
            };
            consume(&mut next, &empty, &columns, size, reader, on_row, progress)
        }
    }
}

fn read_pipelined<R: Read + Send, E: From<Error>>(
    file: EpisodeFile<R>,
    on_row: impl FnMut(RowRead<'_>) -> Result<(), E>,
    progress: impl FnMut(u64, u64),
) -> Result<(), E> {
    let columns = file.columns().to_vec();
    let size = file.csv().size();
    let mut reader = EpisodeReader::new();
    reader.allow_personal_ids(file.allows_personal_ids());
    pipelined(file, EpisodeFile::fill, |next, empty| {
        consume(next, empty, &columns, size, reader, on_row, progress)
    })
}

/// The two threads of the pipelined ways: a reading thread fills batches with `fill(file,
/// batch, rows, share)` (reading the records and doing the first `share` rows' part of the
/// checks) and sends them over a bounded channel; `consume` takes them on the calling thread
/// from `next` (`None` at the end) and sends them back to be recycled. The share moves
/// towards whichever thread waits for the other.
fn pipelined<R: Read + Send, E>(
    mut file: EpisodeFile<R>,
    fill: fn(&mut EpisodeFile<R>, &mut Batch, usize, usize) -> bool,
    consume: impl FnOnce(&mut dyn FnMut() -> Option<Batch>, &mpsc::Sender<Batch>) -> Result<(), E>,
) -> Result<(), E> {
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
                let done = fill(&mut file, &mut batch, BATCH_ROWS, share);
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
        let result = consume(&mut next, &empty_tx);
        drop(next);
        result
    })
}

/// Rows whose ids' slots [`consume`] reads at a time, a chunk ahead of their check.
const PREFETCH: usize = 128;

/// The fewest bytes a row takes, for [`consume`]'s estimate of the rows to come (a row of four
/// short cells and its line end); only bounds an estimate that the first rows make too high.
const MIN_ROW_BYTES: u64 = 16;

/// The checking half of [`read_pipelined`]: takes batches from `next` until it gives none,
/// checks the ids in row order and hands each row on. With the file's `size`, the duplicate
/// detector is sized once, after the first batch, for the rows the file holds at that batch's
/// bytes a row (so it is not rebuilt as it grows: each rebuild moves every id seen so far).
fn consume<E: From<Error>>(
    next: &mut dyn FnMut() -> Option<Batch>,
    empty: &mpsc::Sender<Batch>,
    columns: &[(usize, Field)],
    size: Option<u64>,
    mut reader: EpisodeReader,
    mut on_row: impl FnMut(RowRead<'_>) -> Result<(), E>,
    mut progress: impl FnMut(u64, u64),
) -> Result<(), E> {
    let mut rows = 0u64;
    let mut repeated = Vec::new();
    let ids = id_columns(columns);
    let mut sized = false;
    while let Some(mut batch) = next() {
        batch.parse_rest(columns);
        if !sized {
            sized = true;
            reserve_for(&mut reader, size, batch.rows.len(), batch.bytes);
        }
        // Ids in order after every id met: checked at once, none repeats.
        let in_order =
            reader.check_in_order(batch.ids_in_order(), batch.rows.iter().filter_map(|r| r.id));
        // Else the ids' slots are read a chunk ahead of their check: near enough that they
        // (and their pages' translations) are still cached when checked, far enough that the
        // reads overlap (a reader holding ids in order reads nothing).
        let ahead = |from: usize| {
            batch
                .rows
                .iter()
                .skip(from)
                .take(PREFETCH)
                .filter_map(|r| r.id)
        };
        reader.prefetch(ahead(0));
        let mut start = 0;
        for (i, r) in batch.rows.iter().enumerate() {
            if i % PREFETCH == 0 {
                reader.prefetch(ahead(i + PREFETCH));
            }
            let row = batch.first_row + i;
            let own = &batch.problems[start..r.problems_end];
            start = r.problems_end;
            if let (false, Some(id)) = (in_order, r.id) {
                reader.check_duplicate(row, id, &mut repeated);
            }
            let result = match &r.facts {
                Some(facts) if own.is_empty() && repeated.is_empty() => Ok(facts),
                _ => {
                    let mut problems = own.to_vec();
                    problems.append(&mut repeated);
                    Err(problems)
                }
            };
            on_row(RowRead {
                row,
                line: r.line,
                result,
                record: batch.record(i),
                id_columns: ids,
            })?;
            rows += 1;
            progress(batch.bytes, rows);
        }
        if let Some(e) = batch.end.take() {
            return Err(e.into());
        }
        // The reading thread may have finished: then the batch is simply dropped.
        let _ = empty.send(batch);
    }
    reader.finish().map_err(Error::Refused)?;
    Ok(())
}
