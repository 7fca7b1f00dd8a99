//! Indicator rows per group, care type and period (`docs/indicators.md`), ready for a table or JSON.
//!
//! ```
//! use utklar_core::{indicators, GroupBy, IndicatorOptions, Population, synth};
//!
//! let episodes = synth::generate(&synth::SynthOptions::kalmar_year(2025));
//! let report = indicators(&episodes, &IndicatorOptions::default(), GroupBy::Municipality,
//!                         Some(&Population::builtin()), None)?;
//! let kalmar_jan = report.rows.iter()
//!     .find(|r| r.group.to_string() == "0880" && r.period.to_string() == "2025-01"
//!               && r.care_type == utklar_core::CareType::Somatic)
//!     .unwrap();
//! assert_eq!(kalmar_jan.measures.episodes(), kalmar_jan.measures.day0 + kalmar_jan.measures.ready_ge1);
//! assert!(kalmar_jan.days_per_1000.is_some());
//! // Bed share exists only at county level, and only with beds given.
//! assert!(kalmar_jan.bed_share_pct.is_none());
//! # Ok::<(), utklar_core::Error>(())
//! ```
//!
//! ## Small-cell suppression
//!
//! Counties and SKR publish per municipality, and a small municipality can have a month with
//! one or two patients: with the dates of the stays known to the neighbours, such a cell can
//! identify a person. [`IndicatorReport::suppress_below`] with `k ≥ 2` blanks the cells with
//! 1 to `k − 1` counted episodes:
//!
//! - **Primary suppression.** Every row (municipality, county or nation) with 1 to `k − 1`
//!   episodes has all its measures (`episodes`, `day0`, `ready_ge1`, `ready_days`) and all its
//!   indicators absent (`null` in JSON, empty in CSV) and [`IndicatorRow::suppressed`] set;
//!   never a 0 that could be read as a figure.
//! - **Secondary suppression.** The rows of one report are grouped by their parent (a
//!   municipality's county; a county's nation), care type and period. When exactly one row of
//!   such a group is suppressed and the group has other rows, the next-smallest row (fewest
//!   episodes, then lowest code) is suppressed too, so that the suppressed cell cannot be
//!   recovered by subtracting the published cells from the parent's total (a county row, or a
//!   county's total known from another source). One pass suffices: the groups do not overlap.
//! - **The county row.** With the same `k`, a county row needs nothing more: a county whose
//!   only municipality with episodes is suppressed has the same 1 to `k − 1` episodes itself
//!   and is suppressed as a row of a county report; otherwise two of its cells are suppressed.
//!
//! **Not protected**, and the publisher's to handle:
//!
//! - Differences between reports of other periods, groupings or filters of the same data: a
//!   suppressed month can be recovered from a published quarter minus the other two months,
//!   a county report suppressed with another `k` than the municipality report, or an age
//!   restriction against the unrestricted report.
//! - The two (or more) suppressed cells of a group: their sum can still be computed from the
//!   parent's total; each one alone cannot.
//! - Rows with no episodes: they are not in the report at all (a municipality without patients
//!   in a period has no row), which is itself the information that the count is 0.
//! - Other figures of the same cell published elsewhere (payments per municipality, the census
//!   of waiting patients, the exclusion report's counts, which cover the whole input).
//! - Dominance: a cell with `k` or more episodes where one stay makes up most of the ready days
//!   is published.
//! - `k = 0` and `k = 1` suppress nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::error::Error;
use crate::input::ExclusionReport;
use crate::measure::engine::{measure_episodes, IndicatorOptions, MeasureSet};
use crate::measure::measures::Measures;
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::{County, Municipality};
use crate::model::period::{Period, PeriodKind};
use crate::model::reference::{Beds, Population};

/// How to group: municipality, county (first two digits) or the nation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// Per municipality (*kommun*).
    #[default]
    Municipality,
    /// Per county (*län*).
    County,
    /// The whole country (*riket*).
    Nation,
}

impl GroupBy {
    /// The grouping's name, as [`FromStr`] reads it: `municipality`, `county`, `nation`.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Municipality => "municipality",
            GroupBy::County => "county",
            GroupBy::Nation => "nation",
        }
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GroupBy {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "municipality" | "kommun" => Ok(GroupBy::Municipality),
            "county" | "län" | "lan" | "region" => Ok(GroupBy::County),
            "nation" | "riket" | "sweden" => Ok(GroupBy::Nation),
            _ => Err(Error::InvalidArgument {
                name: "by".into(),
                message: format!("{s:?} is not a grouping: use municipality, county or nation"),
            }),
        }
    }
}

/// One group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// A municipality.
    Municipality(Municipality),
    /// A county.
    County(County),
    /// Sweden.
    Nation,
}

impl Group {
    fn of(by: GroupBy, m: Municipality) -> Group {
        match by {
            GroupBy::Municipality => Group::Municipality(m),
            GroupBy::County => Group::County(m.county()),
            GroupBy::Nation => Group::Nation,
        }
    }

    /// The population of the group in `year`; `None` when a member has no figure.
    fn population(
        self,
        pop: &Population,
        year: i32,
    ) -> Option<crate::model::reference::PopulationRow> {
        match self {
            Group::Municipality(m) => pop.get(m, year),
            Group::County(c) => pop.sum(c.municipalities(), year),
            Group::Nation => pop.sum(Municipality::all(), year),
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Group::Municipality(m) => write!(f, "{m}"),
            Group::County(c) => write!(f, "{c}"),
            Group::Nation => f.write_str("SE"),
        }
    }
}

/// The indicators of one group, care type and period.
///
/// Serialises as the documented JSON (`docs/indicators.md`): `municipality` (or `county`; absent for the nation),
/// `care_type`, `period`, `episodes`, `day0`, `ready_ge1`, `ready_days`, `goal_attainment`,
/// `mean_days`, `mean_days_incl_day0`, `days_per_1000`, `occupied_beds`, `bed_share_pct`, with
/// `null` for a value that cannot be computed.
///
/// Rows are made by the crate (new fields may be added in later versions); read their fields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct IndicatorRow {
    /// The group.
    pub group: Group,
    /// The care type.
    pub care_type: CareType,
    /// The period.
    pub period: Period,
    /// The three measures.
    pub measures: Measures,
    /// `day0 / episodes`.
    pub goal_attainment: Option<f64>,
    /// `ready_days / ready_ge1` (national definition).
    pub mean_days: Option<f64>,
    /// `ready_days / episodes`.
    pub mean_days_incl_day0: Option<f64>,
    /// Annualised days per 1 000 inhabitants (65+ somatic, all ages psychiatric).
    pub days_per_1000: Option<f64>,
    /// `ready_days / days in period`.
    pub occupied_beds: Option<f64>,
    /// `occupied_beds / available beds × 100` (county level only).
    pub bed_share_pct: Option<f64>,
    /// Blanked by small-cell suppression ([`IndicatorReport::suppress_below`]): the measures
    /// are zero here and must not be read ([`IndicatorRow::published_measures`] is `None`),
    /// every indicator is `None`. Serialized as `"suppressed": true` after the SPEC fields,
    /// on suppressed rows only (absent means not suppressed).
    pub suppressed: bool,
}

impl IndicatorRow {
    /// The names of the JSON fields after the group (`municipality` or `county`, absent for
    /// the nation), in the order [`Serialize`] writes them; tables and CSV headers use them.
    pub const FIELDS: [&'static str; 12] = [
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

    /// The name of the field that marks a suppressed row, written after [`IndicatorRow::FIELDS`].
    pub const SUPPRESSED: &'static str = "suppressed";

    /// The measures, or `None` for a suppressed row.
    pub fn published_measures(&self) -> Option<Measures> {
        (!self.suppressed).then_some(self.measures)
    }

    /// Blanks the row: measures zero, indicators `None`, `suppressed` set.
    pub(crate) fn suppress(&mut self) {
        self.measures = Measures::default();
        self.goal_attainment = None;
        self.mean_days = None;
        self.mean_days_incl_day0 = None;
        self.days_per_1000 = None;
        self.occupied_beds = None;
        self.bed_share_pct = None;
        self.suppressed = true;
    }

    /// Computes the indicators of a group's measures.
    pub fn compute(
        group: Group,
        care_type: CareType,
        period: Period,
        measures: Measures,
        population: Option<&Population>,
        beds: Option<&Beds>,
    ) -> Self {
        let days_per_1000 = population
            .and_then(|p| group.population(p, period.year()))
            .and_then(|row| {
                let pop = match care_type {
                    CareType::Somatic => row.pop_65plus,
                    CareType::Psychiatric => row.pop_total,
                };
                measures.days_per_1000(pop, period.months())
            });
        let bed_share_pct = match (group, beds) {
            (Group::County(c), Some(b)) => b
                .get_for(c, period, care_type)
                .and_then(|avail| measures.bed_share_pct(period.days(), avail)),
            _ => None,
        };
        IndicatorRow {
            group,
            care_type,
            period,
            measures,
            goal_attainment: measures.goal_attainment(),
            mean_days: measures.mean_days(),
            mean_days_incl_day0: measures.mean_days_incl_day0(),
            days_per_1000,
            occupied_beds: Some(measures.occupied_beds(period.days())),
            bed_share_pct,
            suppressed: false,
        }
    }
}

impl Serialize for IndicatorRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match self.group {
            Group::Municipality(x) => m.serialize_entry("municipality", &x)?,
            Group::County(c) => m.serialize_entry("county", &c)?,
            Group::Nation => {}
        }
        m.serialize_entry("care_type", &self.care_type)?;
        m.serialize_entry("period", &self.period)?;
        let measures = self.published_measures();
        m.serialize_entry("episodes", &measures.map(|x| x.episodes()))?;
        m.serialize_entry("day0", &measures.map(|x| x.day0))?;
        m.serialize_entry("ready_ge1", &measures.map(|x| x.ready_ge1))?;
        m.serialize_entry("ready_days", &measures.map(|x| x.ready_days))?;
        m.serialize_entry("goal_attainment", &self.goal_attainment)?;
        m.serialize_entry("mean_days", &self.mean_days)?;
        m.serialize_entry("mean_days_incl_day0", &self.mean_days_incl_day0)?;
        m.serialize_entry("days_per_1000", &self.days_per_1000)?;
        m.serialize_entry("occupied_beds", &self.occupied_beds)?;
        m.serialize_entry("bed_share_pct", &self.bed_share_pct)?;
        if self.suppressed {
            m.serialize_entry(Self::SUPPRESSED, &true)?;
        }
        m.end()
    }
}

/// Indicator rows and the account of every input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IndicatorReport {
    /// One row per group, care type and period with at least one counted episode, in period,
    /// group and care-type order.
    pub rows: Vec<IndicatorRow>,
    /// Counted, open, outside the age restriction, excluded and why.
    pub exclusions: ExclusionReport,
}

impl IndicatorReport {
    /// Small-cell suppression (see the [module](self)): rows with 1 to `k − 1` episodes are
    /// blanked, then, per parent group (county of a municipality, nation of a county), care
    /// type and period, the next-smallest row when exactly one was. `k ≤ 1` changes nothing.
    /// Returns how many rows of the report are suppressed.
    ///
    /// ```
    /// use utklar_core::{indicators, synth, GroupBy, IndicatorOptions};
    ///
    /// let eps = synth::generate(&synth::SynthOptions::kalmar_year(2025));
    /// let mut rep = indicators(&eps, &IndicatorOptions::default(), GroupBy::Municipality, None, None)?;
    /// let n = rep.suppress_below(5);
    /// assert!(rep.rows.iter().filter(|r| r.suppressed).count() == n);
    /// assert!(rep.rows.iter().all(|r| r.suppressed || r.measures.episodes() >= 5));
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn suppress_below(&mut self, k: u64) -> usize {
        if k < 2 {
            return 0;
        }
        let episodes: Vec<u64> = self.rows.iter().map(|r| r.measures.episodes()).collect();
        for (r, &n) in self.rows.iter_mut().zip(&episodes) {
            if (1..k).contains(&n) {
                r.suppress();
            }
        }
        let mut siblings: BTreeMap<(Group, CareType, Period), Vec<usize>> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            let parent = match r.group {
                Group::Municipality(m) => Group::County(m.county()),
                Group::County(_) => Group::Nation,
                Group::Nation => continue,
            };
            siblings
                .entry((parent, r.care_type, r.period))
                .or_default()
                .push(i);
        }
        for rows in siblings.values() {
            if rows.iter().filter(|&&i| self.rows[i].suppressed).count() != 1 {
                continue;
            }
            let next = rows
                .iter()
                .copied()
                .filter(|&i| !self.rows[i].suppressed)
                .min_by_key(|&i| (episodes[i], self.rows[i].group));
            if let Some(i) = next {
                self.rows[i].suppress();
            }
        }
        self.rows.iter().filter(|r| r.suppressed).count()
    }
}

impl MeasureSet {
    /// The measures summed per group, care type and period.
    pub fn grouped(&self, by: GroupBy) -> BTreeMap<(Period, Group, CareType), Measures> {
        let mut out: BTreeMap<(Period, Group, CareType), Measures> = BTreeMap::new();
        for (p, m, c, meas) in self.iter() {
            *out.entry((p, Group::of(by, m), c)).or_default() += meas;
        }
        out
    }

    /// The indicator rows of this set grouped `by`.
    pub fn indicators(
        &self,
        by: GroupBy,
        population: Option<&Population>,
        beds: Option<&Beds>,
    ) -> IndicatorReport {
        let rows = self
            .grouped(by)
            .into_iter()
            .map(|((p, g, c), m)| IndicatorRow::compute(g, c, p, m, population, beds))
            .collect();
        IndicatorReport {
            rows,
            exclusions: self.report().clone(),
        }
    }
}

/// The indicators of episode values, set up step by step: the options, the grouping and the
/// reference data are each optional (defaults: [`IndicatorOptions::default`], per
/// municipality, no population, no beds).
///
/// ```
/// use utklar_core::{synth, GroupBy, Indicators, PeriodKind, Population};
///
/// let episodes = synth::generate(&synth::SynthOptions::kalmar_year(2025));
/// let population = Population::builtin();
/// let report = Indicators::new(&episodes)
///     .by(GroupBy::County)
///     .period(PeriodKind::Quarter)
///     .population(&population)
///     .run()?;
/// assert!(report.exclusions.balances());
/// assert!(report.rows.iter().all(|r| r.period.kind() == PeriodKind::Quarter));
/// # Ok::<(), utklar_core::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Indicators<'a> {
    episodes: &'a [Episode],
    options: IndicatorOptions,
    by: GroupBy,
    population: Option<&'a Population>,
    beds: Option<&'a Beds>,
}

impl<'a> Indicators<'a> {
    /// The indicators of `episodes`, with the defaults.
    pub fn new(episodes: &'a [Episode]) -> Self {
        Indicators {
            episodes,
            options: IndicatorOptions::default(),
            by: GroupBy::Municipality,
            population: None,
            beds: None,
        }
    }

    /// All the options at once.
    pub fn options(mut self, options: IndicatorOptions) -> Self {
        self.options = options;
        self
    }

    /// Periods of `period` (month by default).
    pub fn period(mut self, period: PeriodKind) -> Self {
        self.options.period = period;
        self
    }

    /// Group per municipality (the default), county or nation.
    pub fn by(mut self, by: GroupBy) -> Self {
        self.by = by;
        self
    }

    /// The population, for days per 1 000 inhabitants.
    pub fn population(mut self, population: &'a Population) -> Self {
        self.population = Some(population);
        self
    }

    /// Available beds, for the bed share.
    pub fn beds(mut self, beds: &'a Beds) -> Self {
        self.beds = Some(beds);
        self
    }

    /// Computes the report.
    pub fn run(&self) -> Result<IndicatorReport, Error> {
        indicators(
            self.episodes,
            &self.options,
            self.by,
            self.population,
            self.beds,
        )
    }
}

/// Indicators over episode values in one call: measures, then rows grouped `by` (see
/// [`Indicators`] for the same with named steps).
pub fn indicators(
    episodes: &[Episode],
    opts: &IndicatorOptions,
    by: GroupBy,
    population: Option<&Population>,
    beds: Option<&Beds>,
) -> Result<IndicatorReport, Error> {
    Ok(measure_episodes(episodes, opts)?.indicators(by, population, beds))
}

impl crate::input::EpisodeSet {
    /// Indicators over a data set in one call: [`EpisodeSet::measure`](crate::input::EpisodeSet::measure),
    /// then rows grouped `by`.
    pub fn indicators(
        &self,
        opts: &IndicatorOptions,
        by: GroupBy,
        population: Option<&Population>,
        beds: Option<&Beds>,
    ) -> Result<IndicatorReport, Error> {
        Ok(self.measure(opts)?.indicators(by, population, beds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_themselves() {
        use crate::input::NegativeDays;
        for by in [GroupBy::Municipality, GroupBy::County, GroupBy::Nation] {
            assert_eq!(by.as_str().parse::<GroupBy>().unwrap(), by);
            assert_eq!(serde_json::to_value(by).unwrap(), by.as_str());
        }
        for n in [
            NegativeDays::Exclude,
            NegativeDays::Day0,
            NegativeDays::Error,
        ] {
            assert_eq!(n.as_str().parse::<NegativeDays>().unwrap(), n);
            assert_eq!(serde_json::to_value(n).unwrap(), n.as_str());
        }
    }
    use proptest::prelude::*;

    /// `n` episodes of one day discharged in March 2025 in each municipality given.
    fn episodes(cells: &[(&str, usize)]) -> Vec<Episode> {
        let mut out = Vec::new();
        for &(code, n) in cells {
            for i in 0..n {
                out.push(
                    Episode::new(
                        format!("{code}-{i}"),
                        code.parse().unwrap(),
                        CareType::Somatic,
                        "2025-03-01".parse().unwrap(),
                    )
                    .discharged("2025-03-02".parse().unwrap()),
                );
            }
        }
        out
    }

    fn report(cells: &[(&str, usize)], by: GroupBy) -> IndicatorReport {
        indicators(
            &episodes(cells),
            &IndicatorOptions::default(),
            by,
            None,
            None,
        )
        .unwrap()
    }

    fn row<'a>(rep: &'a IndicatorReport, group: &str) -> &'a IndicatorRow {
        rep.rows
            .iter()
            .find(|r| r.group.to_string() == group)
            .unwrap()
    }

    #[test]
    fn a_one_episode_cell_is_null_and_suppressed() {
        // Kalmar län: 0880 Kalmar 12 episodes, 0881 Nybro 1, 0882 Oskarshamn 7.
        let mut rep = report(
            &[("0880", 12), ("0881", 1), ("0882", 7)],
            GroupBy::Municipality,
        );
        assert_eq!(rep.suppress_below(3), 2);
        let nybro = row(&rep, "0881");
        assert!(nybro.suppressed);
        assert_eq!(nybro.published_measures(), None);
        assert_eq!(nybro.mean_days_incl_day0, None);
        assert_eq!(nybro.occupied_beds, None);
        let json = serde_json::to_value(nybro).unwrap();
        for k in [
            "episodes",
            "day0",
            "ready_ge1",
            "ready_days",
            "goal_attainment",
            "occupied_beds",
        ] {
            assert!(json[k].is_null(), "{k}: {json}");
        }
        assert_eq!(json["suppressed"], true);
        assert_eq!(json["municipality"], "0881");
        // The SPEC fields come first, `suppressed` last.
        let text = serde_json::to_string(nybro).unwrap();
        assert!(text.ends_with(",\"suppressed\":true}"), "{text}");
        // Unsuppressed rows keep the SPEC shape: no `suppressed` key.
        let kalmar = serde_json::to_value(row(&rep, "0880")).unwrap();
        assert!(kalmar.get("suppressed").is_none());
        assert_eq!(kalmar["episodes"], 12);
    }

    #[test]
    fn secondary_suppression_prevents_recovery_by_subtraction() {
        let cells = [("0880", 12), ("0881", 1), ("0882", 7)];
        let mut rep = report(&cells, GroupBy::Municipality);
        rep.suppress_below(3);
        // Oskarshamn, the next-smallest, is suppressed too: the county's 20 minus the
        // published 12 gives 8 for the two together, not Nybro's 1.
        assert!(row(&rep, "0882").suppressed);
        assert!(!row(&rep, "0880").suppressed);
        let mut county = report(&cells, GroupBy::County);
        county.suppress_below(3);
        let c = row(&county, "08");
        assert!(!c.suppressed);
        let published: u64 = rep
            .rows
            .iter()
            .filter_map(IndicatorRow::published_measures)
            .map(|m| m.episodes())
            .sum();
        assert_eq!(c.measures.episodes() - published, 8);
        // Without secondary suppression the difference would be Nybro's own count.
        // Two small cells protect each other: nothing more is suppressed.
        let mut two = report(
            &[("0880", 12), ("0881", 1), ("0882", 2)],
            GroupBy::Municipality,
        );
        assert_eq!(two.suppress_below(3), 2);
        assert!(!row(&two, "0880").suppressed);
        // A county whose only cell is small: its own row is small too, and suppressed.
        let mut alone = report(&[("0881", 2)], GroupBy::County);
        assert_eq!(alone.suppress_below(3), 1);
        // Counties in the nation: one small county takes the next-smallest with it (Västra
        // Götaland's 30 against Stockholms län's 40 + 9).
        let mut counties = report(
            &[("0881", 2), ("0180", 40), ("1480", 30), ("0114", 9)],
            GroupBy::County,
        );
        counties.suppress_below(3);
        let s: Vec<String> = counties
            .rows
            .iter()
            .filter(|r| r.suppressed)
            .map(|r| r.group.to_string())
            .collect();
        assert_eq!(s, ["08", "14"]);
    }

    #[test]
    fn k_0_and_1_suppress_nothing() {
        let cells = [("0880", 12), ("0881", 1), ("0882", 7)];
        let plain = report(&cells, GroupBy::Municipality);
        for k in [0, 1] {
            let mut rep = plain.clone();
            assert_eq!(rep.suppress_below(k), 0);
            assert_eq!(rep, plain);
        }
    }

    proptest! {
        #[test]
        fn suppressed_cells_cannot_be_recovered_within_a_report(
            counts in prop::collection::vec(0usize..8, 1..12),
            k in 0u64..8,
            by_county in any::<bool>(),
        ) {
            // Municipalities of Kalmar län and Stockholms län.
            let codes = ["0880", "0881", "0882", "0883", "0884", "0885",
                         "0180", "0181", "0182", "0114", "0115", "0117"];
            let cells: Vec<(&str, usize)> =
                codes.iter().copied().zip(counts.iter().copied()).collect();
            let by = if by_county { GroupBy::County } else { GroupBy::Municipality };
            let plain = report(&cells, by);
            let mut rep = plain.clone();
            rep.suppress_below(k);
            let mut siblings: BTreeMap<(Group, CareType, Period), (usize, usize)> = BTreeMap::new();
            for (r, p) in rep.rows.iter().zip(&plain.rows) {
                let n = p.measures.episodes();
                if (1..k).contains(&n) {
                    prop_assert!(r.suppressed);
                }
                if r.suppressed {
                    prop_assert!(k >= 2);
                    prop_assert_eq!(r.published_measures(), None);
                    prop_assert_eq!(r.mean_days, None);
                } else {
                    prop_assert!(k < 2 || n >= k);
                    prop_assert_eq!(r, p);
                }
                let parent = match r.group {
                    Group::Municipality(m) => Group::County(m.county()),
                    _ => Group::Nation,
                };
                let e = siblings.entry((parent, r.care_type, r.period)).or_default();
                e.0 += 1;
                e.1 += usize::from(r.suppressed);
            }
            for (rows, suppressed) in siblings.values() {
                prop_assert!(*suppressed != 1 || *rows == 1);
            }
        }
    }
}
