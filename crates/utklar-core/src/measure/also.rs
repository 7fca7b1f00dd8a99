//! Indicators grouped by the caller's columns too (`--also-by hospital`): each distinct
//! combination of the columns' values is measured apart, with the engine's own
//! classification, and grouped by municipality, county or nation as usual
//! (`docs/indicators.md`).
//!
//! ```
//! use utklar_core::input::{AlsoBy, EpisodeSet, Row};
//! use utklar_core::input::Value;
//! use utklar_core::{Field, GroupBy, IndicatorOptions};
//!
//! let header = ["episode_id", "municipality", "care_type", "ready_at", "discharged_at", "hospital"];
//! let also = AlsoBy::new(&["hospital".to_string()], &header)?;
//! let mut set = EpisodeSet::new();
//! set.set_also_names(also.names().to_vec());
//! let mut reader = utklar_core::input::EpisodeReader::new();
//! for (i, (id, hospital, days)) in [("a", "Kalmar", "05"), ("b", "Västervik", "03"), ("c", "Kalmar", "04")].into_iter().enumerate() {
//!     let mut row = Row::default();
//!     row.set(Field::EpisodeId, id);
//!     row.set(Field::Municipality, "0880");
//!     row.set(Field::CareType, "somatic");
//!     row.set(Field::ReadyAt, "2025-03-01");
//!     let discharged = format!("2025-03-{days}");
//!     row.set(Field::DischargedAt, discharged.as_str());
//!     let values = reader.read_also(&also, [Value::Text(hospital)]);
//!     let read = reader.read(i, &row).map_err(|p| unreachable!("{p:?}"));
//!     set.push_read_also(i, read, values);
//! }
//! let r = set.indicators_also_by(&IndicatorOptions::default(), GroupBy::Municipality, None, None)?;
//! assert_eq!(r.names, ["hospital"]);
//! let kalmar = &r.rows[0];
//! assert_eq!(kalmar.also, [Some("Kalmar".to_string())]);
//! assert_eq!(kalmar.row.measures.episodes(), 2);
//! assert_eq!(kalmar.row.mean_days, Some(3.5));
//! assert_eq!(r.rows[1].row.measures.ready_days, 2);
//! # Ok::<(), utklar_core::Error>(())
//! ```

use std::collections::BTreeMap;

use crate::error::Error;
use crate::input::{EpisodeSet, ExclusionReport};
use crate::measure::engine::{IndicatorOptions, MeasureSet};
use crate::measure::indicators::{GroupBy, IndicatorRow};
use crate::model::reference::{Beds, Population};

/// An indicator row of one combination of the caller's values.
#[derive(Debug, Clone, PartialEq)]
pub struct AlsoRow {
    /// The values of the caller's columns (in the order of [`AlsoReport::names`]); `None`
    /// for a blank cell.
    pub also: Vec<Option<String>>,
    /// The indicators of the group, care type and period among those episodes.
    pub row: IndicatorRow,
}

/// Indicators grouped by the caller's columns too.
#[derive(Debug, Clone, PartialEq)]
pub struct AlsoReport {
    /// The caller's columns.
    pub names: Vec<String>,
    /// One row per combination of values, group, care type and period with a counted
    /// episode, in period, group, care type and values order.
    pub rows: Vec<AlsoRow>,
    /// The account of every row of the set (as [`EpisodeSet::measure`] gives it).
    pub exclusions: ExclusionReport,
}

impl EpisodeSet {
    /// The indicators grouped `by` and by the values of the set's
    /// [`also_names`](EpisodeSet::also_names) columns: each combination of values measured
    /// apart (the same classification as [`EpisodeSet::measure`], which gives the account and
    /// applies strict mode), with the population and beds of the group (so the parts of a
    /// group add up to it: days per 1 000 inhabitants and occupied beds are each part's
    /// share).
    pub fn indicators_also_by(
        &self,
        opts: &IndicatorOptions,
        by: GroupBy,
        population: Option<&Population>,
        beds: Option<&Beds>,
    ) -> Result<AlsoReport, Error> {
        let exclusions = self.measure(opts)?.report().clone();
        let none = vec![None; self.also_names().len()];
        let mut parts: BTreeMap<&[Option<String>], MeasureSet> = BTreeMap::new();
        for (i, (e, &row)) in self.episodes().iter().zip(self.rows()).enumerate() {
            let key = self.also_values().get(i).unwrap_or(&none).as_slice();
            parts
                .entry(key)
                .or_insert_with(|| MeasureSet::new(opts.period))
                .push(row, e, opts);
        }
        let mut rows: Vec<AlsoRow> = parts
            .into_iter()
            .flat_map(|(key, set)| {
                set.indicators(by, population, beds)
                    .rows
                    .into_iter()
                    .map(move |row| AlsoRow {
                        also: key.to_vec(),
                        row,
                    })
            })
            .collect();
        rows.sort_by(|a, b| {
            (a.row.period, a.row.group, a.row.care_type, &a.also).cmp(&(
                b.row.period,
                b.row.group,
                b.row.care_type,
                &b.also,
            ))
        });
        Ok(AlsoReport {
            names: self.also_names().to_vec(),
            rows,
            exclusions,
        })
    }
}

impl AlsoReport {
    /// Small-cell suppression of the parts, as [`IndicatorReport::suppress_below`] does for
    /// groups: rows with 1 to `k − 1` episodes are blanked, then, per group, care type and
    /// period (whose total the indicators without the caller's columns publish), the
    /// next-smallest part (fewest episodes, then the values' order) when exactly one part was,
    /// so that no blanked part is the group's total minus the others. `k ≤ 1` changes nothing.
    /// Returns how many rows are suppressed. Not protected: a part against the same value's
    /// part in a coarser grouping (a municipality's part from the county's minus its other
    /// municipalities'), when both reports are published.
    ///
    /// [`IndicatorReport::suppress_below`]: crate::IndicatorReport::suppress_below
    pub fn suppress_below(&mut self, k: u64) -> usize {
        if k < 2 {
            return 0;
        }
        let episodes: Vec<u64> = self
            .rows
            .iter()
            .map(|r| r.row.measures.episodes())
            .collect();
        for (r, &n) in self.rows.iter_mut().zip(&episodes) {
            if (1..k).contains(&n) {
                r.row.suppress();
            }
        }
        let mut siblings: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            siblings
                .entry((r.row.group, r.row.care_type, r.row.period))
                .or_default()
                .push(i);
        }
        for parts in siblings.values() {
            if parts
                .iter()
                .filter(|&&i| self.rows[i].row.suppressed)
                .count()
                != 1
            {
                continue;
            }
            let next = parts
                .iter()
                .copied()
                .filter(|&i| !self.rows[i].row.suppressed)
                .min_by(|&a, &b| {
                    (episodes[a], &self.rows[a].also).cmp(&(episodes[b], &self.rows[b].also))
                });
            if let Some(i) = next {
                self.rows[i].row.suppress();
            }
        }
        self.rows.iter().filter(|r| r.row.suppressed).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate, SynthOptions};
    use crate::Measures;
    use std::collections::HashMap;

    #[test]
    fn the_parts_add_up_to_the_group() {
        let mut set = EpisodeSet::new();
        set.set_also_names(vec!["hospital".into()]);
        for (i, e) in generate(&SynthOptions::kalmar_year(2025))
            .into_iter()
            .enumerate()
        {
            let hospital = ["Kalmar", "Västervik", "Oskarshamn"][i % 3].to_string();
            let value = if i % 11 == 0 { None } else { Some(hospital) };
            set.push_read_also(i, Ok(e), vec![value]);
        }
        let opts = IndicatorOptions::default();
        let pop = Population::builtin();
        for by in [GroupBy::Municipality, GroupBy::County, GroupBy::Nation] {
            let whole = set.indicators(&opts, by, Some(&pop), None).unwrap();
            let parts = set.indicators_also_by(&opts, by, Some(&pop), None).unwrap();
            assert_eq!(parts.exclusions, whole.exclusions);
            let mut sums: HashMap<_, (Measures, f64)> = HashMap::new();
            for r in &parts.rows {
                let s = sums
                    .entry((r.row.period, r.row.group, r.row.care_type))
                    .or_default();
                s.0 += r.row.measures;
                s.1 += r.row.days_per_1000.unwrap_or(0.0);
            }
            assert!(parts.rows.iter().any(|r| r.also[0].is_none()));
            assert_eq!(sums.len(), whole.rows.len());
            for w in &whole.rows {
                let (m, per_1000) = sums[&(w.period, w.group, w.care_type)];
                assert_eq!(m, w.measures);
                let want = w.days_per_1000.unwrap();
                assert!(
                    (per_1000 - want).abs() < 1e-9 * want.max(1.0),
                    "{per_1000} {want}"
                );
            }
        }
    }

    fn part(also: &str, episodes: u64) -> AlsoRow {
        use crate::measure::measures::Measures;
        use crate::model::episode::CareType;
        use crate::model::municipality::Municipality;
        use crate::model::period::Period;
        use crate::Group;
        let m = Measures {
            day0: episodes / 2,
            ready_ge1: episodes - episodes / 2,
            ready_days: 3 * (episodes - episodes / 2),
        };
        let kalmar = Municipality::by_name("Kalmar").unwrap();
        let row = IndicatorRow::compute(
            Group::Municipality(kalmar),
            CareType::Somatic,
            Period::month(2025, 3).unwrap(),
            m,
            None,
            None,
        );
        AlsoRow {
            also: vec![Some(also.to_string())],
            row,
        }
    }

    fn report(parts: &[(&str, u64)]) -> AlsoReport {
        AlsoReport {
            names: vec!["hospital".into()],
            rows: parts.iter().map(|&(a, n)| part(a, n)).collect(),
            exclusions: ExclusionReport::default(),
        }
    }

    fn suppressed(r: &AlsoReport) -> Vec<bool> {
        r.rows.iter().map(|r| r.row.suppressed).collect()
    }

    #[test]
    fn a_small_part_is_blanked_with_the_next_smallest_of_its_group() {
        // One part under 5: it and the next-smallest (3 < 8, then by value) go.
        let mut r = report(&[("A", 12), ("B", 3), ("C", 8), ("D", 8)]);
        assert_eq!(r.suppress_below(5), 2);
        assert_eq!(suppressed(&r), [false, true, true, false]);
        let blank = &r.rows[1].row;
        assert_eq!((blank.measures.episodes(), blank.mean_days), (0, None));
        // Two small parts: nothing more is needed.
        let mut r = report(&[("A", 12), ("B", 3), ("C", 4)]);
        assert_eq!(r.suppress_below(5), 2);
        assert_eq!(suppressed(&r), [false, true, true]);
        // Ties on episodes go by the values' order.
        let mut r = report(&[("A", 1), ("C", 6), ("B", 6)]);
        r.suppress_below(5);
        assert_eq!(suppressed(&r), [true, false, true]);
        // Nothing small, or k of 0 or 1: nothing.
        for k in [0, 1, 5] {
            let mut r = report(&[("A", 12), ("B", 5)]);
            assert_eq!(r.suppress_below(k), 0);
        }
    }

    #[test]
    fn no_part_under_k_is_left_and_no_group_has_exactly_one_blank() {
        let mut set = EpisodeSet::new();
        set.set_also_names(vec!["hospital".into()]);
        for (i, e) in generate(&SynthOptions {
            episodes: 3_000,
            ..SynthOptions::kalmar_year(2025)
        })
        .into_iter()
        .enumerate()
        {
            let hospital = ["Kalmar", "Västervik", "Oskarshamn", "Visby"][i % 7 % 4].to_string();
            set.push_read_also(i, Ok(e), vec![Some(hospital)]);
        }
        let mut r = set
            .indicators_also_by(
                &IndicatorOptions::default(),
                GroupBy::Municipality,
                None,
                None,
            )
            .unwrap();
        let k = 5;
        let n = r.suppress_below(k);
        assert!(n > 0);
        assert!(r
            .rows
            .iter()
            .all(|p| p.row.suppressed || p.row.measures.episodes() >= k));
        let mut blanks: HashMap<_, (usize, usize)> = HashMap::new();
        for p in &r.rows {
            let e = blanks
                .entry((p.row.group, p.row.care_type, p.row.period))
                .or_default();
            e.0 += usize::from(p.row.suppressed);
            e.1 += 1;
        }
        assert!(blanks.values().all(|&(blank, all)| blank != 1 || all == 1));
    }
}
