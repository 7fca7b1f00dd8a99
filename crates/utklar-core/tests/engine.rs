//! The measure engine end to end: policies, modes, restrictions, grouping, reference data and
//! the published figures G1–G4 computed from episodes.

use chrono::NaiveDate;
use utklar_core::time::{day_number, parse_notice, NO_DATE};
use utklar_core::{
    indicators, measure_columns, measure_episodes, synth, Beds, CareType, Episode, EpisodeColumns,
    Error, Field, Group, GroupBy, IndicatorOptions, Mode, Municipality, NegativeDays, Period,
    PeriodKind, Population, PopulationRow, Problem, Reason,
};

fn ep(id: &str, muni: &str, care: CareType, ready: &str, dis: Option<&str>) -> Episode {
    let mut e = Episode::new(
        id,
        muni.parse().unwrap(),
        care,
        parse_notice(ready).unwrap(),
    );
    e.discharged_at = dis.map(|d| parse_notice(d).unwrap());
    e
}

fn som(id: &str, ready: &str, dis: &str) -> Episode {
    ep(id, "0880", CareType::Somatic, ready, Some(dis))
}

#[test]
fn ready_days_ignore_the_time_of_day() {
    let e = som("a", "2025-03-03T23:59", "2025-03-04T00:01");
    assert_eq!(e.ready_days(), Some(1));
    let e = som("a", "2025-03-03T00:01", "2025-03-03T23:59");
    assert_eq!(e.ready_days(), Some(0));
}

#[test]
fn period_of_discharge_decides_the_month() {
    // Ready in January, discharged in February: all 5 days count in February.
    let eps = [som("a", "2025-01-29", "2025-02-03")];
    let set = measure_episodes(&eps, &IndicatorOptions::default()).unwrap();
    let feb = Period::month(2025, 2).unwrap();
    let m = set.get(feb, "0880".parse().unwrap(), CareType::Somatic);
    assert_eq!((m.day0, m.ready_ge1, m.ready_days), (0, 1, 5));
    assert_eq!(set.iter().count(), 1);
}

#[test]
fn negative_days_policies() {
    let eps = [
        som("ok", "2025-03-01", "2025-03-03"),
        som("neg", "2025-03-05", "2025-03-02"),
    ];
    // exclude (default): counted in the report.
    let set = measure_episodes(&eps, &IndicatorOptions::default()).unwrap();
    assert_eq!(set.total().episodes(), 1);
    assert_eq!(set.report().count(Reason::NegativeDays), 1);
    assert_eq!(
        set.report().problems,
        vec![Problem {
            row: 1,
            field: Field::DischargedAt,
            reason: Reason::NegativeDays
        }]
    );
    // day0: treated as discharged on the ready date.
    let opts = IndicatorOptions::default().negative_days(NegativeDays::Day0);
    let set = measure_episodes(&eps, &opts).unwrap();
    assert_eq!(
        (
            set.total().day0,
            set.total().ready_ge1,
            set.total().ready_days
        ),
        (1, 1, 2)
    );
    assert_eq!(set.report().excluded(), 0);
    // error: the call fails and lists the rows.
    let opts = IndicatorOptions::default().negative_days(NegativeDays::Error);
    match measure_episodes(&eps, &opts) {
        Err(Error::Invalid(rows)) => {
            assert_eq!(
                rows,
                vec![Problem {
                    row: 1,
                    field: Field::DischargedAt,
                    reason: Reason::NegativeDays
                }]
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn strict_mode_fails_with_every_offending_row() {
    let mut late = som("late", "2025-03-01", "2025-03-02");
    late.discharged_at = Some(parse_notice("2025-03-02").unwrap());
    late.admitted_at = Some(parse_notice("2025-03-03").unwrap());
    let eps = [
        som("ok", "2025-03-01", "2025-03-02"),
        late,
        som("neg", "2025-03-05", "2025-03-02"),
    ];
    let strict = IndicatorOptions::default().mode(Mode::Strict);
    let Err(Error::Invalid(problems)) = measure_episodes(&eps, &strict) else {
        panic!("strict mode must fail");
    };
    let rows: Vec<(usize, Field, Reason)> = problems
        .iter()
        .map(|p| (p.row, p.field, p.reason))
        .collect();
    assert_eq!(
        rows,
        vec![
            (1, Field::DischargedAt, Reason::DischargeBeforeAdmission),
            (1, Field::ReadyAt, Reason::ReadyBeforeAdmission),
            (2, Field::DischargedAt, Reason::NegativeDays),
        ]
    );
    // Lenient: excluded and reported, the first problem names the reason.
    let set = measure_episodes(&eps, &IndicatorOptions::default()).unwrap();
    assert_eq!(set.report().count(Reason::DischargeBeforeAdmission), 1);
    assert_eq!(set.report().count(Reason::NegativeDays), 1);
    assert_eq!(set.report().counted, 1);
    assert!(set.report().balances());
}

#[test]
fn out_of_range_dates_in_values_are_excluded() {
    let mut e = som("old", "2025-03-01", "2025-03-02");
    e.ready_at.date = NaiveDate::from_ymd_opt(1989, 12, 31).unwrap();
    let set = measure_episodes(&[e], &IndicatorOptions::default()).unwrap();
    assert_eq!(set.report().count(Reason::DateOutOfRange), 1);
    assert_eq!(set.report().problems[0].field, Field::ReadyAt);
}

#[test]
fn columnar_bad_codes_are_excluded_with_row_and_field() {
    let d = day_number(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap());
    let munis = [880u16, 999, 880, 880];
    let care = [0u8, 0, 7, 0];
    let ready = [d, d, d, NO_DATE];
    let dis = [d + 1, d + 1, d + 1, d + 1];
    let cols = EpisodeColumns {
        municipality: &munis,
        care_type: &care,
        ready_day: &ready,
        discharge_day: &dis,
        row_offset: 100,
        ..Default::default()
    };
    let set = measure_columns(&cols, &IndicatorOptions::default()).unwrap();
    assert_eq!(set.report().counted, 1);
    let got: Vec<(usize, Field, Reason)> = set
        .report()
        .problems
        .iter()
        .map(|p| (p.row, p.field, p.reason))
        .collect();
    assert_eq!(
        got,
        vec![
            (101, Field::Municipality, Reason::UnknownMunicipality),
            (102, Field::CareType, Reason::UnknownCareType),
            (103, Field::ReadyAt, Reason::MissingField),
        ]
    );
    // Mismatched lengths are an argument error naming the column.
    let short = [0u8];
    let bad = EpisodeColumns {
        care_type: &short,
        ..cols
    };
    assert!(
        matches!(measure_columns(&bad, &IndicatorOptions::default()), Err(Error::InvalidArgument { name, .. }) if name == "care_type")
    );
}

#[test]
fn open_episodes_and_age_restriction_are_accounted() {
    let mut young = som("young", "2025-03-01", "2025-03-02");
    young.age = Some(50);
    let mut old = som("old", "2025-03-01", "2025-03-04");
    old.age = Some(80);
    let unknown = som("unknown", "2025-03-01", "2025-03-02");
    let open = ep("open", "0880", CareType::Somatic, "2025-03-01", None);
    let eps = [young, old, unknown, open];
    let opts = IndicatorOptions::default().min_age(Some(65));
    let set = measure_episodes(&eps, &opts).unwrap();
    let r = set.report();
    assert_eq!(
        (r.rows_in, r.counted, r.open, r.outside_age, r.excluded()),
        (4, 1, 1, 2, 0)
    );
    assert_eq!(set.total().ready_days, 3);
}

#[test]
fn grouping_by_county_and_nation_and_care_type_separate() {
    let eps = [
        ep(
            "a",
            "0880",
            CareType::Somatic,
            "2025-03-01",
            Some("2025-03-03"),
        ),
        ep(
            "b",
            "0881",
            CareType::Somatic,
            "2025-03-01",
            Some("2025-03-01"),
        ),
        ep(
            "c",
            "0880",
            CareType::Psychiatric,
            "2025-03-01",
            Some("2025-03-05"),
        ),
        ep(
            "d",
            "1480",
            CareType::Somatic,
            "2025-03-01",
            Some("2025-03-02"),
        ),
    ];
    let opts = IndicatorOptions::default();
    let county = indicators(&eps, &opts, GroupBy::County, None, None).unwrap();
    let keys: Vec<(String, CareType, u64, u64)> = county
        .rows
        .iter()
        .map(|r| {
            (
                r.group.to_string(),
                r.care_type,
                r.measures.episodes(),
                r.measures.ready_days,
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            ("08".into(), CareType::Somatic, 2, 2),
            ("08".into(), CareType::Psychiatric, 1, 4),
            ("14".into(), CareType::Somatic, 1, 1),
        ]
    );
    let nation = indicators(&eps, &opts, GroupBy::Nation, None, None).unwrap();
    assert_eq!(nation.rows.len(), 2);
    assert_eq!(nation.rows[0].group, Group::Nation);
    assert_eq!(nation.rows[0].measures.episodes(), 3);
    assert_eq!(nation.rows[0].goal_attainment, Some(1.0 / 3.0));
    assert_eq!(nation.rows[0].mean_days, Some(1.5));
    assert_eq!(nation.rows[0].mean_days_incl_day0, Some(1.0));
}

/// Builds `days` ready days as one episode per ready day, each discharged in `period`.
fn episodes_with_days(muni: &str, n_ge1: u64, days: u64, last_day: NaiveDate) -> Vec<Episode> {
    // n_ge1 episodes, ready days as equal as possible, all discharged on `last_day`.
    let base = days / n_ge1;
    let extra = days % n_ge1;
    (0..n_ge1)
        .map(|i| {
            let d = base + u64::from(i < extra);
            let ready = last_day - chrono::Duration::days(d as i64);
            let mut e = Episode::new(
                format!("{muni}-{i}"),
                muni.parse().unwrap(),
                CareType::Somatic,
                ready.into(),
            );
            e.discharged_at = Some(last_day.into());
            e
        })
        .collect()
}

#[test]
fn golden_g1_from_episodes() {
    // December 2022, one month: days/1000 65+ (annualised ×12). Storfors: see measures.rs.
    let cases = [
        ("2460", 9, 717, 151.0),
        ("2482", 11, 756, 175.0),
        ("0880", 45, 14_848, 36.0),
        ("0484", 61, 22_157, 33.0),
        ("1480", 932, 95_922, 117.0),
    ];
    let dec31 = NaiveDate::from_ymd_opt(2022, 12, 31).unwrap();
    let mut pop = Population::new();
    let mut eps = Vec::new();
    for (code, days, pop65, _) in cases {
        let m: Municipality = code.parse().unwrap();
        pop.insert(
            m,
            2022,
            PopulationRow {
                pop_total: pop65 * 4,
                pop_65plus: pop65,
            },
        );
        eps.extend(episodes_with_days(code, 3, days, dec31));
    }
    let report = indicators(
        &eps,
        &IndicatorOptions::default(),
        GroupBy::Municipality,
        Some(&pop),
        None,
    )
    .unwrap();
    for (code, _, _, expected) in cases {
        let row = report
            .rows
            .iter()
            .find(|r| r.group.to_string() == code)
            .unwrap();
        assert_eq!(row.days_per_1000.unwrap().round(), expected, "{code}");
    }
    // Psychiatric care uses the total population.
    let mut psych = episodes_with_days("0880", 1, 45, dec31);
    psych[0].care_type = CareType::Psychiatric;
    let r = indicators(
        &psych,
        &IndicatorOptions::default(),
        GroupBy::Municipality,
        Some(&pop),
        None,
    )
    .unwrap();
    assert!((r.rows[0].days_per_1000.unwrap() - 45.0 / (14_848.0 * 4.0) * 12_000.0).abs() < 1e-9);
}

#[test]
fn golden_g2_occupied_beds_over_a_year() {
    let cases = [
        ("2584", 6_202, "17.0"),
        ("1290", 2_628, "7.2"),
        ("2582", 2_078, "5.7"),
        ("0481", 972, "2.7"),
        ("1060", 957, "2.6"),
        ("2417", 353, "1.0"),
    ];
    let day = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
    let mut eps = Vec::new();
    for (code, days, _) in cases {
        eps.extend(episodes_with_days(code, 20, days, day));
    }
    let opts = IndicatorOptions::default().period(PeriodKind::Year);
    let report = indicators(&eps, &opts, GroupBy::Municipality, None, None).unwrap();
    for (code, _, expected) in cases {
        let row = report
            .rows
            .iter()
            .find(|r| r.group.to_string() == code)
            .unwrap();
        assert_eq!(
            format!("{:.1}", row.occupied_beds.unwrap()),
            expected,
            "{code}"
        );
    }
}

/// The nation's indicators over `n_ge1` episodes holding `days` ready days, discharged on
/// `last_day`: (mean days, occupied beds).
fn nation(n_ge1: u64, days: u64, last_day: NaiveDate) -> (f64, f64) {
    let eps = episodes_with_days("0180", n_ge1, days, last_day);
    let r = indicators(
        &eps,
        &IndicatorOptions::default(),
        GroupBy::Nation,
        None,
        None,
    )
    .unwrap();
    assert_eq!(r.rows.len(), 1);
    (
        r.rows[0].mean_days.unwrap(),
        r.rows[0].occupied_beds.unwrap(),
    )
}

#[test]
fn golden_g3_and_g4_nation() {
    // G3: January 2017, 44 603 days over 9 688 episodes with ≥ 1 day.
    let (mean, beds) = nation(9_688, 44_603, NaiveDate::from_ymd_opt(2017, 1, 31).unwrap());
    assert_eq!(format!("{mean:.1}"), "4.6");
    assert_eq!(format!("{beds:.1}"), "1438.8");
    // G4: April 2020, 8 254 days over 3 976 episodes.
    let (mean, beds) = nation(3_976, 8_254, NaiveDate::from_ymd_opt(2020, 4, 30).unwrap());
    assert_eq!(format!("{mean:.1}"), "2.1");
    assert_eq!(beds.round(), 275.0);
}

#[test]
fn bed_share_at_county_level_only() {
    let eps = episodes_with_days(
        "0880",
        10,
        310,
        NaiveDate::from_ymd_opt(2025, 1, 31).unwrap(),
    );
    let mut beds = Beds::new();
    beds.insert_text("08", "2025-01", "200").unwrap();
    let opts = IndicatorOptions::default();
    let county = indicators(&eps, &opts, GroupBy::County, None, Some(&beds)).unwrap();
    // 310 days / 31 = 10 occupied beds of 200 = 5 %.
    assert_eq!(county.rows[0].occupied_beds, Some(10.0));
    assert_eq!(county.rows[0].bed_share_pct, Some(5.0));
    let muni = indicators(&eps, &opts, GroupBy::Municipality, None, Some(&beds)).unwrap();
    assert_eq!(muni.rows[0].bed_share_pct, None);
    // No beds for the period: absent.
    let q = IndicatorOptions::default().period(PeriodKind::Quarter);
    let r = indicators(&eps, &q, GroupBy::County, None, Some(&beds)).unwrap();
    assert_eq!(r.rows[0].bed_share_pct, None);
}

#[test]
fn bed_share_of_each_care_type_uses_its_own_beds() {
    // Kalmar, January 2025: somatic 310 days (10 occupied beds), psychiatric 62 days (2).
    let last = NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
    let mut eps = episodes_with_days("0880", 10, 310, last);
    for (i, mut e) in episodes_with_days("0880", 2, 62, last)
        .into_iter()
        .enumerate()
    {
        e.episode_id = format!("psy-{i}");
        e.care_type = CareType::Psychiatric;
        eps.push(e);
    }
    let opts = IndicatorOptions::default();
    let share = |beds: &Beds| -> Vec<(CareType, Option<f64>)> {
        let r = indicators(&eps, &opts, GroupBy::County, None, Some(beds)).unwrap();
        r.rows
            .iter()
            .map(|row| (row.care_type, row.bed_share_pct))
            .collect()
    };
    // All-care beds only (200): both care types against 200, as before: 5 % and 1 %.
    let mut all = Beds::new();
    all.insert_text("08", "2025-01", "200").unwrap();
    assert_eq!(
        share(&all),
        [
            (CareType::Somatic, Some(5.0)),
            (CareType::Psychiatric, Some(1.0))
        ]
    );
    // With 40 psychiatric beds: psychiatric 2 / 40 = 5 %; somatic still against all care.
    let mut per = all.clone();
    per.insert_care_text("08", "2025-01", "psychiatric", "40")
        .unwrap();
    assert_eq!(
        share(&per),
        [
            (CareType::Somatic, Some(5.0)),
            (CareType::Psychiatric, Some(5.0))
        ]
    );
    // Somatic beds of their own (160): 10 / 160 = 6.25 %.
    per.insert_care_text("08", "2025-01", "somatic", "160")
        .unwrap();
    assert_eq!(share(&per)[0], (CareType::Somatic, Some(6.25)));
    // Psychiatric beds only: somatic has none to compare with.
    let mut only = Beds::new();
    only.insert_care_text("08", "2025-01", "psykiatri", "40")
        .unwrap();
    assert_eq!(
        share(&only),
        [
            (CareType::Somatic, None),
            (CareType::Psychiatric, Some(5.0))
        ]
    );
}

#[test]
fn population_for_counties_needs_every_member() {
    let eps = episodes_with_days("0880", 2, 4, NaiveDate::from_ymd_opt(2022, 6, 30).unwrap());
    let builtin = Population::builtin();
    let r = indicators(
        &eps,
        &IndicatorOptions::default(),
        GroupBy::County,
        Some(&builtin),
        None,
    )
    .unwrap();
    let kalmar_lan: u64 = utklar_core::County::new(8)
        .unwrap()
        .municipalities()
        .map(|m| builtin.get(m, 2022).unwrap().pop_65plus)
        .sum();
    assert!((r.rows[0].days_per_1000.unwrap() - 4.0 / kalmar_lan as f64 * 12_000.0).abs() < 1e-9);
    let mut partial = Population::new();
    partial.insert(
        "0880".parse().unwrap(),
        2022,
        PopulationRow {
            pop_total: 10,
            pop_65plus: 5,
        },
    );
    let r = indicators(
        &eps,
        &IndicatorOptions::default(),
        GroupBy::County,
        Some(&partial),
        None,
    )
    .unwrap();
    assert_eq!(r.rows[0].days_per_1000, None);
}

#[test]
fn json_of_an_indicator_row_has_the_spec_fields() {
    let eps = [som("a", "2025-03-01", "2025-03-01")];
    let r = indicators(
        &eps,
        &IndicatorOptions::default(),
        GroupBy::Municipality,
        None,
        None,
    )
    .unwrap();
    let json = serde_json::to_value(&r.rows[0]).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "municipality",
        "care_type",
        "period",
        "episodes",
        "day0",
        "ready_ge1",
        "ready_days",
        "goal_attainment",
        "mean_days",
        "mean_days_incl_day0",
        "days_per_1000",
        "occupied_beds",
        "bed_share_pct",
    ];
    // Serialize writes the group, then `IndicatorRow::FIELDS` in that order.
    let text = serde_json::to_string(&r.rows[0]).unwrap();
    let mut in_order = vec!["municipality"];
    in_order.extend(utklar_core::IndicatorRow::FIELDS);
    let positions: Vec<usize> = in_order
        .iter()
        .map(|k| text.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    let mut keys_sorted = keys.clone();
    keys_sorted.sort_unstable();
    expected.sort_unstable();
    assert_eq!(keys_sorted, expected);
    assert_eq!(json["municipality"], "0880");
    assert_eq!(json["period"], "2025-03");
    assert_eq!(json["care_type"], "somatic");
    assert_eq!(json["mean_days"], serde_json::Value::Null);
    assert_eq!(json["goal_attainment"], 1.0);
    let nation = indicators(
        &eps,
        &IndicatorOptions::default(),
        GroupBy::Nation,
        None,
        None,
    )
    .unwrap();
    let json = serde_json::to_value(&nation.rows[0]).unwrap();
    assert!(json.get("municipality").is_none() && json.get("county").is_none());
}

#[test]
fn synthetic_kalmar_year_balances() {
    let eps = synth::generate(&synth::SynthOptions::kalmar_year(2025));
    let set = measure_episodes(&eps, &IndicatorOptions::default()).unwrap();
    let r = set.report();
    assert!(r.balances());
    assert!(r.open > 0 && r.count(Reason::NegativeDays) > 0);
    assert_eq!(r.rows_in, eps.len() as u64);
    let cols = synth::to_columns(&eps);
    assert_eq!(
        measure_columns(&cols.view(), &IndicatorOptions::default()).unwrap(),
        set
    );
}
