//! The choices the sources leave open, each as written in docs/counting.md and
//! docs/payments.md ("Choices where the sources are silent"): one test per choice.

use utklar_core::payment::{invoice, Agreement, Amounts, NotBilledReason, Rule};
use utklar_core::time::parse_notice;
use utklar_core::{
    extras, indicators, measure_episodes, CareType, Episode, GroupBy, IndicatorOptions,
    NegativeDays, Period, Reason,
};

fn ep(id: &str, ready: &str, dis: &str) -> Episode {
    Episode::new(
        id,
        "0880".parse().unwrap(),
        CareType::Somatic,
        parse_notice(ready).unwrap(),
    )
    .discharged(parse_notice(dis).unwrap())
}

/// Choice 1: the admission-order checks come before the `day0` negative-days policy. A row
/// discharged before its ready date *and* before its admission is bad data under every policy;
/// `day0` rescues only a row whose dates are otherwise in order.
#[test]
fn order_checks_come_before_the_day0_policy() {
    let mut before_admission = ep("x", "2025-03-12", "2025-03-08");
    before_admission.admitted_at = Some(parse_notice("2025-03-10").unwrap());
    let mut in_order = ep("y", "2025-03-12", "2025-03-08");
    in_order.admitted_at = Some(parse_notice("2025-03-01").unwrap());
    let opts = IndicatorOptions::default().negative_days(NegativeDays::Day0);
    let set = measure_episodes(&[before_admission, in_order], &opts).unwrap();
    let r = set.report();
    assert_eq!((r.rows_in, r.counted, r.excluded()), (2, 1, 1));
    assert_eq!(r.count(Reason::DischargeBeforeAdmission), 1);
    assert_eq!(r.count(Reason::NegativeDays), 0);
    assert_eq!(r.problems[0].row, 0);
    // The row that passes the order checks is a day-0 episode of its discharge month.
    let rows = set.indicators(GroupBy::Municipality, None, None).rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].period, Period::month(2025, 3).unwrap());
    assert_eq!((rows[0].measures.day0, rows[0].measures.ready_days), (1, 0));
}

fn with_start_home_ready() -> Agreement {
    let text = Agreement::preset("statutory")
        .unwrap()
        .to_toml()
        .unwrap()
        .replace("start = \"ready\"", "start = \"home_ready\"");
    Agreement::from_toml(&text).unwrap()
}

fn billed_days(a: &Agreement, ready: &str, home_ready: Option<&str>) -> f64 {
    let mut e = ep("e", ready, "2024-03-20");
    e.home_ready_at = home_ready.map(|h| parse_notice(h).unwrap());
    let inv = invoice(&[e], a, &Amounts::national()).unwrap();
    inv.lines.iter().map(|l| l.billed_days).sum()
}

/// Choice 2: with a home-ready start, the noon rule reads the time of the notice that starts
/// the count: the home-ready notice's, not the ready notice's; without a home-ready notice (or
/// with one before the ready notice) the ready notice starts the count, with its own time.
#[test]
fn a_home_ready_start_takes_the_noon_rule_from_the_home_ready_notice() {
    let a = with_start_home_ready();
    // Home-ready 5 March before noon: 3 grace days, 8–19 March billed (12 days).
    assert_eq!(
        billed_days(&a, "2024-03-04T09:00", Some("2024-03-05T11:00")),
        12.0
    );
    // Home-ready after noon: 4 grace days, whatever the ready notice's time.
    assert_eq!(
        billed_days(&a, "2024-03-04T09:00", Some("2024-03-05T13:00")),
        11.0
    );
    assert_eq!(
        billed_days(&a, "2024-03-04T13:00", Some("2024-03-05T11:00")),
        12.0
    );
    // No home-ready notice: the ready notice (4 March, after noon) starts the count: 8–19.
    assert_eq!(billed_days(&a, "2024-03-04T13:00", None), 12.0);
    // A home-ready notice before the ready notice is not used.
    assert_eq!(
        billed_days(&a, "2024-03-04T13:00", Some("2024-03-03T09:00")),
        12.0
    );
    assert_eq!(
        billed_days(&a, "2024-03-04T09:00", Some("2024-03-03T13:00")),
        13.0
    );
}

/// Choice 3: VGR's later text ("the following months until the mean improves",
/// `evaluation = "following_until_improved"`, `window = 3`): a month is liable when the mean
/// of the previous block of three calendar months was above 3.0 days, and a liable month bills
/// **its own** excess, `(its mean − 3.0) × its episodes`; a liable month whose own mean is at
/// or below 3.0 bills nothing. The deciding mean shown is the block's.
#[test]
fn following_until_improved_bills_a_following_months_own_excess() {
    let text = Agreement::preset("vgr")
        .unwrap()
        .to_toml()
        .unwrap()
        .replace(
            "evaluation = \"each_period\"",
            "evaluation = \"following_until_improved\"",
        )
        .replace("window = 1", "window = 3");
    let vgr = Agreement::from_toml(&text).unwrap();
    let mut eps = Vec::new();
    // January–March 2024: two episodes a month of 5 days (the block's mean 5.0 > 3.0).
    for m in 1..=3 {
        for k in 0..2 {
            eps.push(ep(
                &format!("q1-{m}-{k}"),
                &format!("2024-{m:02}-01"),
                &format!("2024-{m:02}-06"),
            ));
        }
    }
    // April: mean 4.0; May: mean 2.0 (two episodes each).
    for k in 0..2 {
        eps.push(ep(&format!("apr-{k}"), "2024-04-01", "2024-04-05"));
        eps.push(ep(&format!("may-{k}"), "2024-05-01", "2024-05-03"));
    }
    let inv = invoice(&eps, &vgr, &Amounts::national()).unwrap();
    let total = |m: u32| {
        inv.totals
            .iter()
            .find(|t| t.period == Period::month(2024, m).unwrap())
            .unwrap()
    };
    // The first block has no block before it: not liable.
    assert_eq!(total(1).triggered, Some(false));
    assert_eq!(total(3).billed_days, 0.0);
    // April and May are decided by January–March's mean (5.0).
    for m in [4, 5] {
        assert_eq!(total(m).triggered, Some(true), "month {m}");
        assert_eq!(total(m).mean_days, Some(5.0), "month {m}");
    }
    // April bills its own excess: (4.0 − 3.0) × 2 = 2 days, one line at 2024's amount.
    assert_eq!(total(4).billed_days, 2.0);
    assert_eq!(total(4).amount_ore, 2 * 1_160_000);
    let april: Vec<_> = inv
        .lines
        .iter()
        .filter(|l| l.period == Period::month(2024, 4).unwrap())
        .collect();
    assert_eq!(april.len(), 1);
    assert_eq!(april[0].rule, Rule::AverageOverThreshold);
    // May is liable but its own mean (2.0) is below 3.0: nothing billed.
    assert_eq!((total(5).billed_days, total(5).amount_ore), (0.0, 0));
    assert!(inv
        .lines
        .iter()
        .all(|l| l.period != Period::month(2024, 5).unwrap()));
    assert!(inv
        .not_billed
        .iter()
        .filter(|n| eps[n.index].episode_id.starts_with("may"))
        .all(|n| n.reason == NotBilledReason::AverageNotExceeded));
}

/// Choice 4: under a minimum age, an episode with no age is outside the restriction (counted
/// as `outside_age`, never guessed), in the indicators and in the further measures alike.
#[test]
fn a_missing_age_is_outside_a_minimum_age() {
    let eps = vec![
        ep("old", "2025-03-03", "2025-03-05").aged(70),
        ep("young", "2025-03-03", "2025-03-05").aged(50),
        ep("unknown", "2025-03-03", "2025-03-05").patient("p"),
    ];
    let opts = IndicatorOptions::default().min_age(65);
    let r = indicators(&eps, &opts, GroupBy::Nation, None, None).unwrap();
    assert_eq!((r.exclusions.counted, r.exclusions.outside_age), (1, 2));
    assert_eq!(r.rows[0].measures.episodes(), 1);
    let persons = extras::persons(&eps, &opts, GroupBy::Nation);
    assert_eq!(persons.values().next().unwrap().episodes, 1);
    // Without a restriction every episode counts, the one with no age too.
    let all = indicators(
        &eps,
        &IndicatorOptions::default(),
        GroupBy::Nation,
        None,
        None,
    )
    .unwrap();
    assert_eq!((all.exclusions.counted, all.exclusions.outside_age), (3, 0));
}
