//! Measures of a stream of record batches, in one pass and bounded memory.
//!
//! Each batch is cut into slices. A worker thread reads a slice's rows (every rule but the
//! repeated id: [`EpisodeReader::read_facts`]) and hands the ids to this thread, which checks
//! them for repeats in row order ([`EpisodeReader::check_duplicate`]) and hands the slice back
//! with the repeats marked; the worker then adds each row to its own [`MeasureSet`] — to the
//! measures or to the account. The workers' sets are merged and their problems put back in
//! row order ([`MeasureSet::sort_problems_by_row`]): the result is the one of reading the rows
//! one by one.

use std::sync::mpsc;

use arrow_array::RecordBatchReader;
use utklar_core::input::{EpisodeFacts, EpisodeReader, IdHash, Row};
use utklar_core::{IndicatorOptions, MeasureSet, Problem};

use crate::{column_map, BatchCells, Error};

/// Rows per slice: what a worker reads before handing it over.
const SLICE_ROWS: usize = 8192;

/// Slices in flight per worker (the memory held beside the input is bounded by this).
const IN_FLIGHT: usize = 3;

/// Most worker threads.
const MAX_THREADS: usize = 8;

/// One row of a slice, read but for its id's repeats.
#[derive(Clone, Copy)]
struct SliceRow {
    id: Option<IdHash>,
    facts: Option<EpisodeFacts>,
    /// The end of its problems in [`Slice::problems`].
    end: usize,
}

/// The rows of a slice and their problems; reused from slice to slice.
#[derive(Default)]
struct Slice {
    first_row: usize,
    rows: Vec<SliceRow>,
    problems: Vec<Problem>,
    /// The repeated-id problems, in row order.
    repeats: Vec<Problem>,
    /// For each row with a repeated id: its index in the slice and the end of its problems in
    /// `repeats`.
    repeated: Vec<(usize, usize)>,
}

impl Slice {
    /// Reads rows `from..to` of `cells`, the batch whose first row is input row `offset`.
    fn read(&mut self, cells: &BatchCells<'_>, from: usize, to: usize, offset: usize) {
        self.first_row = offset + from;
        self.rows.clear();
        self.problems.clear();
        self.repeats.clear();
        self.repeated.clear();
        let mut row = Row::default();
        for i in from..to {
            cells.fill(i, &mut row);
            let (id, facts) = EpisodeReader::read_facts(offset + i, &row, &mut self.problems);
            self.rows.push(SliceRow {
                id,
                facts,
                end: self.problems.len(),
            });
        }
    }

    /// The duplicate check of every row, in row order (this slice must follow the ones
    /// `reader` has seen): marks the rows whose id repeats.
    fn check(&mut self, reader: &mut EpisodeReader) {
        reader.prefetch(self.rows.iter().filter_map(|r| r.id));
        for (i, r) in self.rows.iter().enumerate() {
            if let Some(id) = r.id {
                let before = self.repeats.len();
                reader.check_duplicate(self.first_row + i, id, &mut self.repeats);
                if self.repeats.len() > before {
                    self.repeated.push((i, self.repeats.len()));
                }
            }
        }
    }

    /// Adds every row, checked, to `set`: to the measures when it has no problem, to the
    /// account with its problems (its own, then the repeated id) otherwise.
    fn push(&self, set: &mut MeasureSet, opts: &IndicatorOptions) {
        let mut start = 0;
        let mut repeated = self.repeated.iter().peekable();
        let mut repeat_start = 0;
        for (i, r) in self.rows.iter().enumerate() {
            let row = self.first_row + i;
            let own = &self.problems[start..r.end];
            start = r.end;
            let repeats = match repeated.next_if(|(at, _)| *at == i) {
                Some(&(_, end)) => {
                    let p = &self.repeats[repeat_start..end];
                    repeat_start = end;
                    p
                }
                None => &[],
            };
            match &r.facts {
                Some(facts) if own.is_empty() && repeats.is_empty() => {
                    set.push_facts(row, facts, opts);
                }
                _ => {
                    let mut problems = Vec::with_capacity(own.len() + repeats.len());
                    problems.extend_from_slice(own);
                    problems.extend_from_slice(repeats);
                    set.push_problems(problems);
                }
            }
        }
    }
}

/// The measures of every row of a stream of record batches under `opts` — the same
/// [`MeasureSet`] as reading the rows one by one with [`EpisodeReader::read`] into
/// [`MeasureSet::push`] / [`MeasureSet::push_problems`], duplicate ids included — with up to
/// one worker thread per core. Rows are numbered from 0 across the batches.
///
/// Strict mode and the `error` negative-days policy of `opts` apply at the end, over all rows
/// ([`MeasureSet::finish`]).
pub fn measure(
    reader: impl RecordBatchReader,
    opts: &IndicatorOptions,
) -> Result<MeasureSet, Error> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(MAX_THREADS);
    measure_with_threads(reader, opts, threads, false)
}

/// [`measure`] with `threads` worker threads reading rows (0 or 1: all on this thread; the
/// result does not depend on it), and ids that look like personal identity numbers let
/// through when `allow_personal_ids` (otherwise the call ends with
/// [`utklar_core::Error::PersonalData`]).
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, RecordBatchIterator, StringArray};
/// use utklar_core::IndicatorOptions;
///
/// let text = |v: &[&str]| Arc::new(StringArray::from(v.to_vec())) as ArrayRef;
/// let batch = RecordBatch::try_from_iter([
///     ("episode_id", text(&["a", "b"])),
///     ("municipality", text(&["0880", "0880"])),
///     ("care_type", text(&["somatic", "psykiatrisk"])),
///     ("ready_at", text(&["2025-03-03", "2025-03-03T10:00"])),
///     ("discharged_at", text(&["2025-03-03", "2025-03-06T09:00"])),
/// ])?;
/// let opts = IndicatorOptions::default();
/// let one = utklar_arrow::measure_with_threads(
///     RecordBatchIterator::new([Ok(batch.clone())], batch.schema()), &opts, 1, false)?;
/// let four = utklar_arrow::measure_with_threads(
///     RecordBatchIterator::new([Ok(batch.clone())], batch.schema()), &opts, 4, false)?;
/// assert_eq!(one, four);
/// assert_eq!((one.total().day0, one.total().ready_days), (1, 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn measure_with_threads(
    reader: impl RecordBatchReader,
    opts: &IndicatorOptions,
    threads: usize,
    allow_personal_ids: bool,
) -> Result<MeasureSet, Error> {
    let map = column_map(&reader.schema())?;
    let mut ids = EpisodeReader::new();
    ids.allow_personal_ids(allow_personal_ids);
    let mut set = MeasureSet::new(opts.period);
    let mut offset = 0usize;
    let mut slice = Slice::default();
    for batch in reader {
        let batch = batch?;
        let cells = BatchCells::new(&batch, &map)?;
        let n = cells.len();
        let slices = n.div_ceil(SLICE_ROWS);
        let workers = threads.min(slices);
        if workers <= 1 {
            for k in 0..slices {
                let from = k * SLICE_ROWS;
                slice.read(&cells, from, (from + SLICE_ROWS).min(n), offset);
                slice.check(&mut ids);
                slice.push(&mut set, opts);
            }
        } else {
            for part in in_parallel(&cells, offset, workers, &mut ids, opts)? {
                set.merge(&part)?;
            }
        }
        offset += n;
    }
    ids.finish()?;
    set.sort_problems_by_row();
    Ok(set.finish(opts)?)
}

/// Measures the slices of one batch on `workers` threads (slice `k` on worker `k % workers`),
/// checking their ids here in row order; returns each worker's set.
fn in_parallel(
    cells: &BatchCells<'_>,
    offset: usize,
    workers: usize,
    ids: &mut EpisodeReader,
    opts: &IndicatorOptions,
) -> Result<Vec<MeasureSet>, Error> {
    let n = cells.len();
    let slices = n.div_ceil(SLICE_ROWS);
    let stopped = || {
        Error::Arrow(arrow_schema::ArrowError::ComputeError(
            "a worker thread measuring rows stopped".into(),
        ))
    };
    std::thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(workers);
        let mut handles = Vec::with_capacity(workers);
        for w in 0..workers {
            // Read slices to this thread, checked ones back.
            let (read_tx, read_rx) = mpsc::sync_channel::<Slice>(IN_FLIGHT);
            let (checked_tx, checked_rx) = mpsc::channel::<Slice>();
            handles.push(scope.spawn(move || {
                let mut set = MeasureSet::new(opts.period);
                let mut spare: Vec<Slice> = Vec::new();
                let mut pending = 0usize;
                let mut take = |s: Slice, spare: &mut Vec<Slice>| {
                    s.push(&mut set, opts);
                    spare.push(s);
                };
                for k in (w..slices).step_by(workers) {
                    let mut s = spare.pop().unwrap_or_default();
                    let from = k * SLICE_ROWS;
                    s.read(cells, from, (from + SLICE_ROWS).min(n), offset);
                    // A closed channel: the checker stopped; stop too.
                    if read_tx.send(s).is_err() {
                        return None;
                    }
                    pending += 1;
                    // Measure the slices already checked; wait for one when enough are out.
                    loop {
                        let next = if pending >= IN_FLIGHT {
                            checked_rx.recv().ok()
                        } else {
                            checked_rx.try_recv().ok()
                        };
                        let Some(c) = next else { break };
                        take(c, &mut spare);
                        pending -= 1;
                    }
                    if pending >= IN_FLIGHT {
                        return None;
                    }
                }
                drop(read_tx);
                while pending > 0 {
                    take(checked_rx.recv().ok()?, &mut spare);
                    pending -= 1;
                }
                Some(set)
            }));
            lanes.push((read_rx, checked_tx));
        }
        for k in 0..slices {
            let (read, checked) = &lanes[k % workers];
            let Ok(mut s) = read.recv() else {
                return Err(stopped());
            };
            s.check(ids);
            if checked.send(s).is_err() {
                return Err(stopped());
            }
        }
        drop(lanes);
        handles
            .into_iter()
            .map(|h| h.join().ok().flatten().ok_or_else(stopped))
            .collect()
    })
}
