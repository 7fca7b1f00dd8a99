//! The payment engine: a 1 000-variant sweep over a national year, and invoices under
//! `statutory`, `kalmar` and `vgr` over 1 million episodes.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use utklar_core::payment::{invoice, sweep, Agreement, Amounts};
use utklar_core::synth;

/// The sourced national amounts, plus a bench-only amount for 2023 (no sourced national
/// amount exists for it) and 2025, so that every care day of the generated years has a price.
fn amounts() -> Amounts {
    Amounts::national()
        .with(2023, 1_050_000)
        .and_then(|a| a.with(2025, 1_200_000))
        .expect("valid amounts")
}

fn payment(c: &mut Criterion) {
    let amounts = amounts();

    // 1 000 variants (100 thresholds × 10 grace values) over a national year (~850 000
    // episodes), the whole call: classification, histograms and the variants.
    let national = synth::generate(&synth::SynthOptions::national_year(2023));
    let thresholds: Vec<f64> = (0..100).map(|i| f64::from(i) * 0.05).collect();
    let graces: Vec<u32> = (0..10).collect();
    let mut g = c.benchmark_group("payment_sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(national.len() as u64));
    // One variant: what the classification and histograms cost, without the grid.
    let kalmar = Agreement::preset("kalmar").expect("preset");
    g.bench_function("kalmar/1_variant/national_year", |b| {
        b.iter(|| sweep(black_box(&national), &kalmar, &amounts, &[0.8], &[3]).expect("sweep"));
    });
    for name in ["kalmar", "vgr", "statutory"] {
        let agreement = Agreement::preset(name).expect("preset");
        g.bench_function(format!("{name}/1000_variants/national_year"), |b| {
            b.iter(|| {
                sweep(
                    black_box(&national),
                    &agreement,
                    &amounts,
                    &thresholds,
                    &graces,
                )
                .expect("sweep")
            });
        });
    }
    g.finish();

    let n = 1_000_000usize;
    let episodes = synth::generate(&synth::SynthOptions {
        episodes: n,
        seed: 42,
        year: 2024,
        ..Default::default()
    });
    let mut g = c.benchmark_group("payment_invoice");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    for name in ["statutory", "kalmar", "vgr"] {
        let agreement = Agreement::preset(name).expect("preset");
        g.bench_function(format!("{name}/{n}"), |b| {
            b.iter(|| invoice(black_box(&episodes), &agreement, &amounts).expect("invoice"));
        });
    }
    g.finish();
}

criterion_group!(benches, payment);
criterion_main!(benches);
