//! Measures of a stream of record batches, in one pass and bounded memory.
//!
//! Each batch is cut into slices, read column by column through the core's columnar reader
//! ([`ColumnBatch`]: every field's rule, the rows with a problem read again whole by the row
//! reader). A worker thread reads a slice and hands its ids to this thread, which checks them
//! for repeats in row order ([`ColumnBatch::check_duplicates`]) and hands the slice back; the
//! worker then adds its rows to its own [`MeasureSet`] — to the measures or to the account. The
//! workers' sets are merged and their problems put back in row order
//! ([`MeasureSet::sort_problems_by_row`]): the result is the one of reading the rows one by
//! one.

use std::sync::mpsc;

use arrow_array::RecordBatchReader;
use utklar_core::input::{ColumnBatch, EpisodeReader};
use utklar_core::{IndicatorOptions, MeasureSet};

use crate::{column_map, BatchCells, Error};

/// Rows per slice: what a worker reads before handing it over.
const SLICE_ROWS: usize = 8192;

/// Slices in flight per worker (the memory held beside the input is bounded by this).
const IN_FLIGHT: usize = 3;

/// Most worker threads.
const MAX_THREADS: usize = 8;

/// Reads rows `from..to` of `cells`, the batch whose first row is input row `offset`.
fn read(slice: &mut ColumnBatch, cells: &BatchCells<'_>, from: usize, to: usize, offset: usize) {
    slice.start(offset + from, to - from);
    cells.feed(from, to, slice);
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
    let mut slice = ColumnBatch::new();
    for batch in reader {
        let batch = batch?;
        let cells = BatchCells::new(&batch, &map)?;
        let n = cells.len();
        ids.reserve(n);
        let slices = n.div_ceil(SLICE_ROWS);
        let workers = threads.min(slices);
        if workers <= 1 {
            for k in 0..slices {
                let from = k * SLICE_ROWS;
                read(&mut slice, &cells, from, (from + SLICE_ROWS).min(n), offset);
                slice.check_duplicates(&mut ids);
                slice.push(&mut set, opts)?;
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
            let (read_tx, read_rx) = mpsc::sync_channel::<ColumnBatch>(IN_FLIGHT);
            let (checked_tx, checked_rx) = mpsc::channel::<ColumnBatch>();
            handles.push(scope.spawn(move || -> Result<MeasureSet, Error> {
                let mut set = MeasureSet::new(opts.period);
                let mut spare: Vec<ColumnBatch> = Vec::new();
                let mut pending = 0usize;
                let take = |mut s: ColumnBatch,
                            set: &mut MeasureSet,
                            spare: &mut Vec<ColumnBatch>|
                 -> Result<(), Error> {
                    s.push(set, opts)?;
                    spare.push(s);
                    Ok(())
                };
                for k in (w..slices).step_by(workers) {
                    let mut s = spare.pop().unwrap_or_default();
                    let from = k * SLICE_ROWS;
                    read(&mut s, cells, from, (from + SLICE_ROWS).min(n), offset);
                    // A closed channel: the checker stopped; stop too.
                    if read_tx.send(s).is_err() {
                        return Err(stopped());
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
                        take(c, &mut set, &mut spare)?;
                        pending -= 1;
                    }
                    if pending >= IN_FLIGHT {
                        return Err(stopped());
                    }
                }
                drop(read_tx);
                while pending > 0 {
                    let c = checked_rx.recv().map_err(|_| stopped())?;
                    take(c, &mut set, &mut spare)?;
                    pending -= 1;
                }
                Ok(set)
            }));
            lanes.push((read_rx, checked_tx));
        }
        for k in 0..slices {
            let (read, checked) = &lanes[k % workers];
            let Ok(mut s) = read.recv() else {
                return Err(stopped());
            };
            s.check_duplicates(ids);
            if checked.send(s).is_err() {
                return Err(stopped());
            }
        }
        drop(lanes);
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(stopped())))
            .collect()
    })
}
