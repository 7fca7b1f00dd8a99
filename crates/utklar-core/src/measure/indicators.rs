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
use crate::model::period::Period;
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
#[derive(Debug, Clone, PartialEq)]
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
                .get(c, period)
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
        m.serialize_entry("episodes", &self.measures.episodes())?;
        m.serialize_entry("day0", &self.measures.day0)?;
        m.serialize_entry("ready_ge1", &self.measures.ready_ge1)?;
        m.serialize_entry("ready_days", &self.measures.ready_days)?;
        m.serialize_entry("goal_attainment", &self.goal_attainment)?;
        m.serialize_entry("mean_days", &self.mean_days)?;
        m.serialize_entry("mean_days_incl_day0", &self.mean_days_incl_day0)?;
        m.serialize_entry("days_per_1000", &self.days_per_1000)?;
        m.serialize_entry("occupied_beds", &self.occupied_beds)?;
        m.serialize_entry("bed_share_pct", &self.bed_share_pct)?;
        m.end()
    }
}

/// Indicator rows and the account of every input row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorReport {
    /// One row per group, care type and period with at least one counted episode, in period,
    /// group and care-type order.
    pub rows: Vec<IndicatorRow>,
    /// Counted, open, outside the age restriction, excluded and why.
    pub exclusions: ExclusionReport,
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

/// Indicators over episode values in one call: measures, then rows grouped `by`.
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
