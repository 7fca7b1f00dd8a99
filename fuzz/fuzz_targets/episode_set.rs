//! The core's input layer with typed cells: rows of fuzzed [`Value`]s (text, whole numbers,
//! floats with NaN and infinities, booleans, dates, date-times with any second, instants with
//! any `i64`) pushed into an [`EpisodeSet`], which is then measured, invoiced, compared and
//! swept under the four presets.
//!
//! The input is a stream of cells, 14 to a row in `Field::ALL` order: a tag byte says the
//! kind, the bytes after it the value (see [`cell`]).
//!
//! Checks: no panic; `rows_in` is the number of rows pushed; every exclusion report and every
//! invoice balances; an invoice accounts for every row; a comparison's invoices are those of
//! each agreement alone; a sweep's variant with the agreement's own threshold and grace days
//! bills what the agreement bills; amounts are exact or `AmountOverflow`.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use utklar_core::input::{EpisodeSet, Row, Value};
use utklar_core::payment::{Agreement, Amounts};
use utklar_core::{Error, Field, IndicatorOptions, Mode, NegativeDays, PeriodKind};

/// 2025-01-01 as a day number (days since 1970-01-01).
const DAY_2025: i32 = 20_089;
/// 2025-01-01T00:00:00Z in seconds.
const INSTANT_2025: i64 = 1_735_689_600;

/// The presets and two sets of amounts: 11 600 kr a day, and 100 million kr a day (where
/// sums can overflow).
fn fixed() -> &'static (Vec<(String, Agreement)>, [Amounts; 2]) {
    static FIXED: OnceLock<(Vec<(String, Agreement)>, [Amounts; 2])> = OnceLock::new();
    FIXED.get_or_init(|| {
        let every_year = |ore| {
            let mut a = Amounts::empty();
            for y in 1990..=2100 {
                a.set(y, ore).expect("an amount in range");
            }
            a
        };
        let presets = ["statutory", "kalmar", "vgr", "sormland"]
            .iter()
            .map(|n| ((*n).to_string(), Agreement::preset(n).expect("a preset")))
            .collect();
        (presets, [every_year(1_160_000), every_year(10_000_000_000)])
    })
}

/// Takes `n` bytes, or `None` at the end of the input.
fn take<'a>(data: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if data.len() < n {
        return None;
    }
    let (head, rest) = data.split_at(n);
    *data = rest;
    Some(head)
}

fn i32_of(data: &mut &[u8]) -> Option<i32> {
    Some(i32::from_le_bytes(take(data, 4)?.try_into().ok()?))
}

fn i64_of(data: &mut &[u8]) -> Option<i64> {
    Some(i64::from_le_bytes(take(data, 8)?.try_into().ok()?))
}

fn i16_of(data: &mut &[u8]) -> Option<i32> {
    Some(i16::from_le_bytes(take(data, 2)?.try_into().ok()?).into())
}

/// One cell: a tag byte, then its value. Tags 0–7 are the kinds with any value (text of up to
/// 255 bytes cut at its first byte that is not UTF-8); 8–11 are dates, date-times, numbers
/// and instants near 2025, where most valid data is.
fn cell<'a>(data: &mut &'a [u8]) -> Option<Value<'a>> {
    let tag = take(data, 1)?[0];
    Some(match tag % 12 {
        0 => Value::Absent,
        1 => {
            let n = take(data, 1)?[0] as usize;
            let bytes = take(data, n.min(data.len()))?;
            let text = match std::str::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
            };
            Value::Text(text)
        }
        2 => Value::Int(i64_of(data)?),
        3 => Value::Float(f64::from_bits(i64_of(data)? as u64)),
        4 => Value::Bool(take(data, 1)?[0] & 1 == 1),
        5 => Value::Date(i32_of(data)?),
        6 => Value::DateTime {
            day: i32_of(data)?,
            second: i32_of(data)?,
        },
        7 => Value::Instant(i64_of(data)?),
        8 => Value::Date(DAY_2025 + i16_of(data)? / 64),
        9 => Value::DateTime {
            day: DAY_2025 + i16_of(data)? / 64,
            second: i32_of(data)?.rem_euclid(90_000) - 1_000,
        },
        10 => Value::Int(i64::from(take(data, 1)?[0] as i8) + 880 * i64::from(tag & 0x80 != 0)),
        _ => Value::Instant(INSTANT_2025 + i64::from(i32_of(data)?) / 64),
    })
}

fn check_invoice(
    set: &EpisodeSet,
    agreement: &Agreement,
    amounts: &Amounts,
) -> Option<utklar_core::Invoice> {
    match set.invoice(agreement, amounts) {
        Ok(inv) => {
            assert!(inv.balances());
            assert_eq!(inv.episodes_in, set.rows_in());
            assert!(inv.checked_amount_ore().is_some());
            Some(inv)
        }
        Err(Error::AmountOverflow { .. }) => None,
        Err(e) => panic!("invoice: {e}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let mut data = data;
    let mut set = EpisodeSet::new();
    // Refusing personal identity numbers is tested elsewhere; here every row goes on.
    set.allow_personal_ids(true);
    let mut pushed = 0u64;
    let mut row = Row::default();
    'rows: for i in 0..64 {
        row.clear();
        for (k, field) in Field::ALL.into_iter().enumerate() {
            match cell(&mut data) {
                Some(v) => row.set(field, v),
                None if k == 0 => break 'rows,
                None => break,
            }
        }
        let read = set.push(i, &row);
        pushed += 1;
        assert_eq!(set.rows_in(), pushed);
        assert_eq!(
            set.episodes().len() + set.unreadable().len(),
            pushed as usize
        );
        if let Some(u) = set.unreadable().last().filter(|_| !read) {
            assert_eq!(u.row, i);
            assert!(!u.problems.is_empty());
            assert!(u.problems.iter().all(|p| p.row == i));
        }
    }

    for opts in [
        IndicatorOptions::default(),
        IndicatorOptions::default()
            .period(PeriodKind::Quarter)
            .negative_days(NegativeDays::Day0)
            .min_age(Some(65))
            .mode(Mode::Lenient),
        IndicatorOptions::default()
            .period(PeriodKind::Year)
            .negative_days(NegativeDays::Error)
            .min_age(None)
            .mode(Mode::Strict),
    ] {
        match set.measure(&opts) {
            Ok(m) => {
                assert!(m.report().balances(), "{:?}", m.report());
                assert_eq!(m.report().rows_in, pushed);
                if opts.mode == Mode::Strict {
                    assert!(set.unreadable().is_empty());
                }
            }
            Err(Error::Invalid(problems)) => assert!(!problems.is_empty()),
            Err(e) => panic!("measure: {e}"),
        }
    }

    let (presets, amounts) = fixed();
    for amounts in amounts {
        let invoices: Vec<_> = presets
            .iter()
            .map(|(_, a)| check_invoice(&set, a, amounts))
            .collect();
        match set.compare(presets, amounts) {
            Ok(c) => {
                for (got, want) in c.invoices.iter().zip(&invoices) {
                    assert_eq!(Some(got), want.as_ref());
                }
            }
            Err(Error::AmountOverflow { .. }) => assert!(invoices.iter().any(Option::is_none)),
            Err(e) => panic!("compare: {e}"),
        }
        // Kalmar's own threshold and grace days (the same for both care types) as the
        // middle variant of a 3 × 3 sweep.
        let (_, kalmar) = &presets[1];
        let threshold =
            |r: &utklar_core::payment::CareRule| r.average.as_ref().map(|a| a.threshold_days);
        let own_t = threshold(&kalmar.somatic).expect("kalmar has a threshold");
        let own_g = kalmar.somatic.grace_days.expect("kalmar has grace days");
        assert_eq!(threshold(&kalmar.psychiatric), Some(own_t));
        assert_eq!(kalmar.psychiatric.grace_days, Some(own_g));
        match set.sweep(kalmar, amounts, &[0.0, own_t, 2.5], &[0, own_g, 30]) {
            Ok(s) => {
                assert_eq!(s.rows.len(), 9);
                if let Some(inv) = &invoices[1] {
                    assert_eq!(s.rows[4].amount_ore, inv.amount_ore());
                    assert_eq!(s.rows[4].billed_days, inv.billed_days());
                }
            }
            Err(Error::AmountOverflow { .. }) => {}
            Err(e) => panic!("sweep: {e}"),
        }
    }
});
