//! Odd input to the public functions of the core gives an answer or an error, never a panic.
//! Each case here once panicked, looped or ran out of memory.

use chrono::NaiveDate;
use utklar_core::payment::{invoice, sweep, Agreement, Amounts, DayCount, NotBilledReason};
use utklar_core::{
    calendar, extras, indicators, synth, CareType, Episode, GroupBy, IndicatorOptions,
    Municipality, Period, PeriodKind, Population,
};

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn every_year(ore: i64) -> Amounts {
    let mut a = Amounts::empty();
    for y in 1990..=2100 {
        a.set(y, ore).unwrap();
    }
    a
}

#[test]
fn episodes_with_dates_far_outside_the_range_are_bad_data() {
    let k: Municipality = "0880".parse().unwrap();
    let far = [
        (d(1800, 1, 1), d(1801, 1, 1)),
        (d(1989, 12, 31), d(1990, 1, 2)),
        (d(2100, 12, 30), d(2101, 1, 1)),
        (d(1990, 1, 1), d(2500, 1, 1)),
        (NaiveDate::MIN, NaiveDate::MAX),
        (d(200_000, 1, 1), d(200_001, 1, 1)),
    ];
    for (ready, discharged) in far {
        let e = Episode::new("a", k, CareType::Somatic, ready.into())
            .discharged(discharged.into())
            .patient("p");
        let eps = [e];
        let rep = indicators(
            &eps,
            &IndicatorOptions::default(),
            GroupBy::Municipality,
            Some(&Population::builtin()),
            None,
        )
        .unwrap();
        assert!(rep.rows.is_empty(), "{ready} {discharged}");
        let amounts = every_year(100);
        let inv = invoice(&eps, &Agreement::statutory(), &amounts).unwrap();
        assert_eq!(
            inv.not_billed_count(NotBilledReason::InvalidDates),
            1,
            "{ready}"
        );
        let mut working = Agreement::preset("kalmar").unwrap();
        working.somatic.day_count = DayCount::Working;
        assert!(invoice(&eps, &working, &amounts).unwrap().balances());
        let s = sweep(
            &eps,
            &Agreement::preset("kalmar").unwrap(),
            &amounts,
            &[0.0, 1.0],
            &[0, 5],
        )
        .unwrap();
        assert!(s.rows.iter().all(|r| r.amount_ore == 0));
        let o = IndicatorOptions::default();
        assert!(extras::persons(&eps, &o, GroupBy::County).is_empty());
        assert!(extras::readmissions(&eps, &o, GroupBy::County, 3650)
            .unwrap()
            .is_empty());
        assert_eq!(extras::planned_accuracy(&eps, &o).episodes, 0);
        assert!(extras::census(&eps, d(2100, 12, 31)).is_ok());
        assert!(extras::census(&eps, d(2101, 1, 1)).is_err());
    }
}

#[test]
fn readmission_windows_at_the_extremes() {
    let k: Municipality = "0880".parse().unwrap();
    let mut e = Episode::new("a", k, CareType::Somatic, d(2024, 1, 1).into())
        .discharged(d(2024, 1, 3).into())
        .patient("p");
    e.admitted_at = Some(d(2024, 1, 1).into());
    let mut later = e.clone();
    later.episode_id = "b".into();
    later.admitted_at = Some(d(2100, 1, 1).into());
    let o = IndicatorOptions::default();
    // A window outside 0–3650 days is an error naming it; inside, the admission 76 years
    // later is never a readmission.
    let both = [e.clone(), later.clone()];
    for w in [i32::MIN, -1, 3651, i32::MAX] {
        let err = extras::readmissions(&both, &o, GroupBy::Nation, w).unwrap_err();
        assert!(err.to_string().starts_with("window: "), "{err}");
    }
    for w in [0, 3650] {
        let m = extras::readmissions(&both, &o, GroupBy::Nation, w).unwrap();
        let r = m.values().next().unwrap();
        assert_eq!(r.readmitted, 0, "{w}");
    }
}

#[test]
fn periods_at_the_extremes() {
    for s in [
        "2101-01", "1989-12", "99999-01", "2024-Q5", "2024-13", "-1", "", "2024-Q0", "0000",
    ] {
        let _ = s.parse::<Period>();
    }
    assert!(Period::month(i32::MAX, 1).is_err());
    assert!(Period::month(i32::MIN, 12).is_err());
    for kind in [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year] {
        for ord in [i32::MIN, -1, 0, i32::MAX] {
            let p = Period::from_ordinal(kind, ord);
            assert!(p.first_day() <= p.last_day(), "{p}");
            assert!(p.days() >= 28, "{p}");
            let _ = (p.next(), p.prev(), p.to_string(), p.year());
        }
    }
    // Ordinary periods are unchanged.
    let p: Period = "2024-02".parse().unwrap();
    assert_eq!((p.days(), p.last_day()), (29, d(2024, 2, 29)));
    let q: Period = "2024-Q4".parse().unwrap();
    assert_eq!((q.days(), q.last_day()), (92, d(2024, 12, 31)));
    assert_eq!(q.next().to_string(), "2025-Q1");
}

#[test]
fn calendars_of_any_year() {
    assert_eq!(calendar::easter_sunday(i32::MAX), None);
    assert_eq!(calendar::easter_sunday(i32::MIN), None);
    assert!(calendar::holidays(i32::MAX).is_empty());
    assert_eq!(calendar::holidays(-5).len(), calendar::holidays(2024).len());
    for date in [NaiveDate::MIN, NaiveDate::MAX, d(-1, 3, 1), d(0, 4, 1)] {
        let _ = calendar::is_working_day(date);
    }
    assert_eq!(calendar::easter_sunday(2024), Some(d(2024, 3, 31)));
    assert_eq!(
        calendar::working_days_between(d(2024, 1, 1), d(2024, 1, 8)),
        4
    );
}

#[test]
fn synthetic_data_for_any_year() {
    for year in [i32::MIN, 0, 1000, 2100, 3000, i32::MAX] {
        let eps = synth::generate(&synth::SynthOptions {
            episodes: 50,
            year,
            months: u32::MAX,
            ..Default::default()
        });
        assert_eq!(eps.len(), 50);
        assert!(eps
            .iter()
            .all(|e| (1990..=2100).contains(&chrono::Datelike::year(&e.ready_at.date))));
    }
}
