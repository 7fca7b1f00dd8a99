//! Property tests of the invariants of the measures and indicators.

use proptest::prelude::*;
use utklar_core::synth::OwnedColumns;
use utklar_core::time::{NO_DATE, NO_TIME};
use utklar_core::{
    measure_columns, measure_episodes, CareType, Episode, IndicatorOptions, MeasureSet, Measures,
    Municipality, NegativeDays, NoticeTime, PeriodKind,
};

const D2024: i32 = 19_723; // 2024-01-01

/// Admission relative to the ready day (None: no admission) and seconds of admission, ready
/// and discharge (−1 unknown): exercises the same-day order rules.
type Times = (Option<i32>, i32, i32, i32);

fn times() -> impl Strategy<Value = Times> {
    let second = prop_oneof![Just(-1), 0i32..86_400, 36_000i32..36_060];
    (
        prop_oneof![Just(None), (-1i32..4).prop_map(Some)],
        second.clone(),
        second.clone(),
        second,
    )
}

/// One arbitrary row: municipality index, care, ready day, ready days (may be negative),
/// open, age. Also some invalid values (unknown code, bad care type).
fn row() -> impl Strategy<Value = (u16, u8, i32, i32, bool, i32)> {
    (
        prop_oneof![9 => (0usize..290).prop_map(|i| Municipality::from_index(i).unwrap().code()), 1 => Just(999u16)],
        prop_oneof![19 => 0u8..2, 1 => Just(5u8)],
        D2024..D2024 + 800,
        prop_oneof![6 => Just(0), 4 => 1i32..40, 1 => -3i32..0],
        prop::bool::weighted(0.05),
        prop_oneof![Just(-1), 0i32..100],
    )
}

fn columns(rows: &[(u16, u8, i32, i32, bool, i32)]) -> OwnedColumns {
    columns_timed(rows, &[])
}

fn columns_timed(rows: &[(u16, u8, i32, i32, bool, i32)], t: &[Times]) -> OwnedColumns {
    let mut c = OwnedColumns::default();
    for (i, &(m, care, ready, days, open, age)) in rows.iter().enumerate() {
        let (adm, am, rm, dm) = t
            .get(i)
            .copied()
            .unwrap_or((None, NO_TIME, NO_TIME, NO_TIME));
        c.municipality.push(m);
        c.care_type.push(care);
        c.ready_day.push(ready);
        c.ready_second.push(rm);
        c.discharge_day
            .push(if open { NO_DATE } else { ready + days });
        c.discharge_second.push(if open { NO_TIME } else { dm });
        c.admitted_day.push(adm.map_or(NO_DATE, |k| ready - k));
        c.admitted_second
            .push(if adm.is_some() { am } else { NO_TIME });
        c.age.push(age);
    }
    c
}

fn at(day: i32, second: i32) -> NoticeTime {
    NoticeTime::from_day_seconds(day, second)
}

/// Rows with valid codes as episode values (invalid codes cannot be an Episode).
fn episodes(rows: &[(u16, u8, i32, i32, bool, i32)], t: &[Times]) -> Vec<Episode> {
    rows.iter()
        .enumerate()
        .map(|(i, &(m, care, ready, days, open, age))| {
            let (adm, am, rm, dm) = t
                .get(i)
                .copied()
                .unwrap_or((None, NO_TIME, NO_TIME, NO_TIME));
            let mut e = Episode::new(
                format!("e{i}"),
                Municipality::from_code(m).unwrap(),
                CareType::from_code(care).unwrap(),
                at(ready, rm),
            );
            e.discharged_at = (!open).then(|| at(ready + days, dm));
            e.admitted_at = adm.map(|k| at(ready - k, am));
            e.age = u16::try_from(age).ok();
            e
        })
        .collect()
}

fn opts_strategy() -> impl Strategy<Value = IndicatorOptions> {
    (
        prop_oneof![
            Just(PeriodKind::Month),
            Just(PeriodKind::Quarter),
            Just(PeriodKind::Year)
        ],
        prop_oneof![Just(NegativeDays::Exclude), Just(NegativeDays::Day0)],
        prop_oneof![Just(None), Just(Some(65u16))],
    )
        .prop_map(|(period, negative_days, min_age)| {
            IndicatorOptions::default()
                .period(period)
                .negative_days(negative_days)
                .min_age(min_age)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn splitting_anywhere_and_merging_gives_the_whole(
        rows in prop::collection::vec(row(), 0..300),
        cut in 0usize..300,
        opts in opts_strategy(),
    ) {
        let cut = cut.min(rows.len());
        let all = columns(&rows);
        let whole = measure_columns(&all.view(), &opts).unwrap();
        let (a, b) = (columns(&rows[..cut]), columns(&rows[cut..]));
        let mut left = measure_columns(&a.view(), &opts).unwrap();
        let mut bv = b.view();
        bv.row_offset = cut;
        let right = measure_columns(&bv, &opts).unwrap();
        // Commutative: b + a has the same measures as a + b.
        let mut ba = right.clone();
        ba.merge(&left).unwrap();
        left.merge(&right).unwrap();
        prop_assert_eq!(left.total(), whole.total());
        prop_assert_eq!(left.iter().collect::<Vec<_>>(), whole.iter().collect::<Vec<_>>());
        prop_assert_eq!(ba.iter().collect::<Vec<_>>(), whole.iter().collect::<Vec<_>>());
        prop_assert_eq!(left.report(), whole.report());
    }

    #[test]
    fn merge_is_associative(
        a in prop::collection::vec(row(), 0..80),
        b in prop::collection::vec(row(), 0..80),
        c in prop::collection::vec(row(), 0..80),
    ) {
        let opts = IndicatorOptions::default();
        let m = |r: &[(u16, u8, i32, i32, bool, i32)]| measure_columns(&columns(r).view(), &opts).unwrap();
        let (ma, mb, mc) = (m(&a), m(&b), m(&c));
        let mut ab_c = ma.clone();
        ab_c.merge(&mb).unwrap();
        ab_c.merge(&mc).unwrap();
        let mut bc = mb.clone();
        bc.merge(&mc).unwrap();
        let mut a_bc = ma.clone();
        a_bc.merge(&bc).unwrap();
        prop_assert_eq!(ab_c.iter().collect::<Vec<_>>(), a_bc.iter().collect::<Vec<_>>());
        let empty = MeasureSet::new(PeriodKind::Month);
        let mut with_identity = ma.clone();
        with_identity.merge(&empty).unwrap();
        prop_assert_eq!(with_identity.iter().collect::<Vec<_>>(), ma.iter().collect::<Vec<_>>());
    }

    #[test]
    fn the_two_entry_points_agree(
        rows in prop::collection::vec((row(), times()), 0..300),
        opts in opts_strategy(),
    ) {
        let (valid, t): (Vec<_>, Vec<_>) = rows.into_iter().filter(|(r, _)| r.0 != 999 && r.1 < 2).unzip();
        let by_value = measure_episodes(&episodes(&valid, &t), &opts).unwrap();
        let by_column = measure_columns(&columns_timed(&valid, &t).view(), &opts).unwrap();
        prop_assert_eq!(by_value, by_column);
    }

    #[test]
    fn every_row_is_accounted_for(rows in prop::collection::vec(row(), 0..300), opts in opts_strategy()) {
        let set = measure_columns(&columns(&rows).view(), &opts).unwrap();
        prop_assert!(set.report().balances());
        prop_assert_eq!(set.report().rows_in, rows.len() as u64);
        prop_assert_eq!(set.total().episodes(), set.report().counted);
    }

    #[test]
    fn indicator_invariants(rows in prop::collection::vec(row(), 1..300)) {
        let set = measure_columns(&columns(&rows).view(), &IndicatorOptions::default()).unwrap();
        for (_, _, _, m) in set.iter() {
            prop_assert_eq!(m.day0 + m.ready_ge1, m.episodes());
            let g = m.goal_attainment().unwrap();
            prop_assert!((0.0..=1.0).contains(&g));
            if let (Some(excl), Some(incl)) = (m.mean_days(), m.mean_days_incl_day0()) {
                prop_assert!(incl <= excl + 1e-12);
            }
        }
    }

    #[test]
    fn measures_add_like_numbers(a in (0u64..1000, 0u64..1000, 0u64..100_000), b in (0u64..1000, 0u64..1000, 0u64..100_000)) {
        let x = Measures { day0: a.0, ready_ge1: a.1, ready_days: a.2 };
        let y = Measures { day0: b.0, ready_ge1: b.1, ready_days: b.2 };
        prop_assert_eq!(x + y, y + x);
        prop_assert_eq!((x + y).episodes(), x.episodes() + y.episodes());
        prop_assert_eq!(x + Measures::default(), x);
    }
}
