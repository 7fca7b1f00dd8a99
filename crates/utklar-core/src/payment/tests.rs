//! Hand-computed examples for each rule and preset, and the invariants as property tests.

use proptest::prelude::*;

use super::*;
use crate::error::Error;
use crate::input::{check_episodes, NegativeDays};
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::Municipality;
use crate::model::period::{Period, PeriodKind};

const KR: i64 = 100;

fn m(code: &str) -> Municipality {
    code.parse().unwrap()
}

fn ep(id: &str, muni: &str, care: CareType, ready: &str, discharged: &str) -> Episode {
    Episode::new(id, m(muni), care, ready.parse().unwrap()).discharged(discharged.parse().unwrap())
}

fn som(id: &str, ready: &str, discharged: &str) -> Episode {
    ep(id, "0880", CareType::Somatic, ready, discharged)
}

fn psy(id: &str, ready: &str, discharged: &str) -> Episode {
    ep(id, "0880", CareType::Psychiatric, ready, discharged)
}

fn national() -> Amounts {
    Amounts::national()
}

fn preset(name: &str) -> Agreement {
    Agreement::preset(name).unwrap()
}

fn run(eps: &[Episode], a: &Agreement) -> Invoice {
    let inv = invoice(eps, a, &national()).unwrap();
    assert!(inv.balances());
    inv
}

fn line<'a>(inv: &'a Invoice, id: &str) -> Option<&'a Line> {
    inv.lines
        .iter()
        .find(|l| l.episode_id.as_deref() == Some(id))
}

fn reason(inv: &Invoice, id: &str) -> Option<NotBilledReason> {
    inv.not_billed
        .iter()
        .find(|n| n.episode_id == id)
        .map(|n| n.reason)
}

// ----- statutory ------------------------------------------------------------------------------

#[test]
fn noon_rule_at_12_00_00_and_12_00_01() {
    // Ready 1 March 2024, discharged 10 March: 9 ready days.
    let a = preset("statutory");
    let at_noon = som("a", "2024-03-01T12:00:00", "2024-03-10");
    let after = som("b", "2024-03-01T12:00:01", "2024-03-10");
    let inv = run(&[at_noon, after], &a);
    // 12:00:00 is not after 12.00: g = 3, billed days 4–9 (4–9 March) = 6.
    assert_eq!(line(&inv, "a").unwrap().billed_days, 6.0);
    assert_eq!(line(&inv, "a").unwrap().amount_ore, 6 * 11_600 * KR);
    assert_eq!(line(&inv, "a").unwrap().rule, Rule::Individual);
    // 12:00:01 is after: g = 4, billed days 5–9 = 5.
    assert_eq!(line(&inv, "b").unwrap().billed_days, 5.0);
    assert_eq!(line(&inv, "b").unwrap().amount_ore, 5 * 11_600 * KR);
    assert_eq!(line(&inv, "b").unwrap().period.to_string(), "2024-03");
    assert_eq!(inv.amount_ore(), 11 * 1_160_000);
}

#[test]
fn date_only_notices_count_as_before_noon_unless_a_parameter_says_otherwise() {
    let e = som("a", "2024-03-01", "2024-03-10");
    let mut a = preset("statutory");
    assert_eq!(run(std::slice::from_ref(&e), &a).lines[0].billed_days, 6.0);
    a.somatic.date_only_after_noon = true;
    assert_eq!(run(std::slice::from_ref(&e), &a).lines[0].billed_days, 5.0);
    // A notice with a time is unaffected by the parameter.
    let timed = som("b", "2024-03-01T08:00", "2024-03-10");
    assert_eq!(run(&[timed], &a).lines[0].billed_days, 6.0);
}

#[test]
fn grace_boundary_and_discharge_day() {
    let a = preset("statutory");
    // Ready days 3: days 1–3 are grace, nothing billed.
    let three = som("a", "2024-03-01T08:00", "2024-03-04");
    // Ready days 4: day 4 (4 March) billed.
    let four = som("b", "2024-03-01T08:00", "2024-03-05");
    let day0 = som("c", "2024-03-01T08:00", "2024-03-01");
    let inv = run(&[three.clone(), four.clone(), day0], &a);
    assert_eq!(reason(&inv, "a"), Some(NotBilledReason::WithinGrace));
    assert_eq!(reason(&inv, "c"), Some(NotBilledReason::WithinGrace));
    assert_eq!(line(&inv, "b").unwrap().billed_days, 1.0);
    // With the discharge day billable, each gets one more day from day g + 1 on.
    let mut b = a.clone();
    b.somatic.bill_discharge_day = true;
    let inv = run(&[three, four], &b);
    assert_eq!(line(&inv, "a").unwrap().billed_days, 1.0);
    assert_eq!(line(&inv, "b").unwrap().billed_days, 2.0);
}

#[test]
fn a_stay_over_new_year_is_priced_at_two_amounts() {
    let a = preset("statutory");
    // Ready 27 Dec 2023 (before noon), discharged 5 Jan 2024: billed 30 Dec … 4 Jan:
    // 2 days of 2023, 4 days of 2024.
    let e = som("a", "2023-12-27T09:00", "2024-01-05");
    let err = invoice(std::slice::from_ref(&e), &a, &national()).unwrap_err();
    assert_eq!(err, Error::MissingAmount { year: 2023 });
    let amounts = national().with(2023, 1_050_000).unwrap();
    let inv = invoice(std::slice::from_ref(&e), &a, &amounts).unwrap();
    assert_eq!(inv.lines[0].billed_days, 6.0);
    assert_eq!(inv.lines[0].amount_ore, 2 * 1_050_000 + 4 * 1_160_000);
    assert_eq!(inv.lines[0].period.to_string(), "2024-01");
    // Ready 30 Dec: the grace days cover 30 Dec – 1 Jan; billed 2–4 Jan, no 2023 amount needed.
    let late = som("b", "2023-12-30T09:00", "2024-01-05");
    let inv = invoice(&[late], &a, &national()).unwrap();
    assert_eq!(inv.amount_ore(), 3 * 1_160_000);
}

#[test]
fn a_leap_day_is_a_care_day() {
    // Ready 26 Feb 2024, discharged 3 March: 6 ready days (29 Feb exists); billed 29 Feb,
    // 1 and 2 March.
    let e = som("a", "2024-02-26T10:00", "2024-03-03");
    assert_eq!(e.ready_days(), Some(6));
    let inv = run(&[e], &preset("statutory"));
    assert_eq!(inv.lines[0].billed_days, 3.0);
    assert_eq!(inv.amount_ore(), 3 * 1_160_000);
    // Same dates in 2023 (no leap day): 5 ready days, 2 billed; 2023 needs an amount.
    let e = som("b", "2023-02-26T10:00", "2023-03-03");
    let inv = invoice(
        &[e],
        &preset("statutory"),
        &national().with(2023, 1_000_000).unwrap(),
    )
    .unwrap();
    assert_eq!(inv.lines[0].billed_days, 2.0);
}

#[test]
fn the_law_s_preconditions_exclude_an_episode_from_billing() {
    let a = preset("statutory");
    let mut no_notice = som("a", "2024-03-01", "2024-03-20");
    no_notice.admission_notice_sent = false;
    let mut sip = som("b", "2024-03-01", "2024-03-20");
    sip.sip_required = true;
    let mut sip_ok = som("c", "2024-03-01", "2024-03-20");
    sip_ok.sip_required = true;
    sip_ok.sip_called = true;
    let mut blocked = som("d", "2024-03-01", "2024-03-20");
    blocked.region_blocked = true;
    let inv = run(&[no_notice, sip, sip_ok, blocked], &a);
    assert_eq!(
        reason(&inv, "a"),
        Some(NotBilledReason::MissingAdmissionNotice)
    );
    assert_eq!(reason(&inv, "b"), Some(NotBilledReason::SipNotCalled));
    assert_eq!(reason(&inv, "d"), Some(NotBilledReason::RegionBlocked));
    assert_eq!(line(&inv, "c").unwrap().billed_days, 16.0);
    assert_eq!(inv.lines.len(), 1);
}

#[test]
fn bad_data_and_open_episodes_are_not_billed_with_their_reason() {
    let a = preset("statutory");
    let open = Episode::new(
        "o",
        m("0880"),
        CareType::Somatic,
        "2024-03-01".parse().unwrap(),
    );
    let negative = som("n", "2024-03-10", "2024-03-01");
    let mut before_admission = som("i", "2024-03-01", "2024-03-20");
    before_admission.admitted_at = Some("2024-03-05".parse().unwrap());
    let first = som("dup", "2024-03-01", "2024-03-20");
    let second = som("dup", "2024-03-01", "2024-03-20");
    let inv = run(&[open, negative, before_admission, first, second], &a);
    assert_eq!(inv.episodes_in, 5);
    assert_eq!(inv.lines.len(), 1);
    assert_eq!(inv.lines[0].index, Some(3));
    let counts: Vec<(NotBilledReason, u64)> = inv
        .not_billed_counts()
        .into_iter()
        .filter(|c| c.1 > 0)
        .collect();
    assert_eq!(
        counts,
        [
            (NotBilledReason::Open, 1),
            (NotBilledReason::DuplicateEpisodeId, 1),
            (NotBilledReason::NegativeDays, 1),
            (NotBilledReason::InvalidDates, 1),
        ]
    );
}

#[test]
fn every_repeat_of_an_id_is_a_duplicate_and_the_first_is_kept() {
    let a = preset("statutory");
    let ids = ["x", "y", "x", "z", "x", "y", "", ""];
    let eps: Vec<Episode> = ids
        .iter()
        .map(|id| som(id, "2024-03-01", "2024-03-10"))
        .collect();
    let inv = run(&eps, &a);
    let dups: Vec<usize> = inv
        .not_billed
        .iter()
        .filter(|n| n.reason == NotBilledReason::DuplicateEpisodeId)
        .map(|n| n.index)
        .collect();
    assert_eq!(dups, [2, 4, 5]);
    // An empty id is a missing field, as on every input row: bad data, never billed.
    let invalid: Vec<usize> = inv
        .not_billed
        .iter()
        .filter(|n| n.reason == NotBilledReason::InvalidRow)
        .map(|n| n.index)
        .collect();
    assert_eq!(invalid, [6, 7]);
    let billed: Vec<usize> = inv.lines.iter().filter_map(|l| l.index).collect();
    assert_eq!(billed.len(), 3);
    for i in [0, 1, 3] {
        assert!(billed.contains(&i), "{i}");
    }
}

#[test]
fn working_days_holidays_and_tiers() {
    // Ready Monday 14 April 2025, discharged Wednesday 23 April. Working days in between:
    // 14, 15, 16, 17 and 22 (18 långfredagen and 21 annandag påsk are holidays) = 5.
    let e = som("a", "2025-04-14T09:00", "2025-04-23");
    let mut a = preset("statutory");
    a.somatic.day_count = DayCount::Working;
    a.somatic.rate = Rate::fixed(100_000);
    let inv = run(std::slice::from_ref(&e), &a);
    // g = 3 working days: billed the 4th and 5th (17 and 22 April).
    assert_eq!(inv.lines[0].billed_days, 2.0);
    assert_eq!(inv.amount_ore(), 200_000);
    // Tiers by day number: day 4 at 10 öre, day 5 on at 1 000 öre.
    a.somatic.rate = Rate {
        kind: RateKind::Tiers,
        ore: None,
        tiers: Some(vec![
            Tier {
                from_day: 1,
                ore: Some(10),
                percent_of_national: None,
            },
            Tier {
                from_day: 5,
                ore: Some(1_000),
                percent_of_national: None,
            },
        ]),
    };
    assert_eq!(run(&[e], &a).amount_ore(), 1_010);
}

#[test]
fn tiers_by_day_number_and_rounding_once_per_line() {
    // Denmark-like: days 1–2 at half the national amount, day 3 on at the full amount; no grace.
    let mut a = preset("statutory");
    a.somatic.grace_days = Some(0);
    a.somatic.noon_rule = false;
    a.somatic.rate = Rate {
        kind: RateKind::Tiers,
        ore: None,
        tiers: Some(vec![
            Tier {
                from_day: 1,
                ore: None,
                percent_of_national: Some(50),
            },
            Tier {
                from_day: 3,
                ore: None,
                percent_of_national: Some(100),
            },
        ]),
    };
    let e = som("a", "2024-05-01T15:00", "2024-05-05");
    assert_eq!(run(&[e], &a).amount_ore(), 2 * 580_000 + 2 * 1_160_000);
    // 1 % of 150 öre is 1.5 öre a day: one day rounds to 2 öre, three days (4.5) to 5 öre, not
    // 3 × 2 = 6: the line is rounded once.
    a.somatic.rate.tiers = Some(vec![Tier {
        from_day: 1,
        ore: None,
        percent_of_national: Some(1),
    }]);
    let amounts = Amounts::empty().with(2024, 150).unwrap();
    let one = som("b", "2024-05-01", "2024-05-02");
    let three = som("c", "2024-05-01", "2024-05-04");
    let inv = invoice(&[one, three], &a, &amounts).unwrap();
    assert_eq!(line(&inv, "b").unwrap().amount_ore, 2);
    assert_eq!(line(&inv, "c").unwrap().amount_ore, 5);
}

#[test]
fn home_ready_start_falls_back_to_ready() {
    let mut a = preset("statutory");
    a.somatic.start = Start::HomeReady;
    let mut with = som("a", "2024-03-01T08:00", "2024-03-10");
    with.home_ready_at = Some("2024-03-03T13:00".parse().unwrap());
    let without = som("b", "2024-03-01T08:00", "2024-03-10");
    let mut earlier = som("c", "2024-03-01T08:00", "2024-03-10");
    earlier.home_ready_at = Some("2024-02-25".parse().unwrap());
    let inv = run(&[with, without, earlier], &a);
    // A home-ready time before the ready notice: the ready notice starts the count.
    assert_eq!(line(&inv, "c").unwrap().billed_days, 6.0);
    // Home-ready 3 March after noon: 7 days, g = 4: billed 3.
    assert_eq!(line(&inv, "a").unwrap().billed_days, 3.0);
    // No home-ready time: counted from the ready notice.
    assert_eq!(line(&inv, "b").unwrap().billed_days, 6.0);
}

// ----- kalmar ---------------------------------------------------------------------------------

#[test]
fn kalmar_bills_from_day_4_when_the_month_mean_incl_day0_exceeds_0_8() {
    let a = preset("kalmar");
    // March 2024: four day-0 episodes and one of 5 days: mean 5 / 5 = 1.0 > 0.8.
    let mut eps: Vec<Episode> = (0..4)
        .map(|i| som(&format!("m{i}"), "2024-03-10T15:00", "2024-03-10"))
        .collect();
    eps.push(som("m-long", "2024-03-01T15:00", "2024-03-06"));
    // April 2024: four day-0 and one of 4 days: mean exactly 0.8, not liable.
    eps.extend((0..4).map(|i| som(&format!("a{i}"), "2024-04-10", "2024-04-10")));
    eps.push(som("a-long", "2024-04-01", "2024-04-05"));
    let inv = run(&eps, &a);
    // March: the 5-day episode billed days 4 and 5 (no noon rule in Kalmar).
    let l = line(&inv, "m-long").unwrap();
    assert_eq!((l.billed_days, l.rule), (2.0, Rule::AveragePerEpisode));
    assert_eq!(reason(&inv, "m0"), Some(NotBilledReason::WithinGrace));
    assert_eq!(
        reason(&inv, "a-long"),
        Some(NotBilledReason::AverageNotExceeded)
    );
    let march = inv
        .total(
            m("0880"),
            CareType::Somatic,
            Period::month(2024, 3).unwrap(),
        )
        .unwrap();
    assert_eq!(march.mean_days, Some(1.0));
    assert_eq!(march.threshold, Some(0.8));
    assert_eq!(march.triggered, Some(true));
    assert_eq!(march.amount_ore, 2 * 1_160_000);
    let april = inv
        .total(
            m("0880"),
            CareType::Somatic,
            Period::month(2024, 4).unwrap(),
        )
        .unwrap();
    assert_eq!(april.mean_days, Some(0.8));
    assert_eq!(april.triggered, Some(false));
    assert_eq!(april.amount_ore, 0);
}

#[test]
fn kalmar_psychiatric_care_is_evaluated_per_quarter() {
    let a = preset("kalmar");
    // Q1 2024 psychiatric: January 6 days, February and March 0 days ×4: quarter mean
    // 6 / 5 = 1.2 > 0.8: liable; January's episode billed days 4–6.
    // Q2: April 3 days, May 0 days ×3: mean 3 / 4 = 0.75: not liable.
    let mut eps = vec![psy("j", "2024-01-10", "2024-01-16")];
    eps.extend((0..2).map(|i| psy(&format!("f{i}"), "2024-02-10", "2024-02-10")));
    eps.extend((0..2).map(|i| psy(&format!("r{i}"), "2024-03-10", "2024-03-10")));
    eps.push(psy("apr", "2024-04-01", "2024-04-04"));
    eps.extend((0..3).map(|i| psy(&format!("may{i}"), "2024-05-10", "2024-05-10")));
    // A somatic episode in January: monthly, alone in its month (6 days > 0.8): billed.
    eps.push(som("s", "2024-01-10", "2024-01-16"));
    let inv = run(&eps, &a);
    let j = line(&inv, "j").unwrap();
    assert_eq!(j.period.to_string(), "2024-Q1");
    assert_eq!(j.billed_days, 3.0);
    assert_eq!(line(&inv, "s").unwrap().period.to_string(), "2024-01");
    let q1: Period = "2024-Q1".parse().unwrap();
    let q2: Period = "2024-Q2".parse().unwrap();
    let t1 = inv.total(m("0880"), CareType::Psychiatric, q1).unwrap();
    assert_eq!((t1.mean_days, t1.triggered), (Some(1.2), Some(true)));
    let t2 = inv.total(m("0880"), CareType::Psychiatric, q2).unwrap();
    assert_eq!((t2.mean_days, t2.triggered), (Some(0.75), Some(false)));
    assert_eq!(
        reason(&inv, "apr"),
        Some(NotBilledReason::AverageNotExceeded)
    );
}

#[test]
fn precondition_failures_are_left_out_of_the_average() {
    let a = preset("kalmar");
    // March: one day-0 episode and one of 1 day: mean 0.5, not liable. A 30-day episode
    // without an admission notice would make the mean 31 / 3 > 0.8, but it is not counted.
    let mut bad = som("x", "2024-03-01", "2024-03-31");
    bad.admission_notice_sent = false;
    let eps = vec![
        som("a", "2024-03-10", "2024-03-10"),
        som("b", "2024-03-10", "2024-03-11"),
        bad,
    ];
    let inv = run(&eps, &a);
    assert_eq!(inv.amount_ore(), 0);
    let t = &inv.totals[0];
    assert_eq!((t.mean_days, t.triggered), (Some(0.5), Some(false)));
    assert_eq!(
        reason(&inv, "x"),
        Some(NotBilledReason::MissingAdmissionNotice)
    );
}

// ----- sörmland -------------------------------------------------------------------------------

#[test]
fn sormland_needs_three_months_in_a_row_above_3_days() {
    let a = preset("sormland");
    let k = |id: &str, r: &str, d: &str| ep(id, "0484", CareType::Somatic, r, d);
    // Means (day 0 excluded): Jan 4, Feb 4, Mar 5, Apr 4, May 2, Jun 5. Day-0 episodes never
    // change the mean (national definition).
    let eps = vec![
        k("jan", "2024-01-10", "2024-01-14"),
        k("jan0", "2024-01-20", "2024-01-20"),
        k("feb", "2024-02-10", "2024-02-14"),
        k("mar", "2024-03-10", "2024-03-15"),
        k("apr", "2024-04-10T13:00", "2024-04-14"),
        k("may", "2024-05-10", "2024-05-12"),
        k("jun", "2024-06-10", "2024-06-15"),
    ];
    let inv = run(&eps, &a);
    let triggered: Vec<(String, Option<bool>)> = inv
        .totals
        .iter()
        .map(|t| (t.period.to_string(), t.triggered))
        .collect();
    assert_eq!(
        triggered,
        [
            ("2024-01".to_string(), Some(false)),
            ("2024-02".to_string(), Some(false)),
            ("2024-03".to_string(), Some(true)),
            ("2024-04".to_string(), Some(true)),
            ("2024-05".to_string(), Some(false)),
            ("2024-06".to_string(), Some(false)),
        ]
    );
    // March: 5 days, g = 3: 2 billed. April: notice after noon, g = 4, 4 days: nothing.
    assert_eq!(line(&inv, "mar").unwrap().billed_days, 2.0);
    assert_eq!(reason(&inv, "apr"), Some(NotBilledReason::WithinGrace));
    assert_eq!(
        reason(&inv, "jan"),
        Some(NotBilledReason::AverageNotExceeded)
    );
    assert_eq!(
        reason(&inv, "jun"),
        Some(NotBilledReason::AverageNotExceeded)
    );
    assert_eq!(inv.amount_ore(), 2 * 1_160_000);
}

#[test]
fn a_month_without_discharges_breaks_the_run() {
    let a = preset("sormland");
    let k = |id: &str, r: &str, d: &str| ep(id, "0484", CareType::Somatic, r, d);
    let eps = vec![
        k("jan", "2024-01-10", "2024-01-20"),
        k("feb", "2024-02-10", "2024-02-20"),
        k("apr", "2024-04-10", "2024-04-20"),
    ];
    assert_eq!(run(&eps, &a).amount_ore(), 0);
}

// ----- vgr and the mixed model ------------------------------------------------------------------

#[test]
fn vgr_bills_the_excess_over_3_days_and_episodes_past_the_ceiling_individually() {
    let a = preset("vgr");
    let g = |id: &str, r: &str, d: &str| ep(id, "1480", CareType::Somatic, r, d);
    let eps = vec![
        // March: 0, 5, 6 days at or under the ceiling: mean 11 / 3 > 3: excess 11 − 9 = 2 days.
        g("m0", "2024-03-10", "2024-03-10"),
        g("m5", "2024-03-10", "2024-03-15"),
        g("m6", "2024-03-10", "2024-03-16"),
        // 9 days, past the 7-day ceiling: days 8 and 9 billed individually, not in the mean.
        g("m9", "2024-03-01", "2024-03-10"),
        // April: 0, 2, 4 and a 10-day episode: mean 2.0, not liable; the 10-day episode is
        // billed days 8–10 whatever the average.
        g("a0", "2024-04-10", "2024-04-10"),
        g("a2", "2024-04-10", "2024-04-12"),
        g("a4", "2024-04-10", "2024-04-14"),
        g("a10", "2024-04-01", "2024-04-11"),
        // 7 days is at the ceiling, not past it: in the mean.
        g("a7", "2024-04-20", "2024-04-27"),
    ];
    let inv = run(&eps, &a);
    let m9 = line(&inv, "m9").unwrap();
    assert_eq!((m9.billed_days, m9.rule), (2.0, Rule::IndividualCeiling));
    let a10 = line(&inv, "a10").unwrap();
    assert_eq!((a10.billed_days, a10.rule), (3.0, Rule::IndividualCeiling));
    let march_line = inv
        .lines
        .iter()
        .find(|l| l.episode_id.is_none() && l.period.to_string() == "2024-03")
        .unwrap();
    assert_eq!(march_line.rule, Rule::AverageOverThreshold);
    assert_eq!(march_line.billed_days, 2.0);
    assert_eq!(march_line.episodes, 3);
    assert_eq!(march_line.amount_ore, 2 * 1_160_000);
    let april = inv
        .total(
            m("1480"),
            CareType::Somatic,
            Period::month(2024, 4).unwrap(),
        )
        .unwrap();
    // April mean over 0, 2, 4, 7 = 13 / 4 = 3.25 > 3: liable after all: excess 13 − 12 = 1.
    assert_eq!((april.mean_days, april.triggered), (Some(3.25), Some(true)));
    assert_eq!(april.billed_days, 3.0 + 1.0);
    assert_eq!(inv.amount_ore(), (2 + 2 + 3 + 1) * 1_160_000);
    assert!(inv.balances());
}

#[test]
fn excess_over_threshold_days_may_be_fractional_and_round_once() {
    let mut a = preset("vgr");
    a.somatic.average.as_mut().unwrap().threshold_days = 2.5;
    a.somatic.rate = Rate::fixed(333);
    // Three episodes of 3 days: mean 3 > 2.5: (3 − 2.5) × 3 = 1.5 days × 333 öre = 499.5 → 500.
    let eps: Vec<Episode> = (0..3)
        .map(|i| {
            ep(
                &format!("e{i}"),
                "1480",
                CareType::Somatic,
                "2024-03-01",
                "2024-03-04",
            )
        })
        .collect();
    let inv = run(&eps, &a);
    assert_eq!(inv.lines.len(), 1);
    assert_eq!(inv.lines[0].billed_days, 1.5);
    assert_eq!(inv.lines[0].amount_ore, 500);
    let json = serde_json::to_value(&inv).unwrap();
    assert_eq!(json["lines"][0]["billed_days"], serde_json::json!(1.5));
    assert_eq!(json["lines"][0]["episode_id"], serde_json::Value::Null);
}

#[test]
fn the_mixed_model_never_bills_a_day_twice() {
    // Mixed with per-episode billing: grace 3, ceiling 7, threshold 0 (every month liable).
    let mut a = preset("vgr");
    for care in [CareType::Somatic, CareType::Psychiatric] {
        let r = a.rule_mut(care);
        r.grace_days = Some(3);
        let avg = r.average.as_mut().unwrap();
        avg.basis = Basis::ExcessPerEpisode;
        avg.threshold_days = 0.0;
    }
    a.validate().unwrap();
    let eps: Vec<Episode> = (0..15)
        .map(|d| {
            ep(
                &format!("e{d}"),
                "1480",
                CareType::Somatic,
                "2024-03-01",
                &format!("2024-03-{:02}", 1 + d),
            )
        })
        .collect();
    let inv = run(&eps, &a);
    for (d, e) in eps.iter().enumerate() {
        let d = d as i64;
        let billed = line(&inv, &e.episode_id).map_or(0.0, |l| l.billed_days);
        // At or under the ceiling: days past grace; past it: days past the ceiling only.
        let expected = if d > 7 { d - 7 } else { (d - 3).max(0) };
        assert_eq!(billed, expected as f64, "{d} days");
        assert!(billed <= d as f64);
    }
    // Every line is a distinct episode.
    let mut ids: Vec<_> = inv.lines.iter().map(|l| l.episode_id.clone()).collect();
    ids.dedup();
    assert_eq!(ids.len(), inv.lines.len());
}

#[test]
fn vgr_variant_bills_the_following_quarter_until_the_mean_improves() {
    let mut a = preset("vgr");
    let avg = a.somatic.average.as_mut().unwrap();
    avg.evaluation = Evaluation::FollowingUntilImproved;
    avg.window = 3;
    a.validate().unwrap();
    let g = |id: &str, r: &str, d: &str| ep(id, "1480", CareType::Somatic, r, d);
    let eps = vec![
        // Jan–Mar: 5, 5, 5 days: mean 5 > 3; nothing billed yet (no earlier evaluation).
        g("jan", "2024-01-10", "2024-01-15"),
        g("feb", "2024-02-10", "2024-02-15"),
        g("mar", "2024-03-10", "2024-03-15"),
        // Apr–Jun liable on the Jan–Mar mean; each billed its own excess: April (5 − 3) × 1 =
        // 2 days; May and June (1 day each) exceeded nothing.
        g("apr", "2024-04-10", "2024-04-15"),
        g("may", "2024-05-10", "2024-05-11"),
        g("jun", "2024-06-10", "2024-06-11"),
        // Apr–Jun mean 7 / 3 ≤ 3: July (6 days) is not liable.
        g("jul", "2024-07-10", "2024-07-16"),
    ];
    let inv = run(&eps, &a);
    let billed: Vec<String> = inv
        .totals
        .iter()
        .filter(|t| t.triggered == Some(true))
        .map(|t| t.period.to_string())
        .collect();
    assert_eq!(billed, ["2024-04", "2024-05", "2024-06"]);
    assert_eq!(inv.amount_ore(), 2 * 1_160_000);
    let may = inv
        .total(
            m("1480"),
            CareType::Somatic,
            Period::month(2024, 5).unwrap(),
        )
        .unwrap();
    assert_eq!(may.mean_days, Some(5.0)); // the deciding mean: Jan–Mar
    assert_eq!(may.period_mean_days, Some(1.0));
    assert_eq!((may.triggered, may.amount_ore), (Some(true), 0));
    assert_eq!(
        reason(&inv, "may"),
        Some(NotBilledReason::AverageNotExceeded)
    );
    assert_eq!(line(&inv, "apr"), None);
    assert_eq!(inv.lines[0].billed_days, 2.0);
    assert_eq!(
        reason(&inv, "jan"),
        Some(NotBilledReason::AverageNotExceeded)
    );
    assert_eq!(
        reason(&inv, "jul"),
        Some(NotBilledReason::AverageNotExceeded)
    );
}

#[test]
fn block_mean_bills_the_same_quarter() {
    let mut a = preset("vgr");
    let avg = a.somatic.average.as_mut().unwrap();
    avg.evaluation = Evaluation::BlockMean;
    avg.window = 3;
    let g = |id: &str, r: &str, d: &str| ep(id, "1480", CareType::Somatic, r, d);
    // Jan–Mar: 6, 1, 2 days: block mean 3 (not above). Apr–Jun: 6, 1, 3: mean 10 / 3 > 3:
    // each month liable, each billed its own excess: April 6 − 3 = 3 days, May and June none.
    let eps = vec![
        g("jan", "2024-01-10", "2024-01-16"),
        g("feb", "2024-02-10", "2024-02-11"),
        g("mar", "2024-03-10", "2024-03-12"),
        g("apr", "2024-04-10", "2024-04-16"),
        g("may", "2024-05-10", "2024-05-11"),
        g("jun", "2024-06-10", "2024-06-13"),
    ];
    let inv = run(&eps, &a);
    let t: Vec<(String, Option<bool>)> = inv
        .totals
        .iter()
        .map(|t| (t.period.to_string(), t.triggered))
        .collect();
    let expect = |p: &str, b: bool| (p.to_string(), Some(b));
    assert_eq!(
        t,
        [
            expect("2024-01", false),
            expect("2024-02", false),
            expect("2024-03", false),
            expect("2024-04", true),
            expect("2024-05", true),
            expect("2024-06", true),
        ]
    );
    assert_eq!(inv.amount_ore(), 3 * 1_160_000);
    assert_eq!(inv.totals[4].mean_days, Some(10.0 / 3.0));
}

#[test]
fn rolling_mean_window() {
    let mut a = preset("kalmar");
    let avg = a.somatic.average.as_mut().unwrap();
    avg.evaluation = Evaluation::RollingMean;
    avg.window = 2;
    avg.threshold_days = 2.0;
    // Jan mean 4 (liable alone), Feb mean 1: pooled (4 + 1) / 2 = 2.5 > 2: liable;
    // Mar mean 0: pooled (1 + 0) / 2 = 0.5: not.
    let eps = vec![
        som("jan", "2024-01-10", "2024-01-14"),
        som("feb", "2024-02-10", "2024-02-11"),
        som("mar", "2024-03-10", "2024-03-10"),
    ];
    let inv = run(&eps, &a);
    let t: Vec<(Option<f64>, Option<bool>)> = inv
        .totals
        .iter()
        .map(|t| (t.mean_days, t.triggered))
        .collect();
    assert_eq!(
        t,
        [
            (Some(4.0), Some(true)),
            (Some(2.5), Some(true)),
            (Some(0.5), Some(false))
        ]
    );
    assert_eq!(line(&inv, "jan").unwrap().billed_days, 1.0);
    assert_eq!(reason(&inv, "feb"), Some(NotBilledReason::WithinGrace));
}

#[test]
fn persons_unit_counts_distinct_patients() {
    let mut a = preset("vgr");
    a.somatic.average.as_mut().unwrap().unit = Unit::Persons;
    // One person with two episodes of 2 days, one with one of 0 days: 4 days over 2 persons =
    // mean 2 (episodes: 4 / 3). Threshold 1.5: liable, excess 4 − 3 = 1 day.
    a.somatic.average.as_mut().unwrap().threshold_days = 1.5;
    let eps = vec![
        ep("a", "1480", CareType::Somatic, "2024-03-01", "2024-03-03").patient("p1"),
        ep("b", "1480", CareType::Somatic, "2024-03-10", "2024-03-12").patient("p1"),
        ep("c", "1480", CareType::Somatic, "2024-03-10", "2024-03-10").patient("p2"),
    ];
    let inv = run(&eps, &a);
    assert_eq!(inv.totals[0].mean_days, Some(2.0));
    assert_eq!(inv.lines[0].billed_days, 1.0);
    assert_eq!(inv.lines[0].episodes, 3);
    // An episode without a patient id is its own person, even when its id looks like one.
    let mut more = eps.clone();
    more.push(ep(
        "p2",
        "1480",
        CareType::Somatic,
        "2024-03-20",
        "2024-03-20",
    ));
    let inv = run(&more, &a);
    assert_eq!(inv.totals[0].mean_days, Some(4.0 / 3.0));
}

// ----- agreements as data ---------------------------------------------------------------------

#[test]
fn presets_round_trip_and_carry_source_and_assumptions() {
    assert_eq!(
        preset_names(),
        ["statutory", "kalmar", "vgr", "sormland", "stockholm"]
    );
    for name in preset_names() {
        let a = preset(name);
        assert_eq!(a.name, name);
        assert!(!a.source.is_empty() && !a.assumptions.is_empty(), "{name}");
        let text = a.to_toml().unwrap();
        assert_eq!(Agreement::from_toml(&text).unwrap(), a, "{name}");
        assert!(preset_text(name).unwrap().contains("assumptions"));
        // JSON out.
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["name"], name);
    }
    assert_eq!(preset("statutory").somatic, CareRule::statutory());
    assert_eq!(
        preset("statutory").psychiatric,
        Agreement::statutory().psychiatric
    );
    let k = preset("kalmar");
    assert_eq!(k.somatic.period, PeriodKind::Month);
    assert_eq!(k.psychiatric.period, PeriodKind::Quarter);
    assert!(matches!(Agreement::preset("gotland"), Err(Error::UnknownPreset(n)) if n == "gotland"));
}

fn field_of(r: Result<Agreement, Error>) -> String {
    match r {
        Err(Error::Agreement { field, .. }) => field,
        other => panic!("expected an agreement error, got {other:?}"),
    }
}

#[test]
fn unknown_and_contradictory_fields_are_errors_naming_the_field() {
    let k = preset_text("kalmar").unwrap();
    assert_eq!(
        field_of(Agreement::from_toml(&k.replacen(
            "grace_days",
            "grace_dayz",
            1
        ))),
        "somatic.grace_dayz"
    );
    assert_eq!(
        field_of(Agreement::from_toml(&k.replacen(
            "threshold_days = 0.8",
            "threshold_days = 0.8\nthreshhold = 1",
            1
        ))),
        "somatic.average.threshhold"
    );
    assert_eq!(
        field_of(Agreement::from_toml(&k.replacen(
            "threshold_days = 0.8",
            "threshold_days = \"high\"",
            1
        ))),
        "somatic.average.threshold_days"
    );
    assert_eq!(
        field_of(Agreement::from_toml(&k.replacen(
            "model = \"average\"",
            "model = \"clever\"",
            1
        ))),
        "somatic.model"
    );
    assert_eq!(
        field_of(Agreement::from_toml(&format!("colour = 1\n{k}"))),
        "colour"
    );
    // A missing required field is named with its path.
    assert_eq!(
        field_of(Agreement::from_toml(&k.replacen(
            "basis = \"excess_per_episode\"",
            "",
            1
        ))),
        "somatic.average.basis"
    );
    // Contradictions.
    let mut a = preset("kalmar");
    a.somatic.average.as_mut().unwrap().threshold_days = 0.8001;
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "somatic.average.threshold_days"
    );
    let mut a = preset("kalmar");
    a.psychiatric.model = Model::Individual;
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "psychiatric.average"
    );
    let mut a = preset("vgr");
    a.somatic.grace_days = Some(3);
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "somatic.grace_days"
    );
    let mut a = preset("vgr");
    a.somatic.ceiling_days = None;
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "somatic.ceiling_days"
    );
    let mut a = preset("kalmar");
    a.somatic.average.as_mut().unwrap().window = 3;
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "somatic.average.window"
    );
    let mut a = preset("statutory");
    a.somatic.rate.ore = Some(5);
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "somatic.rate.ore"
    );
    let mut a = preset("statutory");
    a.somatic.rate.kind = RateKind::Tiers;
    a.somatic.rate.tiers = Some(vec![Tier {
        from_day: 2,
        ore: Some(1),
        percent_of_national: None,
    }]);
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "somatic.rate.tiers"
    );
    let mut a = preset("statutory");
    a.somatic.grace_days = None;
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "somatic.grace_days"
    );
    let mut a = preset("statutory");
    a.somatic.noon_rule = false;
    a.somatic.date_only_after_noon = true;
    assert_eq!(
        field_of(a.validate().map(|()| a.clone())),
        "somatic.date_only_after_noon"
    );
    // The error text names the field too.
    let err = Agreement::from_toml(&k.replacen("grace_days", "grace_dayz", 1)).unwrap_err();
    assert!(err.to_string().contains("somatic.grace_dayz"), "{err}");
}

/// The field and message of an agreement's validation error.
fn invalid(a: &Agreement) -> (String, String) {
    match a.validate() {
        Err(Error::Agreement { field, message }) => (field, message),
        other => panic!("expected an agreement error, got {other:?}"),
    }
}

/// A tier as `(from_day, ore, percent_of_national)`.
type TierSpec = (u32, Option<i64>, Option<u32>);

fn tiers(list: &[TierSpec]) -> Rate {
    Rate {
        kind: RateKind::Tiers,
        ore: None,
        tiers: Some(
            list.iter()
                .map(|&(from_day, ore, percent_of_national)| Tier {
                    from_day,
                    ore,
                    percent_of_national,
                })
                .collect(),
        ),
    }
}

#[test]
fn every_parameter_has_its_range() {
    // The ceiling: at least one day, at most a year.
    for c in [0, MAX_DAYS_PARAMETER + 1, u32::MAX] {
        let mut a = preset("vgr");
        a.somatic.ceiling_days = Some(c);
        let (field, msg) = invalid(&a);
        assert_eq!(field, "somatic.ceiling_days", "{c}");
        assert!(msg.contains("1 to 365"), "{msg}");
    }
    for c in [1, 7, MAX_DAYS_PARAMETER] {
        let mut a = preset("vgr");
        a.psychiatric.ceiling_days = Some(c);
        a.validate().unwrap();
    }
    // Grace days: 0 to a year.
    for g in [MAX_DAYS_PARAMETER + 1, u32::MAX] {
        let mut a = preset("statutory");
        a.psychiatric.grace_days = Some(g);
        assert_eq!(invalid(&a).0, "psychiatric.grace_days", "{g}");
        let mut a = preset("kalmar");
        a.somatic.grace_days = Some(g);
        assert_eq!(invalid(&a).0, "somatic.grace_days", "{g}");
    }
    for g in [0, MAX_DAYS_PARAMETER] {
        let mut a = preset("statutory");
        a.somatic.grace_days = Some(g);
        a.validate().unwrap();
    }
    // The window: 1 to 120 periods.
    for w in [0, MAX_WINDOW + 1, u32::MAX] {
        let mut a = preset("sormland");
        a.somatic.average.as_mut().unwrap().window = w;
        assert_eq!(invalid(&a).0, "somatic.average.window", "{w}");
    }
    let mut a = preset("sormland");
    a.somatic.average.as_mut().unwrap().window = MAX_WINDOW;
    a.validate().unwrap();
    // The threshold: finite, 0 to a year, three decimals.
    for t in [
        -0.001,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        366.0,
        1e300,
        0.0005,
    ] {
        let mut a = preset("kalmar");
        a.somatic.average.as_mut().unwrap().threshold_days = t;
        assert_eq!(invalid(&a).0, "somatic.average.threshold_days", "{t}");
    }
    for t in [0.0, 0.001, 365.0] {
        let mut a = preset("kalmar");
        a.somatic.average.as_mut().unwrap().threshold_days = t;
        a.validate().unwrap();
    }
    // Fixed amounts: 0 to 100 million kr.
    for o in [-1, i64::MIN, 10_000_000_001, i64::MAX] {
        let mut a = preset("statutory");
        a.somatic.rate = Rate::fixed(o);
        assert_eq!(invalid(&a).0, "somatic.rate.ore", "{o}");
        let mut a = preset("statutory");
        a.somatic.rate = tiers(&[(1, Some(o), None)]);
        assert_eq!(invalid(&a).0, "somatic.rate.tiers[0].ore", "{o}");
    }
    let mut a = preset("statutory");
    a.somatic.rate = Rate::fixed(0);
    a.validate().unwrap();
    // Percentages: 1 to 10 000 %.
    for p in [0, MAX_PERCENT + 1, u32::MAX] {
        let mut a = preset("statutory");
        a.somatic.rate = tiers(&[(1, None, Some(100)), (5, None, Some(p))]);
        let (field, msg) = invalid(&a);
        assert_eq!(field, "somatic.rate.tiers[1].percent_of_national", "{p}");
        assert!(msg.contains("10000"), "{msg}");
    }
    let mut a = preset("statutory");
    a.somatic.rate = tiers(&[(1, None, Some(1)), (5, None, Some(MAX_PERCENT))]);
    a.validate().unwrap();
    // Tiers: from day 1, strictly increasing, within the days of the range, one price each.
    let cases: [(&[TierSpec], &str); 6] = [
        (&[(2, Some(1), None)], "somatic.rate.tiers"),
        (&[(0, Some(1), None)], "somatic.rate.tiers"),
        (
            &[(1, Some(1), None), (4, Some(2), None), (4, Some(3), None)],
            "somatic.rate.tiers[2].from_day",
        ),
        (
            &[(1, Some(1), None), (9, Some(2), None), (4, Some(3), None)],
            "somatic.rate.tiers[2].from_day",
        ),
        (
            &[(1, Some(1), None), (MAX_TIER_DAY + 1, Some(2), None)],
            "somatic.rate.tiers[1].from_day",
        ),
        (&[(1, Some(1), Some(50))], "somatic.rate.tiers[0]"),
    ];
    for (list, field) in cases {
        let mut a = preset("statutory");
        a.somatic.rate = tiers(list);
        assert_eq!(invalid(&a).0, field, "{list:?}");
    }
    let mut a = preset("statutory");
    a.somatic.rate = tiers(&[]);
    assert_eq!(invalid(&a).0, "somatic.rate.tiers");
    // The same checks when read from TOML, and in a sweep's variants.
    let k = preset_text("statutory").unwrap();
    let err = Agreement::from_toml(&k.replacen("grace_days = 3", "grace_days = 4294967295", 1))
        .unwrap_err();
    assert!(err.to_string().contains("somatic.grace_days"), "{err}");
    let e = som("a", "2024-03-01", "2024-03-10");
    let err = sweep(&[e], &preset("statutory"), &national(), &[], &[366]).unwrap_err();
    assert!(err.to_string().contains("grace_days"), "{err}");
}

#[test]
fn toml_syntax_errors_give_the_line_and_column() {
    let k = preset_text("statutory").unwrap();
    let line = k.lines().position(|l| l.starts_with("grace_days")).unwrap() + 1;
    let bad = k.replacen("grace_days = 3", "grace_days = \"3", 1);
    let err = Agreement::from_toml(&bad).unwrap_err();
    let Error::Agreement { field, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(field, "(agreement)");
    assert!(
        message.starts_with(&format!("line {line}, column ")),
        "{message}"
    );
    assert!(message.contains("string"), "{message}");
    // A value of the wrong type gives its position too, with the field.
    let bad = k.replacen("grace_days = 3", "grace_days = -3", 1);
    let err = Agreement::from_toml(&bad).unwrap_err();
    let Error::Agreement { field, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(field, "somatic.grace_days");
    assert!(
        message.starts_with(&format!("line {line}, column 14:")),
        "{message}"
    );
    // Columns count characters, not bytes.
    let err = Agreement::from_toml("title = \"åäö\" x\n").unwrap_err();
    assert!(err.to_string().contains("line 1, column 15:"), "{err}");
}

#[test]
fn every_parameter_survives_toml_and_json() {
    let mut a = preset("vgr");
    a.name = "custom".into();
    let r = &mut a.somatic;
    r.day_count = DayCount::Working;
    r.start = Start::HomeReady;
    r.bill_discharge_day = true;
    r.period = PeriodKind::Quarter;
    let avg = r.average.as_mut().unwrap();
    avg.unit = Unit::Persons;
    avg.mean = MeanDefinition::ExclDay0;
    avg.evaluation = Evaluation::FollowingUntilImproved;
    avg.window = 2;
    avg.threshold_days = 2.125;
    a.psychiatric = CareRule::statutory();
    a.psychiatric.date_only_after_noon = true;
    a.psychiatric.rate = Rate {
        kind: RateKind::Tiers,
        ore: None,
        tiers: Some(vec![
            Tier {
                from_day: 1,
                ore: None,
                percent_of_national: Some(50),
            },
            Tier {
                from_day: 3,
                ore: Some(900_000),
                percent_of_national: None,
            },
        ]),
    };
    a.validate().unwrap();
    let text = a.to_toml().unwrap();
    assert_eq!(Agreement::from_toml(&text).unwrap(), a, "{text}");
    let json = serde_json::to_string(&a).unwrap();
    let back: Agreement = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert!(json.contains("\"following_until_improved\""));
}

#[test]
fn a_minimal_agreement_uses_the_documented_defaults() {
    let a = Agreement::from_toml(
        r#"
name = "mini"
[somatic]
model = "individual"
grace_days = 2
[psychiatric]
model = "average"
grace_days = 3
average = { mean = "excl_day0", threshold_days = 2, basis = "excess_per_episode" }
"#,
    )
    .unwrap();
    assert_eq!(a.somatic.period, PeriodKind::Month);
    assert_eq!(a.somatic.day_count, DayCount::Calendar);
    assert_eq!(a.somatic.start, Start::Ready);
    assert!(!a.somatic.noon_rule && !a.somatic.bill_discharge_day);
    assert_eq!(a.somatic.rate, Rate::national());
    let avg = a.psychiatric.average.as_ref().unwrap();
    assert_eq!(
        (avg.unit, avg.evaluation, avg.window),
        (Unit::Episodes, Evaluation::EachPeriod, 1)
    );
}

#[test]
fn invoice_json_has_exactly_the_fields_of_spec_9() {
    let eps = vec![
        som("a", "2024-03-01T08:00", "2024-03-10"),
        som("b", "2024-03-01T08:00", "2024-03-02"),
    ];
    let json = serde_json::to_value(run(&eps, &preset("statutory"))).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&json),
        ["episodes_in", "lines", "not_billed", "totals"]
    );
    assert_eq!(
        keys(&json["lines"][0]),
        [
            "amount_ore",
            "billed_days",
            "care_type",
            "episode_id",
            "municipality",
            "period",
            "rule"
        ]
    );
    assert_eq!(
        keys(&json["totals"][0]),
        [
            "amount_ore",
            "billed_days",
            "care_type",
            "mean_days",
            "municipality",
            "period",
            "threshold",
            "triggered"
        ]
    );
    assert_eq!(json["lines"][0]["episode_id"], "a");
    assert_eq!(json["lines"][0]["municipality"], "0880");
    assert_eq!(json["lines"][0]["care_type"], "somatic");
    assert_eq!(json["lines"][0]["period"], "2024-03");
    assert_eq!(json["lines"][0]["billed_days"], 6);
    assert_eq!(json["lines"][0]["amount_ore"], 6 * 1_160_000);
    assert_eq!(json["lines"][0]["rule"], "individual");
    assert_eq!(json["totals"][0]["mean_days"], serde_json::Value::Null);
    assert_eq!(json["totals"][0]["triggered"], serde_json::Value::Null);
    assert_eq!(json["not_billed"]["within_grace"], 1);
    assert_eq!(json["not_billed"]["open"], 0);
    assert_eq!(
        json["not_billed"].as_object().unwrap().len(),
        NotBilledReason::ALL.len()
    );
    assert_eq!(json["episodes_in"], 2);
}

// ----- what-if ----------------------------------------------------------------------------------

fn synth_2024(n: usize, seed: u64) -> Vec<Episode> {
    crate::synth::generate(&crate::synth::SynthOptions {
        episodes: n,
        seed,
        year: 2024,
        ..Default::default()
    })
}

#[test]
fn the_sweep_equals_the_invoice_of_every_variant() {
    let eps = synth_2024(20_000, 3);
    // The synthetic year starts in January 2024: some stays began in 2023.
    let amounts = national()
        .with(2023, 1_100_000)
        .unwrap()
        .with(2025, 1_200_000)
        .unwrap();
    let mut following = preset("vgr");
    following.somatic.average.as_mut().unwrap().evaluation = Evaluation::FollowingUntilImproved;
    following.somatic.average.as_mut().unwrap().window = 3;
    let mut working = preset("statutory");
    working.somatic.day_count = DayCount::Working;
    let mut persons = preset("kalmar");
    persons.somatic.average.as_mut().unwrap().unit = Unit::Persons;
    let mut block = preset("kalmar");
    block.psychiatric.average.as_mut().unwrap().evaluation = Evaluation::BlockMean;
    block.psychiatric.average.as_mut().unwrap().window = 2;
    let mut discharge_day = preset("sormland");
    discharge_day.psychiatric.bill_discharge_day = true;
    for a in [
        preset("statutory"),
        preset("kalmar"),
        preset("vgr"),
        preset("sormland"),
        following,
        working,
        persons,
        block,
        discharge_day,
    ] {
        let thresholds = [0.0, 0.8, 2.5, 3.0];
        let graces = [0, 3, 5];
        let s = sweep(&eps, &a, &amounts, &thresholds, &graces).unwrap();
        assert_eq!(s.rows.len(), 12);
        for row in &s.rows {
            let mut v = a.clone();
            for care in [CareType::Somatic, CareType::Psychiatric] {
                let r = v.rule_mut(care);
                if let Some(avg) = r.average.as_mut() {
                    avg.threshold_days = row.threshold_days.unwrap();
                }
                if r.grace_days.is_some() {
                    r.grace_days = row.grace_days;
                }
            }
            let inv = invoice(&eps, &v, &amounts).unwrap();
            assert_eq!(
                row.amount_ore,
                inv.amount_ore(),
                "{} {:?} {:?}",
                a.name,
                row.threshold_days,
                row.grace_days
            );
            assert!((row.billed_days - inv.billed_days()).abs() < 1e-6);
            assert_eq!(
                row.amount_ore_by_municipality.iter().sum::<i64>(),
                row.amount_ore
            );
        }
    }
}

#[test]
fn the_sweep_reports_a_missing_amount() {
    let eps = synth_2024(2_000, 5);
    assert_eq!(
        sweep(&eps, &preset("statutory"), &national(), &[], &[3]).unwrap_err(),
        Error::MissingAmount { year: 2023 }
    );
}

#[test]
fn comparison_rolls_months_into_the_coarsest_period() {
    let eps = vec![
        psy("j", "2024-01-10", "2024-01-16"),
        psy("f", "2024-02-10", "2024-02-20"),
        som("s", "2024-02-10", "2024-02-20"),
    ];
    let c = compare(
        &eps,
        &[("law", preset("statutory")), ("kalmar", preset("kalmar"))],
        &national(),
    )
    .unwrap();
    let rows: Vec<(String, String, Vec<i64>)> = c
        .rows
        .iter()
        .map(|r| {
            (
                r.care_type.to_string(),
                r.period.to_string(),
                r.amount_ore.clone(),
            )
        })
        .collect();
    // Psychiatric: the law bills per month, Kalmar per quarter: rows per quarter. The law:
    // January 3 days + February 7 days; Kalmar: quarter mean 8 > 0.8: the same days (no noon rule,
    // notices are dates).
    assert_eq!(
        rows,
        [
            (
                "somatic".to_string(),
                "2024-02".to_string(),
                vec![7 * 1_160_000, 7 * 1_160_000]
            ),
            (
                "psychiatric".to_string(),
                "2024-Q1".to_string(),
                vec![10 * 1_160_000, 10 * 1_160_000]
            ),
        ]
    );
    assert_eq!(c.total_ore(0), 17 * 1_160_000);
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["names"], serde_json::json!(["law", "kalmar"]));
}

// ----- properties -------------------------------------------------------------------------------

/// municipality, psychiatric, ready offset, ready days, time, patient, flags, open when 0.
type RawEp = (u8, bool, u32, i32, u8, u8, [bool; 4], u8);

fn arb_episode() -> impl Strategy<Value = RawEp> {
    (
        0u8..3,             // municipality
        any::<bool>(),      // psychiatric
        0u32..200,          // ready day offset in 2024
        -1i32..20,          // ready days
        0u8..4,             // time: none, 08:00, 12:00:00, 12:00:01
        0u8..3,             // patient
        any::<[bool; 4]>(), // precondition flags (rarely used)
        0u8..20,            // open when 0
    )
}

fn build(raw: &[RawEp]) -> Vec<Episode> {
    let munis = ["0880", "1480", "0484"];
    // From November 2023: stays cross New Year.
    let base = chrono::NaiveDate::from_ymd_opt(2023, 11, 1).unwrap();
    raw.iter()
        .enumerate()
        .map(|(i, &(mu, psych, off, days, t, pat, flags, open))| {
            let date = base + chrono::Duration::days(i64::from(off));
            let time = match t {
                1 => Some(chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap()),
                2 => Some(chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap()),
                3 => Some(chrono::NaiveTime::from_hms_opt(12, 0, 1).unwrap()),
                _ => None,
            };
            let ready = crate::NoticeTime { date, time };
            let care = if psych {
                CareType::Psychiatric
            } else {
                CareType::Somatic
            };
            let mut e = Episode::new(format!("e{i}"), m(munis[mu as usize]), care, ready)
                .patient(format!("p{pat}"));
            if open != 0 {
                e.discharged_at = Some(crate::NoticeTime::date(
                    date + chrono::Duration::days(i64::from(days)),
                ));
            }
            // Flags only on a few episodes.
            if flags[0] && flags[1] && flags[2] {
                e.admission_notice_sent = false;
            }
            if flags[0] && flags[1] && flags[3] {
                e.sip_required = true;
            }
            if flags[1] && flags[2] && flags[3] {
                e.region_blocked = true;
            }
            e
        })
        .collect()
}

fn all_agreements() -> Vec<Agreement> {
    let mut following = preset("vgr");
    following.somatic.average.as_mut().unwrap().evaluation = Evaluation::FollowingUntilImproved;
    following.somatic.average.as_mut().unwrap().window = 3;
    let mut rolling = preset("kalmar");
    rolling.somatic.average.as_mut().unwrap().evaluation = Evaluation::RollingMean;
    rolling.somatic.average.as_mut().unwrap().window = 2;
    let mut persons = preset("vgr");
    persons.psychiatric.average.as_mut().unwrap().unit = Unit::Persons;
    let mut block = preset("vgr");
    block.somatic.average.as_mut().unwrap().evaluation = Evaluation::BlockMean;
    block.somatic.average.as_mut().unwrap().window = 3;
    let mut working = preset("sormland");
    working.somatic.day_count = DayCount::Working;
    working.somatic.bill_discharge_day = true;
    vec![
        preset("statutory"),
        preset("kalmar"),
        preset("vgr"),
        preset("sormland"),
        following,
        rolling,
        persons,
        block,
        working,
        preset("stockholm"),
        staged(),
    ]
}

fn amounts_2024() -> Amounts {
    national()
        .with(2023, 1_000_000)
        .unwrap()
        .with(2025, 1_200_000)
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn an_earlier_law_from_never_bills_less(
        raw in prop::collection::vec(arb_episode(), 0..60),
        a_off in 0i64..200,
        b_off in 0i64..200,
    ) {
        // The episodes run from November 2023; two starts in that range, the earlier one bills
        // at least the days of the later one, and nothing before either.
        let eps = build(&raw);
        let base = chrono::NaiveDate::from_ymd_opt(2023, 11, 1).unwrap();
        let (early, late) = (a_off.min(b_off), a_off.max(b_off));
        for name in ["statutory", "vgr", "stockholm"] {
            let mut a = preset(name);
            let mut b = a.clone();
            for care in [CareType::Somatic, CareType::Psychiatric] {
                a.rule_mut(care).law_from = Some(base + chrono::Duration::days(early));
                b.rule_mut(care).law_from = Some(base + chrono::Duration::days(late));
            }
            let ia = invoice(&eps, &a, &amounts_2024()).unwrap();
            let ib = invoice(&eps, &b, &amounts_2024()).unwrap();
            prop_assert!(ia.balances() && ib.balances());
            let per_episode = |inv: &Invoice| -> std::collections::BTreeMap<usize, f64> {
                inv.lines.iter().filter_map(|l| l.index.map(|i| (i, l.billed_days))).collect()
            };
            let (pa, pb) = (per_episode(&ia), per_episode(&ib));
            for (i, days) in &pb {
                prop_assert!(pa.get(i).copied().unwrap_or(0.0) >= *days, "{name} episode {i}");
            }
        }
    }

    #[test]
    fn a_change_to_the_same_rules_changes_nothing(raw in prop::collection::vec(arb_episode(), 0..60)) {
        // Periods evaluated on their own (each_period): splitting the episodes at a change of
        // rules to the same rules gives the same invoice.
        let eps = build(&raw);
        for name in ["statutory", "kalmar", "vgr", "stockholm"] {
            let a = preset(name);
            let mut split = a.clone();
            split.changes.push(Change {
                valid_from: "2024-04-01".parse().unwrap(),
                note: String::new(),
                somatic: a.somatic.clone(),
                psychiatric: a.psychiatric.clone(),
            });
            let one = invoice(&eps, &a, &amounts_2024()).unwrap();
            let two = invoice(&eps, &split, &amounts_2024()).unwrap();
            prop_assert_eq!(one.amount_ore(), two.amount_ore());
            prop_assert_eq!(one.lines.len(), two.lines.len());
            prop_assert_eq!(one.not_billed_counts(), two.not_billed_counts());
            prop_assert_eq!(one.totals.len(), two.totals.len());
        }
    }

    #[test]
    fn lines_plus_not_billed_equal_episodes_in(raw in prop::collection::vec(arb_episode(), 0..60)) {
        let eps = build(&raw);
        for a in all_agreements() {
            let inv = invoice(&eps, &a, &amounts_2024()).unwrap();
            prop_assert!(inv.balances());
            prop_assert_eq!(inv.episodes_in, eps.len() as u64);
            let total: i64 = inv.totals.iter().map(|t| t.amount_ore).sum();
            prop_assert_eq!(total, inv.amount_ore());
        }
    }

    #[test]
    fn lines_are_in_invoice_order_and_add_up_to_their_totals(
        raw in prop::collection::vec(arb_episode(), 0..80),
    ) {
        // Municipality, care type, period, then position (a municipality-period line last);
        // totals in the same order, each the sum of its group's lines, in that order.
        let eps = build(&raw);
        for a in all_agreements() {
            let inv = invoice(&eps, &a, &amounts_2024()).unwrap();
            let key = |l: &crate::payment::Line| {
                (l.municipality.code(), l.care_type, l.period.ordinal(), l.index.unwrap_or(usize::MAX))
            };
            for w in inv.lines.windows(2) {
                prop_assert!(key(&w[0]) < key(&w[1]), "{}: {:?} then {:?}", a.name, key(&w[0]), key(&w[1]));
            }
            let group = |t: &crate::payment::Total| (t.municipality.code(), t.care_type, t.period.ordinal());
            for w in inv.totals.windows(2) {
                prop_assert!(group(&w[0]) < group(&w[1]), "{}: totals {:?} then {:?}", a.name, group(&w[0]), group(&w[1]));
            }
            for t in &inv.totals {
                let mine = inv.lines.iter().filter(|l| {
                    (l.municipality, l.care_type, l.period) == (t.municipality, t.care_type, t.period)
                });
                let (days, ore) = mine.fold((0.0, 0i64), |(d, o), l| (d + l.billed_days, o + l.amount_ore));
                prop_assert_eq!(t.billed_days.to_bits(), days.to_bits(), "{}", a.name);
                prop_assert_eq!(t.amount_ore, ore, "{}", a.name);
            }
        }
    }

    #[test]
    fn duplicates_match_a_hash_set(raw in prop::collection::vec(arb_episode(), 0..60), k in 1usize..9) {
        let mut eps = build(&raw);
        for (i, e) in eps.iter_mut().enumerate() {
            e.episode_id = format!("id{}", i % k);
        }
        let inv = invoice(&eps, &preset("statutory"), &amounts_2024()).unwrap();
        prop_assert!(inv.balances());
        let mut seen = std::collections::HashSet::new();
        let expected: Vec<usize> = eps
            .iter()
            .enumerate()
            .filter(|(_, e)| !seen.insert(e.episode_id.clone()))
            .map(|(i, _)| i)
            .collect();
        let got: Vec<usize> = inv
            .not_billed
            .iter()
            .filter(|n| n.reason == NotBilledReason::DuplicateEpisodeId)
            .map(|n| n.index)
            .collect();
        // A repeat is counted under its first problem, as on every input row: the repeated id
        // when nothing else is wrong with it; every repeat is bad data, never billed.
        prop_assert!(got.iter().all(|i| expected.contains(i)));
        for i in &expected {
            let n = inv.not_billed.iter().find(|n| n.index == *i);
            prop_assert!(n.is_some_and(|n| n.reason.is_bad_data()), "repeat {} billed", i);
            let clean = check_episodes(&eps[*i..=*i], NegativeDays::Exclude).is_empty();
            if clean {
                prop_assert!(got.contains(i));
            }
        }
    }

    #[test]
    fn billed_days_never_exceed_ready_days(raw in prop::collection::vec(arb_episode(), 0..60)) {
        let eps = build(&raw);
        for a in all_agreements() {
            let inv = invoice(&eps, &a, &amounts_2024()).unwrap();
            let covered_days: i64 = eps.iter().filter_map(Episode::ready_days).filter(|&d| d > 0).map(i64::from).sum();
            for l in &inv.lines {
                if let Some(i) = l.index {
                    let rd = eps[i].ready_days().unwrap();
                    let limit = rd + i32::from(a.rule(l.care_type).bill_discharge_day);
                    prop_assert!(l.billed_days <= f64::from(limit), "{} > {}", l.billed_days, limit);
                }
                prop_assert!(l.billed_days >= 0.0 && l.amount_ore >= 0);
            }
            prop_assert!(inv.billed_days() <= covered_days as f64 + eps.len() as f64);
        }
    }

    #[test]
    fn raising_a_threshold_or_a_grace_never_raises_an_invoice(
        raw in prop::collection::vec(arb_episode(), 0..60),
        t in 0u32..5000, dt in 0u32..3000, g in 0u32..6, dg in 0u32..4,
    ) {
        let eps = build(&raw);
        for a in all_agreements() {
            let set = |t: u32, g: u32| {
                let mut v = a.clone();
                for care in [CareType::Somatic, CareType::Psychiatric] {
                    let r = v.rule_mut(care);
                    if let Some(avg) = r.average.as_mut() { avg.threshold_days = f64::from(t) / 1000.0; }
                    if r.grace_days.is_some() { r.grace_days = Some(g); }
                }
                invoice(&eps, &v, &amounts_2024()).unwrap().amount_ore()
            };
            let base = set(t, g);
            prop_assert!(set(t + dt, g) <= base, "{}: threshold", a.name);
            prop_assert!(set(t, g + dg) <= base, "{}: grace", a.name);
        }
    }

    #[test]
    fn the_sweep_equals_the_invoice(
        raw in prop::collection::vec(arb_episode(), 0..80),
        ts in prop::collection::vec(0u32..5000, 1..4),
        gs in prop::collection::vec(0u32..8, 1..4),
    ) {
        let eps = build(&raw);
        let thresholds: Vec<f64> = ts.iter().map(|&t| f64::from(t) / 1000.0).collect();
        // A sweep varies one rule: agreements with periods of validity are refused.
        for a in all_agreements().into_iter().filter(|a| a.changes.is_empty()) {
            let s = sweep(&eps, &a, &amounts_2024(), &thresholds, &gs).unwrap();
            let mut rows = s.rows.iter();
            for &t in &thresholds {
                for &g in &gs {
                    let row = rows.next().unwrap();
                    prop_assert_eq!((row.threshold_days, row.grace_days), (Some(t), Some(g)));
                    let mut v = a.clone();
                    for care in [CareType::Somatic, CareType::Psychiatric] {
                        let r = v.rule_mut(care);
                        if let Some(avg) = r.average.as_mut() { avg.threshold_days = t; }
                        if r.grace_days.is_some() { r.grace_days = Some(g); }
                    }
                    let inv = invoice(&eps, &v, &amounts_2024()).unwrap();
                    prop_assert_eq!(row.amount_ore, inv.amount_ore(), "{} {} {}", a.name, t, g);
                    let liable = inv.totals.iter().filter(|t| t.triggered == Some(true)).count() as u64;
                    prop_assert_eq!(row.liable_periods, liable);
                }
            }
        }
    }

    #[test]
    fn adding_a_day0_episode_never_raises_an_average_invoice_counting_day0(
        raw in prop::collection::vec(arb_episode(), 0..60),
        mu in 0u8..3, psych in any::<bool>(), off in 0u32..200,
    ) {
        let eps = build(&raw);
        let mut more = eps.clone();
        let mut extra = build(&[(mu, psych, off, 0, 1, 9, [false; 4], 1)]);
        extra[0].episode_id = "day0-extra".into();
        more.push(extra.pop().unwrap());
        for a in all_agreements() {
            let incl = [CareType::Somatic, CareType::Psychiatric].iter().all(|&c| {
                a.rule(c).average.as_ref().is_some_and(|avg| avg.mean == MeanDefinition::InclDay0)
            });
            if !incl { continue; }
            let before = invoice(&eps, &a, &amounts_2024()).unwrap().amount_ore();
            let after = invoice(&more, &a, &amounts_2024()).unwrap().amount_ore();
            prop_assert!(after <= before, "{}: {} > {}", a.name, after, before);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The law in time: no care day before the law applied to the care type (or the rule's
// law_from).

/// The national amounts with an illustrative 2018 amount (2018 has no sourced one).
fn with_2018() -> Amounts {
    national().with(2018, 1_000 * KR).unwrap()
}

#[test]
fn somatic_stay_over_new_year_2018_bills_only_days_from_the_law() {
    // Ready 2017-12-20 (a date: before noon), discharged 2018-01-10: 21 counted days, grace 3,
    // days 4..21 = 23 Dec 2017 … 9 Jan 2018. The law applies from 1 Jan 2018 (day 13), so days
    // 13..21 = 1 … 9 Jan 2018 are billed: 9 days at the 2018 amount. No 2017 amount is needed.
    let e = som("a", "2017-12-20", "2018-01-10");
    let inv = invoice(&[e], &preset("statutory"), &with_2018()).unwrap();
    assert!(inv.balances());
    assert_eq!(inv.lines.len(), 1);
    assert_eq!(inv.lines[0].billed_days, 9.0);
    assert_eq!(inv.amount_ore(), 9 * 1_000 * KR);
}

#[test]
fn psychiatric_stay_in_2018_is_before_law() {
    // Psychiatric care came under the law on 1 Jan 2019: a stay of March 2018 past its grace
    // days bills nothing, with its own reason.
    let e = psy("p", "2018-03-01", "2018-03-20");
    let inv = invoice(&[e], &preset("statutory"), &with_2018()).unwrap();
    assert!(inv.lines.is_empty());
    assert_eq!(inv.not_billed_count(NotBilledReason::BeforeLaw), 1);
    assert!(inv.balances());
    // The same stay in somatic care is billed: days 4..19 = 16 days.
    let s = som("s", "2018-03-01", "2018-03-20");
    let inv = invoice(&[s], &preset("statutory"), &with_2018()).unwrap();
    assert_eq!(inv.lines[0].billed_days, 16.0);
}

#[test]
fn psychiatric_stay_over_new_year_2019_bills_only_2019() {
    // Ready 2018-12-20, discharged 2019-01-10: days 13..21 = 1 … 9 Jan 2019, at 7 800 kr.
    let e = psy("p", "2018-12-20", "2019-01-10");
    let inv = run(&[e], &preset("statutory"));
    assert_eq!(inv.lines[0].billed_days, 9.0);
    assert_eq!(inv.amount_ore(), 9 * 7_800 * KR);
}

#[test]
fn a_stay_of_2011_is_before_law_and_grace_comes_first() {
    let old = som("old", "2011-05-02", "2011-05-20");
    // Within the grace days whatever the year: within_grace, not before_law.
    let short = som("short", "2011-05-02", "2011-05-04");
    let inv = run(&[old, short], &preset("statutory"));
    assert!(inv.lines.is_empty());
    assert_eq!(inv.not_billed_count(NotBilledReason::BeforeLaw), 1);
    assert_eq!(inv.not_billed_count(NotBilledReason::WithinGrace), 1);
    assert_eq!(NotBilledReason::BeforeLaw.as_str(), "before_law");
    assert_eq!(
        NotBilledReason::ALL.last(),
        Some(&NotBilledReason::BeforeLaw)
    );
}

#[test]
fn an_agreement_gives_its_own_start() {
    // law_from = 2024-03-05 on the somatic rule: ready 2024-03-01, discharged 03-10: days
    // 4..9 = 4 … 9 March; from 5 March (day 5): days 5..9 = 5 days.
    let mut a = preset("statutory");
    a.somatic.law_from = Some("2024-03-05".parse().unwrap());
    let again = Agreement::from_toml(&a.to_toml().unwrap()).unwrap();
    assert_eq!(again, a);
    assert!(a.to_toml().unwrap().contains("law_from = \"2024-03-05\""));
    let inv = run(&[som("a", "2024-03-01", "2024-03-10")], &a);
    assert_eq!(inv.lines[0].billed_days, 5.0);
    assert_eq!(inv.amount_ore(), 5 * 11_600 * KR);
    // Out of range is refused, naming the field.
    let bad = a
        .to_toml()
        .unwrap()
        .replace("law_from = \"2024-03-05\"", "law_from = \"1989-12-31\"");
    let err = Agreement::from_toml(&bad).unwrap_err();
    assert!(err.to_string().contains("somatic.law_from"), "{err}");
}

#[test]
fn the_mixed_ceiling_and_the_average_bill_nothing_before_the_law() {
    // VGR (mixed, ceiling 7): a psychiatric stay of 2018 past the ceiling is before_law.
    let e = psy("p", "2018-03-01", "2018-03-20");
    let inv = invoice(&[e], &preset("vgr"), &with_2018()).unwrap();
    assert!(inv.lines.is_empty());
    assert_eq!(inv.not_billed_count(NotBilledReason::BeforeLaw), 1);
    // Kalmar (average, per episode): a psychiatric quarter of 2018 with a mean above 0.8
    // bills nothing.
    let e = psy("k", "2018-03-01", "2018-03-20");
    let inv = invoice(&[e], &preset("kalmar"), &with_2018()).unwrap();
    assert!(inv.lines.is_empty());
    assert_eq!(inv.not_billed_count(NotBilledReason::BeforeLaw), 1);
}

#[test]
fn working_days_count_the_law_by_working_day() {
    // Working days, grace 3: ready Thu 2017-12-28, discharged Mon 2018-01-08. Working days
    // from 28 Dec: 28, 29 Dec (k 1, 2), 2 Jan (k 3; 1 Jan is a holiday), 3, 4, 5 Jan (k 4–6),
    // [6 Jan is a holiday], 8 Jan is the discharge day. Billed k 4..6 = 3, 4, 5 Jan: all on
    // or after 1 Jan 2018: 3 days.
    let mut a = preset("statutory");
    a.somatic.day_count = DayCount::Working;
    let inv = invoice(&[som("w", "2017-12-28", "2018-01-08")], &a, &with_2018()).unwrap();
    assert_eq!(inv.lines[0].billed_days, 3.0);
    // Grace 1: k 2..6 = 29 Dec, 2 … 5 Jan; 29 Dec is before the law: 4 days.
    a.somatic.grace_days = Some(1);
    let inv = invoice(&[som("w", "2017-12-28", "2018-01-08")], &a, &with_2018()).unwrap();
    assert_eq!(inv.lines[0].billed_days, 4.0);
}

// ---------------------------------------------------------------------------------------------
// Stockholm: the preset against hand-computed cases from its sources.

#[test]
fn stockholm_somatic_mean_including_day0_above_two_days() {
    let a = preset("stockholm");
    // Stockholm municipality 0180, March 2024. Ready days (calendar): 0, 1, 6 → mean incl. day
    // 0 = 7 / 3 = 2.33 > 2.0: liable. Each patient from ready date + 3: the 6-day stay (ready
    // 1 March before noon, discharged 7 March) bills 4, 5, 6 March = 3 days; the others none.
    let eps = [
        ep(
            "z",
            "0180",
            CareType::Somatic,
            "2024-03-04T09:00",
            "2024-03-04",
        ),
        ep(
            "o",
            "0180",
            CareType::Somatic,
            "2024-03-04T09:00",
            "2024-03-05",
        ),
        ep(
            "s",
            "0180",
            CareType::Somatic,
            "2024-03-01T09:00",
            "2024-03-07",
        ),
    ];
    let inv = run(&eps, &a);
    assert_eq!(inv.lines.len(), 1);
    assert_eq!(inv.lines[0].billed_days, 3.0);
    assert_eq!(inv.amount_ore(), 3 * 11_600 * KR);
    assert_eq!(inv.not_billed_count(NotBilledReason::WithinGrace), 2);
    let t = &inv.totals[0];
    assert_eq!(t.triggered, Some(true));
    assert!((t.mean_days.unwrap() - 7.0 / 3.0).abs() < 1e-12);
    // Day 0 in the mean: a fourth patient discharged on day 0 brings it to 7 / 4 = 1.75 ≤ 2.0:
    // not liable, nothing billed.
    let mut more = eps.to_vec();
    more.push(ep(
        "z2",
        "0180",
        CareType::Somatic,
        "2024-03-05T09:00",
        "2024-03-05",
    ));
    let inv = run(&more, &a);
    assert!(inv.lines.is_empty());
    assert_eq!(inv.not_billed_count(NotBilledReason::AverageNotExceeded), 4);
    // A notice after 12.00 counts from the next day: ready 1 March 13:00, discharged 7 March:
    // billed from ready date + 4: 5, 6 March = 2 days (mean 6 / 1 > 2).
    let late = [ep(
        "l",
        "0180",
        CareType::Somatic,
        "2024-03-01T13:00",
        "2024-03-07",
    )];
    assert_eq!(run(&late, &a).lines[0].billed_days, 2.0);
}

#[test]
fn stockholm_psychiatric_after_five_calendar_days_and_from_2020() {
    let a = preset("stockholm");
    // Ready 2024-03-01 before noon, discharged 03-10: days 6..9 = 6 … 9 March = 4 days.
    let e = ep(
        "p",
        "0180",
        CareType::Psychiatric,
        "2024-03-01T09:00",
        "2024-03-10",
    );
    let inv = run(&[e], &a);
    assert_eq!(inv.lines[0].billed_days, 4.0);
    assert_eq!(inv.amount_ore(), 4 * 11_600 * KR);
    // A stay of 2019 is before the agreement's start (law_from 2020-01-01): before_law, and no
    // 2019 amount is asked for.
    let old = ep(
        "q",
        "0180",
        CareType::Psychiatric,
        "2019-06-01T09:00",
        "2019-06-20",
    );
    let inv = run(&[old], &a);
    assert_eq!(inv.not_billed_count(NotBilledReason::BeforeLaw), 1);
    // Over New Year 2020: ready 2019-12-28, discharged 2020-01-08: days 6..11 = 2 Jan … 7 Jan
    // 2020 (all after the start) = 6 days at 8 200 kr.
    let ny = ep(
        "n",
        "0180",
        CareType::Psychiatric,
        "2019-12-28T09:00",
        "2020-01-08",
    );
    let inv = run(&[ny], &a);
    assert_eq!(inv.lines[0].billed_days, 6.0);
    assert_eq!(inv.amount_ore(), 6 * 8_200 * KR);
}

// ---------------------------------------------------------------------------------------------
// Periods of validity: each episode under the rules in force on its discharge date.

fn staged() -> Agreement {
    // The law's rule until February 2024; from 1 March 2024 five grace days (an illustrative
    // stage, as an agreement lowering or raising its grace days would be written).
    let mut a = preset("statutory");
    a.name = "staged".into();
    let mut later = CareRule::statutory();
    later.grace_days = Some(5);
    a.changes.push(Change {
        valid_from: "2024-03-01".parse().unwrap(),
        note: "stage 2".into(),
        somatic: later.clone(),
        psychiatric: later,
    });
    a
}

#[test]
fn each_discharge_period_uses_the_rule_in_force_then() {
    let a = staged();
    let round = Agreement::from_toml(&a.to_toml().unwrap()).unwrap();
    assert_eq!(round, a);
    // Ready 2024-02-20, discharged 02-29 (9 days): grace 3 → days 4..9 = 6 days.
    // Ready 2024-02-25, discharged 03-05 (9 days): discharged in March, grace 5 → 4 days.
    // Ready 2024-03-01, discharged 03-05 (4 days): grace 5 → within grace.
    let eps = [
        som("feb", "2024-02-20", "2024-02-29"),
        som("mar", "2024-02-25", "2024-03-05"),
        som("short", "2024-03-01", "2024-03-05"),
        Episode::new(
            "open",
            m("0880"),
            CareType::Somatic,
            "2024-03-01".parse().unwrap(),
        ),
    ];
    let inv = run(&eps, &a);
    let days: Vec<(Option<&str>, f64)> = inv
        .lines
        .iter()
        .map(|l| (l.episode_id.as_deref(), l.billed_days))
        .collect();
    assert_eq!(days, [(Some("feb"), 6.0), (Some("mar"), 4.0)]);
    assert_eq!(inv.amount_ore(), 10 * 11_600 * KR);
    assert_eq!(inv.not_billed_count(NotBilledReason::WithinGrace), 1);
    assert_eq!(inv.not_billed_count(NotBilledReason::Open), 1);
    // Positions are the input's.
    assert_eq!(inv.lines[1].index, Some(1));
    assert_eq!(inv.not_billed[0].index, 2);
    assert_eq!(inv.totals.len(), 2);
    // A repeated id is found across periods of validity.
    let dup = [
        som("x", "2024-02-20", "2024-02-29"),
        som("x", "2024-03-01", "2024-03-20"),
    ];
    let inv = run(&dup, &a);
    assert_eq!(inv.not_billed_count(NotBilledReason::DuplicateEpisodeId), 1);
    assert_eq!(inv.lines.len(), 1);
}

#[test]
fn a_change_may_not_split_a_period_nor_go_back() {
    let mut a = staged();
    a.changes[0].valid_from = "2024-03-15".parse().unwrap();
    let err = a.validate().unwrap_err();
    assert!(err.to_string().contains("changes[0].valid_from"), "{err}");
    // Quarterly rules: a change must start a quarter.
    let mut q = staged();
    q.changes[0].somatic.period = PeriodKind::Quarter;
    assert!(q.validate().is_err());
    q.changes[0].valid_from = "2024-04-01".parse().unwrap();
    q.validate().unwrap();
    // Strictly increasing.
    let mut b = staged();
    let again = b.changes[0].clone();
    b.changes.push(again);
    assert!(b
        .validate()
        .unwrap_err()
        .to_string()
        .contains("changes[1].valid_from"));
    // A bad rule in a change names its path.
    let mut c = staged();
    c.changes[0].psychiatric.ceiling_days = Some(7);
    let err = c.validate().unwrap_err();
    assert!(
        err.to_string()
            .contains("changes[0].psychiatric.ceiling_days"),
        "{err}"
    );
    // Sweeps refuse agreements with changes.
    assert!(sweep(&[], &staged(), &national(), &[1.0], &[]).is_err());
}

#[test]
fn a_change_valid_from_is_a_quoted_or_a_bare_toml_date_and_nothing_else() {
    let with = |valid_from: &str| {
        Agreement::from_toml(&format!(
            r#"
name = "staged"
title = "Staged"
[somatic]
model = "individual"
grace_days = 3
[psychiatric]
model = "individual"
grace_days = 30
[[changes]]
valid_from = {valid_from}
[changes.somatic]
model = "individual"
grace_days = 2
[changes.psychiatric]
model = "individual"
grace_days = 30
"#
        ))
    };
    let day: chrono::NaiveDate = "2025-07-01".parse().unwrap();
    assert_eq!(with("\"2025-07-01\"").unwrap().changes[0].valid_from, day);
    assert_eq!(with("2025-07-01").unwrap().changes[0].valid_from, day);
    for (bad, says) in [
        ("2025-07-01T00:00:00", "not a date but a TOML datetime"),
        (
            "2025-07-01T00:00:00+01:00",
            "not a date but a TOML datetime",
        ),
        ("20250701", "not a date but a TOML integer"),
        ("\"1 July\"", "\"1 July\" is not a date"),
    ] {
        match with(bad) {
            Err(Error::Agreement { field, message }) => {
                assert_eq!(field, "changes[0].valid_from", "{bad}");
                assert!(message.contains(says), "{bad}: {message}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[test]
fn sum_of_selects_lines_and_refuses_a_sum_past_the_range() {
    let eps = [
        som("a", "2024-01-01", "2024-01-10"),
        som("b", "2024-01-02", "2024-01-09"),
        psy("c", "2024-01-01", "2024-02-20"),
    ];
    let inv = run(&eps, &preset("statutory"));
    let somatic = inv.sum_of(|l| l.care_type == CareType::Somatic).unwrap();
    let expect: i64 = inv
        .lines
        .iter()
        .filter(|l| l.care_type == CareType::Somatic)
        .map(|l| l.amount_ore)
        .sum();
    assert!(expect > 0);
    assert_eq!(somatic.amount_ore, expect);
    assert_eq!(somatic.episodes, 2);
    let all = inv.sum_of(|_| true).unwrap();
    assert_eq!(
        (all.amount_ore, all.episodes),
        (inv.amount_ore(), inv.billed_episodes())
    );
    assert_eq!(inv.sum_of(|_| false).unwrap(), LineSum::default());
    // Lines changed afterwards so that their sum leaves 64 bits.
    let mut big = inv.clone();
    for l in &mut big.lines {
        l.amount_ore = i64::MAX;
    }
    assert!(matches!(
        big.sum_of(|_| true),
        Err(Error::AmountOverflow { what, .. }) if what == "sum of lines"
    ));
}
