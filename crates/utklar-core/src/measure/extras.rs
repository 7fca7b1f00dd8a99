//! Further measures from the same data: persons, planned-date accuracy, readmissions and the
//! census of patients still waiting (`docs/counting.md`, `docs/indicators.md`).
//!
//! Each follows the same classification as the indicators: only episodes the measures count
//! (discharged, valid, within the age restriction) enter persons, accuracy and readmissions.
//!
//! ```
//! use chrono::NaiveDate;
//! use utklar_core::{extras, synth, GroupBy, IndicatorOptions};
//!
//! let episodes = synth::generate(&synth::SynthOptions::kalmar_year(2025));
//! let opts = IndicatorOptions::default();
//! let persons = extras::persons(&episodes, &opts, GroupBy::County);
//! assert!(persons.values().all(|p| p.persons <= p.episodes));
//! let acc = extras::planned_accuracy(&episodes, &opts);
//! assert!(acc.exact_share.unwrap() > 0.0);
//! let waiting = extras::census(&episodes, NaiveDate::from_ymd_opt(2025, 12, 31).unwrap())?;
//! assert!(waiting.iter().all(|w| w.waited_days >= 0));
//! # Ok::<(), utklar_core::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::Error;
use crate::measure::engine::{for_each_counted, IndicatorOptions};
use crate::measure::indicators::{Group, GroupBy};
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::Municipality;
use crate::model::period::Period;
use crate::model::time;

/// Distinct persons of a group, care type and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PersonCount {
    /// Counted episodes.
    pub episodes: u64,
    /// Distinct `patient_id`s among them.
    pub persons: u64,
    /// Counted episodes with no `patient_id` (not in `persons`).
    pub without_patient_id: u64,
}

fn group_of(by: GroupBy, m: Municipality) -> Group {
    match by {
        GroupBy::Municipality => Group::Municipality(m),
        GroupBy::County => Group::County(m.county()),
        GroupBy::Nation => Group::Nation,
    }
}

/// Persons instead of episodes (VGR counts *antal personer*): distinct `patient_id` per group,
/// care type and period.
pub fn persons(
    episodes: &[Episode],
    opts: &IndicatorOptions,
    by: GroupBy,
) -> BTreeMap<(Period, Group, CareType), PersonCount> {
    let mut ids: HashMap<(Period, Group, CareType), HashSet<&str>> = HashMap::new();
    let mut out: BTreeMap<(Period, Group, CareType), PersonCount> = BTreeMap::new();
    for_each_counted(episodes, opts, |_, e, p, _| {
        let key = (p, group_of(by, e.municipality), e.care_type);
        let c = out.entry(key).or_default();
        c.episodes += 1;
        match &e.patient_id {
            Some(id) => {
                if ids.entry(key).or_default().insert(id.as_str()) {
                    c.persons += 1;
                }
            }
            None => c.without_patient_id += 1,
        }
    });
    out
}

/// How well the planned discharge date (*beräknad tidpunkt för utskrivning*) matched the ready
/// date.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct PlannedAccuracy {
    /// Counted episodes with a planned date.
    pub episodes: u64,
    /// Share whose planned date equals the ready date.
    pub exact_share: Option<f64>,
    /// Mean absolute error in days, `|planned − ready date|`.
    pub mean_abs_error_days: Option<f64>,
    /// Mean signed error in days, `planned − ready date` (positive: planned too late).
    pub bias_days: Option<f64>,
}

/// Planned-date accuracy over the counted episodes that carry a planned date.
pub fn planned_accuracy(episodes: &[Episode], opts: &IndicatorOptions) -> PlannedAccuracy {
    let (mut n, mut exact, mut abs, mut signed) = (0u64, 0u64, 0i64, 0i64);
    for_each_counted(episodes, opts, |_, e, _, _| {
        if let Some(planned) = e.planned_discharge_date {
            let err = i64::from(time::day_number(planned) - e.ready_at.day());
            n += 1;
            exact += u64::from(err == 0);
            abs += err.abs();
            signed += err;
        }
    });
    let div = |x: f64| (n > 0).then(|| x / n as f64);
    PlannedAccuracy {
        episodes: n,
        exact_share: div(exact as f64),
        mean_abs_error_days: div(abs as f64),
        bias_days: div(signed as f64),
    }
}

/// Readmissions of a group, care type and period.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Readmissions {
    /// Counted discharges with a `patient_id`.
    pub discharges: u64,
    /// Of those, followed by an admission of the same patient within `window` days.
    pub readmitted: u64,
    /// `readmitted / discharges`.
    pub share: Option<f64>,
}

/// The longest readmission window, in days (ten years).
pub const MAX_READMISSION_WINDOW_DAYS: i32 = 3650;

/// The readmission window every surface uses by default: 30 days, as Kalmar follows them.
pub const DEFAULT_READMISSION_WINDOW_DAYS: i32 = 30;

/// 30-day readmissions (Kalmar follows them): the share of counted discharges followed by a
/// new admission of the same patient 0 to `window_days` days after the discharge date. Any
/// other episode of the patient with an `admitted_at` counts as the new admission.
///
/// # Errors
///
/// [`Error::InvalidArgument`] named `window` when `window_days` is negative or above
/// [`MAX_READMISSION_WINDOW_DAYS`].
pub fn readmissions(
    episodes: &[Episode],
    opts: &IndicatorOptions,
    by: GroupBy,
    window_days: i32,
) -> Result<BTreeMap<(Period, Group, CareType), Readmissions>, Error> {
    if !(0..=MAX_READMISSION_WINDOW_DAYS).contains(&window_days) {
        return Err(Error::InvalidArgument {
            name: "window".into(),
            message: format!(
                "the readmission window must be 0 to {MAX_READMISSION_WINDOW_DAYS} days"
            ),
        });
    }
    let mut admissions: HashMap<&str, Vec<(i32, usize)>> = HashMap::new();
    for (row, e) in episodes.iter().enumerate() {
        if let (Some(p), Some(a)) = (&e.patient_id, e.admitted_at) {
            admissions
                .entry(p.as_str())
                .or_default()
                .push((a.day(), row));
        }
    }
    for v in admissions.values_mut() {
        v.sort_unstable();
    }
    let mut out: BTreeMap<(Period, Group, CareType), Readmissions> = BTreeMap::new();
    for_each_counted(episodes, opts, |row, e, p, _| {
        let (Some(pid), Some(dis)) = (&e.patient_id, e.discharged_at) else {
            return;
        };
        let d = dis.day();
        let r = out
            .entry((p, group_of(by, e.municipality), e.care_type))
            .or_default();
        r.discharges += 1;
        // An episode without `admitted_at` has no admission of its own in the list, and a
        // patient none of whose episodes has one has no list.
        let list = admissions.get(pid.as_str()).map_or(&[][..], Vec::as_slice);
        let start = list.partition_point(|&(day, _)| day < d);
        if list[start..]
            .iter()
            .take_while(|&&(day, _)| day <= d.saturating_add(window_days))
            .any(|&(_, other)| other != row)
        {
            r.readmitted += 1;
        }
    });
    for r in out.values_mut() {
        r.share = (r.discharges > 0).then(|| r.readmitted as f64 / r.discharges as f64);
    }
    Ok(out)
}

/// One patient waiting on the census date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    /// Input row.
    pub row: usize,
    /// The episode.
    pub episode_id: String,
    /// Municipality.
    pub municipality: Municipality,
    /// Care type.
    pub care_type: CareType,
    /// The ready date.
    pub ready_date: NaiveDate,
    /// Days waited on the census date: `on − ready date`.
    pub waited_days: i32,
}

/// The census of patients ready and not yet discharged on date `on`: ready date ≤ `on`, and
/// no discharge or a discharge date after `on`.
///
/// A date outside 1990-01-01 … 2100-12-31 is [`Error::InvalidArgument`] (`on`).
pub fn census(episodes: &[Episode], on: NaiveDate) -> Result<Vec<Waiting>, Error> {
    time::check_range(on).map_err(|e| Error::InvalidArgument {
        name: "on".into(),
        message: format!("{on}: {e}"),
    })?;
    let day = time::day_number(on);
    Ok(episodes
        .iter()
        .enumerate()
        .filter(|(_, e)| e.ready_at.day() <= day && e.discharged_at.is_none_or(|d| d.day() > day))
        .map(|(row, e)| Waiting {
            row,
            episode_id: e.episode_id.clone(),
            municipality: e.municipality,
            care_type: e.care_type,
            ready_date: e.ready_at.date,
            waited_days: day - e.ready_at.day(),
        })
        .collect())
}

/// [`census`] on a day number (days since 1970-01-01, as the C API passes dates): a day
/// outside 1990-01-01 … 2100-12-31 is [`Error::InvalidArgument`] (`on`), as in [`census`].
///
/// ```
/// use utklar_core::extras;
/// assert!(extras::census_on_day(&[], 20_454).unwrap().is_empty()); // 2026-01-01
/// assert!(extras::census_on_day(&[], i32::MAX).is_err());
/// ```
pub fn census_on_day(episodes: &[Episode], day: i32) -> Result<Vec<Waiting>, Error> {
    if !time::day_in_range(day) {
        return Err(Error::InvalidArgument {
            name: "on".into(),
            message: format!("day {day} is outside 1990-01-01 … 2100-12-31"),
        });
    }
    census(episodes, time::date_of_day(day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time::parse_notice;

    fn ep(id: &str, pid: &str, adm: &str, ready: &str, dis: Option<&str>) -> Episode {
        let mut e = Episode::new(
            id,
            "0880".parse().unwrap(),
            CareType::Somatic,
            parse_notice(ready).unwrap(),
        )
        .patient(pid);
        e.admitted_at = Some(parse_notice(adm).unwrap());
        e.discharged_at = dis.map(|d| parse_notice(d).unwrap());
        e
    }

    #[test]
    fn persons_count_distinct_ids() {
        let eps = vec![
            ep("a", "p1", "2025-01-01", "2025-01-02", Some("2025-01-03")),
            ep("b", "p1", "2025-01-10", "2025-01-12", Some("2025-01-12")),
            ep("c", "p2", "2025-01-10", "2025-01-12", Some("2025-01-14")),
        ];
        let m = persons(&eps, &IndicatorOptions::default(), GroupBy::Municipality);
        let c = m.values().next().unwrap();
        assert_eq!((c.episodes, c.persons, c.without_patient_id), (3, 2, 0));
    }

    #[test]
    fn readmission_within_30_days() {
        let eps = vec![
            ep("a", "p1", "2025-01-01", "2025-01-02", Some("2025-01-03")),
            ep("b", "p1", "2025-02-02", "2025-02-03", Some("2025-02-04")), // 30 days after a
            ep("c", "p2", "2025-01-01", "2025-01-02", Some("2025-01-03")),
            ep("d", "p2", "2025-02-03", "2025-02-04", Some("2025-02-05")), // 31 days after c
        ];
        let m = readmissions(&eps, &IndicatorOptions::default(), GroupBy::Nation, 30).unwrap();
        let jan = m
            .iter()
            .find(|(k, _)| k.0.to_string() == "2025-01")
            .unwrap()
            .1;
        assert_eq!(
            (jan.discharges, jan.readmitted, jan.share),
            (2, 1, Some(0.5))
        );
    }

    #[test]
    fn readmissions_of_a_patient_without_any_admission_date() {
        // Once a panic ("no entry found for key"): one discharged episode with a patient id
        // and no admitted_at.
        let mut a = ep("a", "p1", "2025-01-01", "2025-01-02", Some("2025-01-03"));
        a.admitted_at = None;
        let m = readmissions(
            &[a.clone()],
            &IndicatorOptions::default(),
            GroupBy::Nation,
            30,
        )
        .unwrap();
        let r = m.values().next().unwrap();
        assert_eq!((r.discharges, r.readmitted, r.share), (1, 0, Some(0.0)));
        // With another episode of the same patient that has one: readmitted.
        let b = ep("b", "p1", "2025-01-10", "2025-01-11", Some("2025-01-12"));
        let m = readmissions(
            &[a, b],
            &IndicatorOptions::default(),
            GroupBy::Nation,
            MAX_READMISSION_WINDOW_DAYS,
        )
        .unwrap();
        let r = m.values().next().unwrap();
        assert_eq!((r.discharges, r.readmitted), (2, 1));
    }

    #[test]
    fn census_dates_outside_the_range_are_errors() {
        let eps = vec![ep("open", "p1", "2025-01-01", "2025-01-02", None)];
        for on in [
            NaiveDate::from_ymd_opt(2101, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(1989, 12, 31).unwrap(),
            NaiveDate::MAX,
            NaiveDate::MIN,
        ] {
            let err = census(&eps, on).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidArgument { name, .. } if name == "on"),
                "{err}"
            );
        }
        let last = census(&eps, NaiveDate::from_ymd_opt(2100, 12, 31).unwrap()).unwrap();
        assert_eq!(last.len(), 1);
    }

    #[test]
    fn planned_accuracy_figures() {
        let mut a = ep("a", "p1", "2025-01-01", "2025-01-02", Some("2025-01-03"));
        a.planned_discharge_date = Some(NaiveDate::from_ymd_opt(2025, 1, 2).unwrap());
        let mut b = ep("b", "p2", "2025-01-01", "2025-01-05", Some("2025-01-06"));
        b.planned_discharge_date = Some(NaiveDate::from_ymd_opt(2025, 1, 2).unwrap());
        let acc = planned_accuracy(&[a, b], &IndicatorOptions::default());
        assert_eq!(acc.episodes, 2);
        assert_eq!(acc.exact_share, Some(0.5));
        assert_eq!(acc.mean_abs_error_days, Some(1.5));
        assert_eq!(acc.bias_days, Some(-1.5));
    }

    #[test]
    fn census_counts_waiting_patients() {
        let eps = vec![
            ep("open", "p1", "2025-01-01", "2025-01-02", None),
            ep(
                "later",
                "p2",
                "2025-01-01",
                "2025-01-05",
                Some("2025-01-20"),
            ),
            ep("gone", "p3", "2025-01-01", "2025-01-02", Some("2025-01-09")),
            ep("future", "p4", "2025-01-01", "2025-01-11", None),
        ];
        let on = NaiveDate::from_ymd_opt(2025, 1, 10).unwrap();
        let w = census(&eps, on).unwrap();
        let got: Vec<(&str, i32)> = w
            .iter()
            .map(|w| (w.episode_id.as_str(), w.waited_days))
            .collect();
        assert_eq!(got, vec![("open", 8), ("later", 5)]);
    }
}
