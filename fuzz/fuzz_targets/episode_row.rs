//! The text-row reader: fuzzed cells set on a [`RawEpisode`] and read by one
//! [`EpisodeReader`] (repeated ids included); every row is an episode or problems naming the
//! row, and what was read goes through the indicators, the extras and an invoice.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use utklar_core::payment::{invoice, Agreement, Amounts};
use utklar_core::validate::{EpisodeReader, Field, RawEpisode};
use utklar_core::{extras, indicators, GroupBy, IndicatorOptions, Population};

/// What every run shares: the population, an amount for every year, the presets.
fn fixed() -> &'static (Population, Amounts, Vec<Agreement>) {
    static FIXED: OnceLock<(Population, Amounts, Vec<Agreement>)> = OnceLock::new();
    FIXED.get_or_init(|| {
        let mut amounts = Amounts::empty();
        for y in 1990..=2100 {
            amounts.set(y, 1_160_000).expect("an amount in range");
        }
        let presets = ["statutory", "kalmar", "vgr", "sormland"]
            .iter()
            .map(|n| Agreement::preset(n).expect("a preset"))
            .collect();
        (Population::builtin(), amounts, presets)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut reader = EpisodeReader::new();
    let mut episodes = Vec::new();
    // Rows are separated by a newline, cells by `|`, in the order of `Field::ALL`.
    for (row, line) in text.split('\n').take(64).enumerate() {
        let mut raw = RawEpisode::default();
        for (field, cell) in Field::ALL.iter().zip(line.split('|')) {
            raw.set(*field, cell);
        }
        match reader.read(row, &raw) {
            Ok(e) => episodes.push(e),
            Err(problems) => {
                assert!(!problems.is_empty());
                assert!(problems.iter().all(|p| p.row == row));
            }
        }
    }
    let (pop, amounts, presets) = fixed();
    let opts = IndicatorOptions::default();
    for by in [GroupBy::Municipality, GroupBy::County, GroupBy::Nation] {
        if let Ok(mut rep) = indicators(&episodes, &opts, by, Some(pop), None) {
            assert!(rep.exclusions.balances());
            rep.suppress_below(3);
        }
        let _ = extras::persons(&episodes, &opts, by);
        let _ = extras::readmissions(&episodes, &opts, by, 30);
    }
    let _ = extras::planned_accuracy(&episodes, &opts);
    if let Some(e) = episodes.first() {
        let _ = extras::census(&episodes, e.ready_at.date);
    }
    for a in presets {
        let inv = invoice(&episodes, a, amounts).expect("every year has an amount");
        assert!(inv.balances());
    }
});
