//! Monthly indicators through both entry points, and a memory-bandwidth baseline.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use utklar_core::{measure_columns, measure_episodes, synth, IndicatorOptions};

fn indicators(c: &mut Criterion) {
    let opts = IndicatorOptions::default();
    let mut g = c.benchmark_group("monthly_indicators");
    g.sample_size(10);
    for n in [1_000_000usize, 10_000_000] {
        let cols = utklar_benches::columns(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(format!("columnar/{n}"), |b| {
            b.iter(|| measure_columns(black_box(&cols.view()), &opts).unwrap());
        });
        g.bench_function(format!("columnar_required_only/{n}"), |b| {
            let full = cols.view();
            let v = utklar_core::EpisodeColumns {
                municipality: full.municipality,
                care_type: full.care_type,
                ready_day: full.ready_day,
                discharge_day: full.discharge_day,
                ..Default::default()
            };
            b.iter(|| measure_columns(black_box(&v), &opts).unwrap());
        });
        // Baseline: summing the four columns the hot path reads, the machine's limit.
        g.bench_function(format!("bandwidth_baseline/{n}"), |b| {
            b.iter(|| {
                let s: u64 = cols.municipality.iter().map(|&x| u64::from(x)).sum::<u64>()
                    + cols.care_type.iter().map(|&x| u64::from(x)).sum::<u64>()
                    + cols.ready_day.iter().map(|&x| x as u64).sum::<u64>()
                    + cols.discharge_day.iter().map(|&x| x as u64).sum::<u64>();
                black_box(s)
            });
        });
        if n == 1_000_000 {
            let eps = synth::generate(&synth::SynthOptions {
                episodes: n,
                seed: 42,
                ..Default::default()
            });
            g.bench_function(format!("values/{n}"), |b| {
                b.iter(|| measure_episodes(black_box(&eps), &opts).unwrap());
            });
        }
    }
    g.finish();
}

criterion_group!(benches, indicators);
criterion_main!(benches);
