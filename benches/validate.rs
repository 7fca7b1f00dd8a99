//! Validation of 1 million text rows: `EpisodeReader` turning CSV-like cells into episodes,
//! with every bad-input check (docs/bad-input.md) and the duplicate-id table.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use utklar_core::synth::{generate_each, SynthOptions};
use utklar_core::validate::{EpisodeReader, Field, RawEpisode};

/// One row's cells as text, in `Field::ALL` order (empty = absent).
fn text_rows(n: usize) -> Vec<[String; 14]> {
    let mut rows = Vec::with_capacity(n);
    generate_each(
        &SynthOptions {
            episodes: n,
            seed: 42,
            ..SynthOptions::default()
        },
        |e| {
            let opt = |t: Option<String>| t.unwrap_or_default();
            rows.push([
                e.episode_id.clone(),
                opt(e.patient_id.clone()),
                e.municipality.to_string(),
                e.care_type.to_string(),
                opt(e.admitted_at.map(|t| t.to_string())),
                e.ready_at.to_string(),
                opt(e.discharged_at.map(|t| t.to_string())),
                opt(e.home_ready_at.map(|t| t.to_string())),
                opt(e.planned_discharge_date.map(|d| d.to_string())),
                opt(e.age.map(|a| a.to_string())),
                e.admission_notice_sent.to_string(),
                e.sip_required.to_string(),
                e.sip_called.to_string(),
                e.region_blocked.to_string(),
            ]);
        },
    );
    rows
}

fn validate(c: &mut Criterion) {
    let n = 1_000_000;
    let rows = text_rows(n);
    let mut g = c.benchmark_group("validate");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("text_rows/{n}"), |b| {
        b.iter(|| {
            let mut reader = EpisodeReader::new();
            let mut raw = RawEpisode::default();
            let mut bad = 0usize;
            for (i, cells) in rows.iter().enumerate() {
                raw.clear();
                for (f, cell) in Field::ALL.into_iter().zip(cells) {
                    raw.set(f, cell);
                }
                bad += usize::from(reader.read(i, &raw).is_err());
            }
            black_box(bad)
        });
    });
    g.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
