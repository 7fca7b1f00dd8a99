//! Money is exact or an error: invoices, comparisons and sweeps under extreme amounts, tiers
//! and spans are either the exact figure (recomputed here in 128 bits) or
//! `Error::AmountOverflow`, never a wrong number.

use chrono::{Datelike, Duration, NaiveDate};
use proptest::prelude::*;
use utklar_core::payment::{
    compare, invoice, sweep, Agreement, Amounts, Model, Rate, RateKind, Tier,
};
use utklar_core::{CareType, Episode, Error, PeriodKind};

/// 100 million kr, the largest amount per day accepted.
const MAX_AMOUNT: i64 = 10_000_000_000;

fn date(day: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Duration::days(day)
}

/// Days 1990-01-01 … 2100-12-31 as offsets from 1990-01-01.
const LAST: i64 = 40_541;

fn tiered(grace: u32, tiers: &[(u32, u32)], period: PeriodKind) -> Agreement {
    let mut a = Agreement::statutory();
    a.name = "tiers".into();
    for care in [CareType::Somatic, CareType::Psychiatric] {
        let r = a.rule_mut(care);
        r.noon_rule = false;
        r.grace_days = Some(grace);
        r.period = period;
        // Money over the whole date range: no law start cuts the days (docs/payments.md).
        r.law_from = NaiveDate::from_ymd_opt(1990, 1, 1);
        r.rate = Rate {
            kind: RateKind::Tiers,
            ore: None,
            tiers: Some(
                tiers
                    .iter()
                    .map(|&(from_day, p)| Tier {
                        from_day,
                        ore: None,
                        percent_of_national: Some(p),
                    })
                    .collect(),
            ),
        };
    }
    a
}

fn amounts(by_year: &[i64]) -> Amounts {
    let mut a = Amounts::empty();
    for (i, &o) in by_year.iter().enumerate() {
        a.set(1990 + i as i32, o).unwrap();
    }
    a
}

/// The exact amount of one episode (ready on day `r`, discharged on day `x`, calendar days, no
/// discharge day, no noon rule) in öre, computed day range by day range in 128 bits.
fn expected_line(r: i64, x: i64, grace: u32, tiers: &[(u32, u32)], by_year: &[i64]) -> i128 {
    let n = x - r; // counted days
    let mut hundredths: i128 = 0;
    for (i, &(from, p)) in tiers.iter().enumerate() {
        let to = tiers.get(i + 1).map_or(i64::MAX, |t| i64::from(t.0) - 1);
        let (a, b) = (i64::from(from).max(i64::from(grace) + 1), to.min(n));
        if a > b {
            continue;
        }
        // Day k falls on date r + k − 1.
        let (mut d, last) = (r + a - 1, r + b - 1);
        while d <= last {
            let year = date(d).year();
            let year_end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
            let end = last.min((year_end - date(0)).num_days());
            let days = i128::from(end - d + 1);
            hundredths += days * i128::from(by_year[(year - 1990) as usize]) * i128::from(p);
            d = end + 1;
        }
    }
    (hundredths + 50) / 100
}

fn episodes(spans: &[(i64, i64, bool)]) -> Vec<Episode> {
    let munis = ["0880", "0881", "0180", "1480"];
    spans
        .iter()
        .enumerate()
        .map(|(i, &(r, x, psy))| {
            let care = if psy {
                CareType::Psychiatric
            } else {
                CareType::Somatic
            };
            Episode::new(
                format!("e{i}"),
                munis[i % munis.len()].parse().unwrap(),
                care,
                date(r).into(),
            )
            .discharged(date(x).into())
        })
        .collect()
}

fn check(
    spans: &[(i64, i64, bool)],
    grace: u32,
    tiers: &[(u32, u32)],
    by_year: &[i64],
    period: PeriodKind,
) {
    let eps = episodes(spans);
    let agreement = tiered(grace, tiers, period);
    let amounts = amounts(by_year);
    let exact: i128 = spans
        .iter()
        .map(|&(r, x, _)| expected_line(r, x, grace, tiers, by_year))
        .sum();
    let fits = i64::try_from(exact).is_ok();
    match invoice(&eps, &agreement, &amounts) {
        Ok(inv) => {
            assert!(fits, "an invoice of {exact} öre was accepted");
            assert_eq!(i128::from(inv.amount_ore()), exact);
            assert_eq!(inv.checked_amount_ore().map(i128::from), Some(exact));
            let by_totals: i128 = inv.totals.iter().map(|t| i128::from(t.amount_ore)).sum();
            assert_eq!(by_totals, exact);
            for t in &inv.totals {
                let lines: i128 = inv
                    .lines
                    .iter()
                    .filter(|l| {
                        l.municipality == t.municipality
                            && l.care_type == t.care_type
                            && l.period == t.period
                    })
                    .map(|l| i128::from(l.amount_ore))
                    .sum();
                assert_eq!(lines, i128::from(t.amount_ore));
            }
            let c = compare(
                &eps,
                &[("a", agreement.clone()), ("b", agreement.clone())],
                &amounts,
            )
            .unwrap();
            assert_eq!(i128::from(c.total_ore(1)), exact);
            let rows: i128 = c.rows.iter().map(|r| i128::from(r.amount_ore[0])).sum();
            assert_eq!(rows, exact);
        }
        Err(Error::AmountOverflow {
            ore,
            municipality,
            period,
            ..
        }) => {
            assert!(!fits, "{exact} öre fits but was refused");
            assert!(i64::try_from(ore).is_err());
            assert_eq!(municipality.len(), 4);
            assert!(!period.is_empty());
            let err = compare(&eps, &[("a", agreement.clone())], &amounts).unwrap_err();
            assert!(matches!(err, Error::AmountOverflow { .. }), "{err}");
        }
        Err(e) => panic!("unexpected error {e}"),
    }
    // The sweep over grace days: each variant exact or the sweep refused.
    let graces = [grace, grace + 1];
    let per_variant: Vec<i128> = graces
        .iter()
        .map(|&g| {
            spans
                .iter()
                .map(|&(r, x, _)| expected_line(r, x, g, tiers, by_year))
                .sum()
        })
        .collect();
    match sweep(&eps, &agreement, &amounts, &[], &graces) {
        Ok(s) => {
            for (row, want) in s.rows.iter().zip(&per_variant) {
                assert_eq!(i128::from(row.amount_ore), *want);
                let by: i128 = row
                    .amount_ore_by_municipality
                    .iter()
                    .map(|&x| i128::from(x))
                    .sum();
                assert_eq!(by, *want);
            }
        }
        Err(Error::AmountOverflow { .. }) => {
            assert!(per_variant.iter().any(|v| i64::try_from(*v).is_err()));
        }
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// Ready and discharge days anywhere in 1990–2100: whole-range stays, short ones, any.
fn span() -> impl Strategy<Value = (i64, i64, bool)> {
    let any_span = (0..=LAST).prop_flat_map(|r| (Just(r), r..=LAST));
    let short = (0..=LAST).prop_flat_map(|r| (Just(r), r..=(r + 40).min(LAST)));
    let long = (0..=500i64, (LAST - 500)..=LAST);
    (prop_oneof![long, short, any_span], any::<bool>()).prop_map(|((r, x), psy)| (r, x, psy))
}

fn year_amounts() -> impl Strategy<Value = Vec<i64>> {
    prop_oneof![
        Just(vec![MAX_AMOUNT; 111]),
        prop::collection::vec(0..=MAX_AMOUNT, 111),
    ]
}

fn tier_list() -> impl Strategy<Value = Vec<(u32, u32)>> {
    let pct = || prop_oneof![Just(10_000u32), Just(1_000u32), 1..=10_000u32];
    (pct(), 2..=40_542u32, pct(), any::<bool>()).prop_map(|(p1, f2, p2, two)| {
        if two {
            vec![(1, p1), (f2, p2)]
        } else {
            vec![(1, p1)]
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn amounts_are_exact_or_an_overflow_error(
        spans in prop::collection::vec(span(), 1..1500),
        grace in 0..20u32,
        tiers in tier_list(),
        by_year in year_amounts(),
        yearly in any::<bool>(),
    ) {
        let period = if yearly { PeriodKind::Year } else { PeriodKind::Month };
        check(&spans, grace, &tiers, &by_year, period);
    }
}

#[test]
fn the_issue_case_is_an_error_naming_the_group_and_the_figure() {
    // 2 300 episodes over the whole range, 1 000 % of 100 million kr a day.
    let spans = vec![(0, LAST, false); 2_300];
    let eps = episodes(&spans);
    let a = tiered(3, &[(1, 1000)], PeriodKind::Month);
    let err = invoice(&eps, &a, &amounts(&[MAX_AMOUNT; 111])).unwrap_err();
    let Error::AmountOverflow {
        what,
        municipality,
        care_type,
        period,
        ore,
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(care_type, "somatic");
    assert_eq!(period, "2100-12");
    assert!(["0880", "0881", "0180", "1480"].contains(&municipality.as_str()));
    assert!(*ore > i128::from(i64::MAX), "{ore}");
    assert!(what == "total" || what == "invoice total", "{what}");
    let msg = err.to_string();
    assert!(
        msg.contains(municipality.as_str()) && msg.contains("2100-12"),
        "{msg}"
    );
    assert!(msg.contains(&ore.to_string()), "{msg}");
    // The same in a sweep and a comparison.
    let s = sweep(&eps, &a, &amounts(&[MAX_AMOUNT; 111]), &[], &[3, 4]).unwrap_err();
    assert!(matches!(s, Error::AmountOverflow { .. }), "{s}");
    // At the edge: exactly as many episodes as fit is exact.
    let per = expected_line(0, LAST, 3, &[(1, 1000)], &[MAX_AMOUNT; 111]);
    let fit = (i128::from(i64::MAX) / per) as usize;
    check(
        &vec![(0, LAST, false); fit],
        3,
        &[(1, 1000)],
        &[MAX_AMOUNT; 111],
        PeriodKind::Month,
    );
    check(
        &vec![(0, LAST, false); fit + 1],
        3,
        &[(1, 1000)],
        &[MAX_AMOUNT; 111],
        PeriodKind::Year,
    );
}

#[test]
fn excess_over_threshold_lines_are_exact_or_an_error() {
    // The VGR basis at 100 million kr a day over very long stays.
    let mut a = Agreement::preset("vgr").unwrap();
    for care in [CareType::Somatic, CareType::Psychiatric] {
        let r = a.rule_mut(care);
        r.model = Model::Average;
        r.ceiling_days = None;
        if let Some(avg) = r.average.as_mut() {
            avg.threshold_days = 0.0;
        }
    }
    let by_year = [MAX_AMOUNT; 111];
    for n in [1usize, 5_000, 30_000] {
        let eps = episodes(&vec![(0, LAST, false); n]);
        match invoice(&eps, &a, &amounts(&by_year)) {
            Ok(inv) => {
                let days = i128::from(LAST) * n as i128;
                assert_eq!(i128::from(inv.amount_ore()), days * i128::from(MAX_AMOUNT));
            }
            Err(Error::AmountOverflow { ore, .. }) => {
                assert_eq!(ore, i128::from(LAST) * n as i128 * i128::from(MAX_AMOUNT));
            }
            Err(e) => panic!("{e}"),
        }
    }
}
