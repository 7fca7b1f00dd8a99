//! Measures of a stream of record batches, in one pass and bounded memory.
//!
//! Each batch is cut into slices. A slice's rows are read (every rule but the repeated id:
//! [`EpisodeReader::read_facts`]) on worker threads; this thread takes the slices back in row
//! order, checks the ids for repeats ([`EpisodeReader::check_duplicate`]) and adds each row to
//! the measures or to the account. The result is the one of reading the rows one by one.

use std::sync::mpsc;

use arrow_array::RecordBatchReader;
use utklar_core::input::{EpisodeFacts, EpisodeReader, IdHash, Row};
use utklar_core::{IndicatorOptions, MeasureSet, Problem};

use crate::{column_map, BatchCells, Error};

/// Rows per slice: what a worker reads before handing it over.
const SLICE_ROWS: usize = 8192;

/// Slices in flight per worker (the memory held beside the input is bounded by this).
const IN_FLIGHT: usize = 2;

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
}

impl Slice {
    /// Reads rows `from..to` of `cells`, the batch whose first row is input row `offset`.
    fn read(&mut self, cells: &BatchCells<'_>, from: usize, to: usize, offset: usize) {
        self.first_row = offset + from;
        self.rows.clear();
        self.problems.clear();
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
}

/// The sequential half: the duplicate check in row order and the measures.
struct Account<'o> {
    reader: EpisodeReader,
    set: MeasureSet,
    repeated: Vec<Problem>,
    opts: &'o IndicatorOptions,
}

impl Account<'_> {
    fn take(&mut self, s: &Slice) {
        self.reader.prefetch(s.rows.iter().filter_map(|r| r.id));
        let mut start = 0;
        for (i, r) in s.rows.iter().enumerate() {
            let row = s.first_row + i;
            let own = &s.problems[start..r.end];
            start = r.end;
            if let Some(id) = r.id {
                self.reader.check_duplicate(row, id, &mut self.repeated);
            }
            match &r.facts {
                Some(facts) if own.is_empty() && self.repeated.is_empty() => {
                    self.set.push_facts(row, facts, self.opts);
                }
                _ => {
                    let mut problems = own.to_vec();
                    problems.append(&mut self.repeated);
                    self.set.push_problems(problems);
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
    let mut account = Account {
        reader: ids,
        set: MeasureSet::new(opts.period),
        repeated: Vec::new(),
        opts,
    };
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
                account.take(&slice);
            }
        } else {
            in_parallel(&cells, offset, workers, &mut account)?;
        }
        offset += n;
    }
    account.reader.finish()?;
    Ok(account.set.finish(opts)?)
}

/// Reads the slices of one batch on `workers` threads (slice `k` on worker `k % workers`) and
/// takes them into `account` in order.
fn in_parallel(
    cells: &BatchCells<'_>,
    offset: usize,
    workers: usize,
    account: &mut Account<'_>,
) -> Result<(), Error> {
    let n = cells.len();
    let slices = n.div_ceil(SLICE_ROWS);
    std::thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(workers);
        for w in 0..workers {
            let (full_tx, full_rx) = mpsc::sync_channel::<Slice>(IN_FLIGHT);
            let (empty_tx, empty_rx) = mpsc::channel::<Slice>();
            scope.spawn(move || {
                for k in (w..slices).step_by(workers) {
                    let mut s = empty_rx.try_recv().unwrap_or_default();
                    let from = k * SLICE_ROWS;
                    s.read(cells, from, (from + SLICE_ROWS).min(n), offset);
                    // A closed channel: the taker stopped; stop too.
                    if full_tx.send(s).is_err() {
                        break;
                    }
                }
            });
            lanes.push((full_rx, empty_tx));
        }
        for k in 0..slices {
            let (full, empty) = &lanes[k % workers];
            let Ok(s) = full.recv() else {
                return Err(Error::Arrow(arrow_schema::ArrowError::ComputeError(
                    "a worker thread reading rows stopped".into(),
                )));
            };
            account.take(&s);
            // The worker may be done: then the slice is dropped.
            let _ = empty.send(s);
        }
        Ok(())
    })
}
