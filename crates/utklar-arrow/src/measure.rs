//! Measures of a stream of record batches, in one pass over bounded windows of rows.
//!
//! The batches are taken in windows of at least a million rows (as many as the rows before
//! them, up to four million, and no more than 256 MB of Arrow buffers unless one batch is
//! larger: a batch is never split), and each window in three steps, each on up to one worker
//! thread per core over consecutive slices of rows:
//!
//! 1. the ids of the window's rows are read into runs ([`IdRun`]);
//! 2. the detector checks them ([`EpisodeReader::check_runs`]: held apart while they come in
//!    ascending order, else sorted by its shards and checked shard by shard) and names the
//!    rows whose id repeats — the rows the row-by-row check would name, in any window;
//! 3. each slice is read column by column through the core's columnar reader
//!    ([`ColumnBatch`]: every field's rule, the rows with a problem read again whole by the row
//!    reader; its ids, hashed in step 1, not again: [`ColumnBatch::start_checked`]), told its
//!    repeated rows ([`ColumnBatch::mark_repeated`]), and added to the
//!    worker's own [`MeasureSet`] — to the measures or to the account.
//!
//! The workers' sets are merged and their problems put back in row order
//! ([`MeasureSet::sort_problems_by_row`]): the result is the one of reading the rows one by
//! one. A window holds its batches (a stream's, until the window is measured), 10 bytes a row
//! for its ids (18 while they are sorted by shard), and each worker one slice; ids in
//! ascending order are held by the detector, 8 bytes a row, until one comes out of order.

use arrow_array::{RecordBatch, RecordBatchReader};
use utklar_core::input::{ColumnBatch, ColumnMap, EpisodeReader, IdRun};
use utklar_core::{IndicatorOptions, MeasureSet};

use crate::{column_map, BatchCells, Error};

/// Rows per slice: what a worker reads at a time.
const SLICE_ROWS: usize = 8192;

/// Rows of the smallest and the largest window (a window also takes as many rows as came
/// before it, so the detector's tables are swept a few times, not once a batch).
const MIN_WINDOW: usize = 1 << 20;
const MAX_WINDOW: usize = 1 << 22;

/// The most Arrow memory a window holds before it is measured, unless one batch is larger.
const MAX_WINDOW_BYTES: usize = 256 << 20;

/// Most worker threads.
const MAX_THREADS: usize = 8;

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
    measure_in_windows(
        reader,
        opts,
        threads,
        allow_personal_ids,
        (MIN_WINDOW, MAX_WINDOW, MAX_WINDOW_BYTES),
    )
}

/// [`measure_with_threads`] in windows of `windows.0` to `windows.1` rows, closed early at
/// `windows.2` bytes of Arrow buffers.
fn measure_in_windows(
    reader: impl RecordBatchReader,
    opts: &IndicatorOptions,
    threads: usize,
    allow_personal_ids: bool,
    windows: (usize, usize, usize),
) -> Result<MeasureSet, Error> {
    let map = column_map(&reader.schema())?;
    let mut ids = EpisodeReader::new();
    ids.allow_personal_ids(allow_personal_ids);
    let mut set = MeasureSet::new(opts.period);
    let mut workers: Vec<Worker> = (0..threads.clamp(1, MAX_THREADS))
        .map(|_| Worker::default())
        .collect();
    let mut measure = |window: &[RecordBatch], offset: usize| {
        measure_window(window, &map, offset, &mut workers, &mut ids, &mut set, opts)
    };
    let mut window: Vec<RecordBatch> = Vec::new();
    let (mut offset, mut held, mut bytes) = (0usize, 0usize, 0usize);
    for batch in reader {
        let batch = batch?;
        held += batch.num_rows();
        bytes = bytes.saturating_add(batch.get_array_memory_size());
        window.push(batch);
        if held >= offset.clamp(windows.0, windows.1) || bytes >= windows.2 {
            measure(&window, offset)?;
            offset += held;
            (held, bytes) = (0, 0);
            window.clear();
        }
    }
    measure(&window, offset)?;
    ids.finish()?;
    set.sort_problems_by_row();
    Ok(set.finish(opts)?)
}

/// What a worker keeps from window to window: its ids and its slice (their room).
struct Worker {
    run: IdRun,
    slice: ColumnBatch,
}

impl Default for Worker {
    fn default() -> Self {
        Worker {
            run: IdRun::new(0),
            slice: ColumnBatch::new(),
        }
    }
}

/// Rows `from..to` of batch `batch` of a window, the first of them input row `row`.
#[derive(Debug, Clone, Copy)]
struct Slice {
    batch: usize,
    from: usize,
    to: usize,
    row: usize,
}

/// Adds the rows of `batches`, the first of them input row `offset`, to `set`, their ids
/// checked by `ids` (see the [module](self)).
fn measure_window(
    batches: &[RecordBatch],
    map: &ColumnMap,
    offset: usize,
    workers: &mut [Worker],
    ids: &mut EpisodeReader,
    set: &mut MeasureSet,
    opts: &IndicatorOptions,
) -> Result<(), Error> {
    let cells = batches
        .iter()
        .map(|b| BatchCells::new(b, map))
        .collect::<Result<Vec<_>, _>>()?;
    let mut slices = Vec::new();
    let mut row = offset;
    for (batch, c) in cells.iter().enumerate() {
        let n = c.len();
        for from in (0..n).step_by(SLICE_ROWS) {
            let to = (from + SLICE_ROWS).min(n);
            slices.push(Slice {
                batch,
                from,
                to,
                row: row + from,
            });
        }
        row += n;
    }
    if slices.is_empty() {
        return Ok(());
    }
    // Each worker takes consecutive slices, the same in both steps.
    let used = workers.len().min(slices.len());
    let workers = &mut workers[..used];
    let per = slices.len().div_ceil(workers.len());
    let part = |w: usize| &slices[(w * per).min(slices.len())..((w + 1) * per).min(slices.len())];
    on_workers(workers, |w, worker| {
        let slices = part(w);
        worker.run.start(slices.first().map_or(row, |s| s.row));
        worker
            .run
            .reserve(slices.iter().map(|s| s.to - s.from).sum());
        for s in slices {
            cells[s.batch].push_ids(s.from, s.to, &mut worker.run);
        }
        Ok(())
    })?;
    let threads = workers.len();
    let mut runs: Vec<&mut IdRun> = workers.iter_mut().map(|w| &mut w.run).collect();
    let repeated = ids.check_runs(&mut runs, threads);
    let sets = on_workers(workers, |w, worker| {
        let mut set = MeasureSet::new(opts.period);
        for s in part(w) {
            worker.slice.start_checked(s.row, s.to - s.from);
            cells[s.batch].feed(s.from, s.to, &mut worker.slice);
            worker.slice.mark_repeated(&repeated);
            worker.slice.push(&mut set, opts)?;
        }
        Ok(set)
    })?;
    for part in &sets {
        set.merge(part)?;
    }
    Ok(())
}

/// `work(w, worker)` for each worker, the first on this thread and the others on threads of
/// their own; the results in worker order, or the first error.
fn on_workers<T: Send>(
    workers: &mut [Worker],
    work: impl Fn(usize, &mut Worker) -> Result<T, Error> + Sync,
) -> Result<Vec<T>, Error> {
    let work = &work;
    let Some((first, others)) = workers.split_first_mut() else {
        return Ok(Vec::new());
    };
    if others.is_empty() {
        return Ok(vec![work(0, first)?]);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = others
            .iter_mut()
            .enumerate()
            .map(|(w, worker)| scope.spawn(move || work(w + 1, worker)))
            .collect();
        let mut out = vec![work(0, first)];
        for h in handles {
            out.push(h.join().unwrap_or_else(|_| {
                Err(Error::Arrow(arrow_schema::ArrowError::ComputeError(
                    "a worker thread measuring rows stopped".into(),
                )))
            }));
        }
        out.into_iter().collect()
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, RecordBatch, RecordBatchIterator, StringArray};
    use utklar_core::{IndicatorOptions, Reason};

    use super::measure_in_windows;

    /// Rows with ids repeated far apart (across windows), some unreadable, in batches.
    fn batches() -> Vec<RecordBatch> {
        let n = 30_000;
        let col = |f: &dyn Fn(usize) -> Option<String>| -> ArrayRef {
            Arc::new((0..n).map(f).collect::<StringArray>())
        };
        let all = RecordBatch::try_from_iter([
            (
                "episode_id",
                col(&|i| {
                    (i % 97 != 0).then(|| format!("E{}", if i % 5 == 0 { i / 50 } else { i }))
                }),
            ),
            (
                "patient_id",
                col(&|i| {
                    Some(if i % 4000 == 0 {
                        "191212121212".into()
                    } else {
                        format!("P{i}")
                    })
                }),
            ),
            (
                "municipality",
                col(&|i| Some(["0880", "0180", "0999"][i % 3].into())),
            ),
            (
                "care_type",
                col(&|i| Some(["somatic", "psychiatric"][i % 2].into())),
            ),
            (
                "ready_at",
                col(&|i| Some(format!("2025-0{}-1{}", 1 + i % 9, i % 10))),
            ),
            (
                "discharged_at",
                col(&|i| Some(format!("2025-0{}-1{}", 1 + i % 9, (i / 3) % 10))),
            ),
        ])
        .unwrap();
        [0..9_000, 9_000..9_001, 9_001..21_000, 21_000..30_000]
            .into_iter()
            .map(|r| all.slice(r.start, r.end - r.start))
            .collect()
    }

    #[test]
    fn windows_of_any_size_give_one_answer() {
        let batches = batches();
        let schema = batches[0].schema();
        let opts = IndicatorOptions::default();
        let run = |threads: usize, windows: (usize, usize, usize)| {
            measure_in_windows(
                RecordBatchIterator::new(batches.clone().into_iter().map(Ok), schema.clone()),
                &opts,
                threads,
                true,
                windows,
            )
            .unwrap()
        };
        let want = run(1, (1 << 20, 1 << 22, usize::MAX));
        let report = want.report();
        assert_eq!(report.rows_in, 30_000);
        assert!(report.count(Reason::DuplicateEpisodeId) > 500);
        assert!(report.count(Reason::MissingField) > 200);
        for threads in [1, 2, 3] {
            for windows in [
                (1, 1, usize::MAX),
                (5_000, 5_000, usize::MAX),
                (2_000, 12_000, usize::MAX),
                (1 << 20, 1 << 22, 1),
                (1 << 20, 1 << 22, super::MAX_WINDOW_BYTES),
            ] {
                assert_eq!(
                    run(threads, windows),
                    want,
                    "{threads} threads, {windows:?}"
                );
            }
        }
        // Personal identity numbers are refused unless allowed, whatever the windows.
        let refused = measure_in_windows(
            RecordBatchIterator::new(batches.clone().into_iter().map(Ok), schema.clone()),
            &opts,
            2,
            false,
            (3_000, 3_000, usize::MAX),
        );
        assert!(refused.is_err());
    }
}
