//! Timing of the phases of `utklar_arrow::measure` over generated episodes (a development aid):
//! `cargo run --release -p utklar-arrow --example time_measure -- 2000000`; with a second
//! argument `measure`, only the columnar reader's phases and the measures (`WAIT_SECS=3` waits
//! before them, to attach a profiler; `PHASES_ONLY=1` stops after the phases, on one thread; `MEASURE_ONLY=1` times only
//! `measure`, on one and two workers).

use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Int64Array, RecordBatch, RecordBatchIterator, StringArray,
    TimestampMicrosecondArray,
};
use utklar_core::input::{EpisodeReader, Row};
use utklar_core::{synth, Episode, IndicatorOptions};

fn micros(t: Option<utklar_core::NoticeTime>) -> Option<i64> {
    use chrono::Timelike;
    t.map(|t| {
        (i64::from(t.day()) * 86_400
            + t.time
                .map_or(0, |x| i64::from(x.num_seconds_from_midnight())))
            * 1_000_000
    })
}

type Get<'a, T> = &'a dyn Fn(&Episode) -> T;

/// Times `measure` over `batch` on each of `threads` workers in turn.
fn time_measures(batch: &RecordBatch, threads: &[usize]) {
    for &th in threads {
        let t = Instant::now();
        let m = utklar_arrow::measure_with_threads(
            RecordBatchIterator::new([Ok(batch.clone())], batch.schema()),
            &IndicatorOptions::default(),
            th,
            false,
        )
        .expect("measures");
        println!(
            "measure, {th} workers: {:?} counted {}",
            t.elapsed(),
            m.report().counted
        );
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(2_000_000, |s| s.parse().expect("a row count"));
    let eps = synth::generate(&synth::SynthOptions {
        episodes: n,
        seed: 1,
        ..Default::default()
    });
    let text = |f: Get<'_, Option<String>>| {
        Arc::new(eps.iter().map(f).collect::<StringArray>()) as ArrayRef
    };
    let ts = |f: Get<'_, Option<i64>>| {
        Arc::new(eps.iter().map(f).collect::<TimestampMicrosecondArray>()) as ArrayRef
    };
    let b = |f: Get<'_, bool>| {
        Arc::new(eps.iter().map(|e| Some(f(e))).collect::<BooleanArray>()) as ArrayRef
    };
    let batch = RecordBatch::try_from_iter([
        ("episode_id", text(&|e| Some(e.episode_id.clone()))),
        ("patient_id", text(&|e| e.patient_id.clone())),
        ("municipality", text(&|e| Some(e.municipality.to_string()))),
        (
            "care_type",
            text(&|e| Some(e.care_type.as_str().to_string())),
        ),
        ("admitted_at", ts(&|e| micros(e.admitted_at))),
        ("ready_at", ts(&|e| micros(Some(e.ready_at)))),
        ("discharged_at", ts(&|e| micros(e.discharged_at))),
        ("home_ready_at", ts(&|e| micros(e.home_ready_at))),
        (
            "planned_discharge_date",
            Arc::new(
                eps.iter()
                    .map(|e| e.planned_discharge_date.map(utklar_core::time::day_number))
                    .collect::<Date32Array>(),
            ) as ArrayRef,
        ),
        (
            "age",
            Arc::new(
                eps.iter()
                    .map(|e| e.age.map(i64::from))
                    .collect::<Int64Array>(),
            ) as ArrayRef,
        ),
        ("admission_notice_sent", b(&|e| e.admission_notice_sent)),
        ("sip_required", b(&|e| e.sip_required)),
        ("sip_called", b(&|e| e.sip_called)),
        ("region_blocked", b(&|e| e.region_blocked)),
    ])
    .expect("a batch");
    drop(eps);
    // `time_measure N measure`: only the measures, on one and two workers (for a profiler).
    let only_measure = std::env::args().nth(2).is_some_and(|a| a == "measure");
    let map = utklar_arrow::column_map(&batch.schema()).expect("the columns");
    let cells = utklar_arrow::BatchCells::new(&batch, &map).expect("readable types");
    let mut row = Row::default();
    if only_measure {
        eprintln!("generated; pid {}", std::process::id());
        if let Ok(wait) = std::env::var("WAIT_SECS") {
            std::thread::sleep(Duration::from_secs(wait.parse().unwrap_or(0)));
        }
        // `MEASURE_ONLY=1`: only `measure`, on one and on two workers, three times each.
        if std::env::var_os("MEASURE_ONLY").is_some() {
            time_measures(&batch, &[1, 2, 1, 2, 1, 2]);
            return;
        }
        // The phases of the columnar reader, one thread.
        let (mut t_read, mut t_dup, mut t_push) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        let mut b = utklar_core::input::ColumnBatch::new();
        let mut r = EpisodeReader::new();
        r.reserve(n);
        let opts = IndicatorOptions::default();
        let mut set = utklar_core::MeasureSet::new(opts.period);
        let mut whole = 0;
        for from in (0..n).step_by(8192) {
            let to = (from + 8192).min(n);
            let t = Instant::now();
            b.start(from, to - from);
            cells.feed(from, to, &mut b);
            t_read += t.elapsed();
            whole += b.rows_read_whole();
            let t = Instant::now();
            b.check_duplicates(&mut r);
            t_dup += t.elapsed();
            let t = Instant::now();
            b.push(&mut set, &opts).expect("pushed");
            t_push += t.elapsed();
        }
        if std::env::var_os("PHASES_ONLY").is_some() {
            println!("columnar phases: read {t_read:?}, duplicates {t_dup:?}, push {t_push:?}; {whole} rows read whole");
            return;
        }
        // The required columns, then each other column with them: what each costs.
        let schema = batch.schema();
        let required = ["episode_id", "municipality", "care_type", "ready_at"];
        let time_of = |names: &[&str], b: &mut utklar_core::input::ColumnBatch| {
            let idx: Vec<usize> = names
                .iter()
                .map(|n| schema.index_of(n).expect("a column"))
                .collect();
            let one = batch.project(&idx).expect("columns");
            let map = utklar_core::input::ColumnMap::new(names).expect("a map");
            let c = utklar_arrow::BatchCells::new(&one, &map).expect("readable");
            // The best of five: the machine's other work adds, never subtracts.
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    for from in (0..n).step_by(8192) {
                        let to = (from + 8192).min(n);
                        b.start(from, to - from);
                        c.feed(from, to, b);
                    }
                    t.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let base = time_of(&required, &mut b);
        for r in required {
            let without: Vec<&str> = required.iter().copied().filter(|&x| x != r).collect();
            let t = time_of(&without, &mut b);
            println!(
                "  {r}: about {:?} (the others: {t:?})",
                base.saturating_sub(t)
            );
        }
        for f in schema.fields() {
            if required.contains(&f.name().as_str()) {
                continue;
            }
            let mut names = required.to_vec();
            names.push(f.name());
            let t = time_of(&names, &mut b);
            println!("  {}: {:?}", f.name(), t.saturating_sub(base));
        }
        println!("  required four: {base:?}");
        println!("columnar phases: read {t_read:?}, duplicates {t_dup:?}, push {t_push:?}; {whole} rows read whole");
        time_measures(&batch, &[1, 2]);
        return;
    }
    let t = Instant::now();
    let mut absent = 0u64;
    for i in 0..n {
        cells.fill(i, &mut row);
        absent += u64::from(row.value(utklar_core::Field::Age).is_absent());
    }
    println!("fill only: {:?} ({absent})", t.elapsed());
    let t = Instant::now();
    let mut probs = Vec::new();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        cells.fill(i, &mut row);
        let (id, f) = EpisodeReader::read_facts(i, &row, &mut probs);
        ids.push(id);
        std::hint::black_box(f);
    }
    println!("fill + read_facts: {:?}", t.elapsed());
    let t = Instant::now();
    let mut r = EpisodeReader::new();
    for c in ids.chunks(8192) {
        r.prefetch(c.iter().flatten().copied());
        for (i, id) in c.iter().enumerate() {
            if let Some(id) = id {
                r.check_duplicate(i, *id, &mut probs);
            }
        }
    }
    println!("duplicates: {:?}", t.elapsed());
    time_measures(&batch, &[1, 2, 3]);
}
