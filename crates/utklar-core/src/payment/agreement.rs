//! Agreements as data: the parameters of a payment model, per care type.
//!
//! An [`Agreement`] is plain data (serde): read from TOML with [`Agreement::from_toml`], written
//! with [`Agreement::to_toml`], and serializable to JSON by any serde serializer. Unknown fields
//! and contradictory combinations are errors ([`Error::Agreement`]) naming the field by its
//! dotted path (`somatic.average.threshold_days`); a TOML syntax error, a value of the wrong
//! type or an unknown key also gives its line and column (`line 3, column 14: …`).
//!
//! ## Ranges
//!
//! Every number has its range; anything outside is a typing error, refused:
//!
//! | field | range |
//! |---|---|
//! | `grace_days` | 0 to [`MAX_DAYS_PARAMETER`] (365) |
//! | `ceiling_days` | 1 to 365 |
//! | `average.threshold_days` | finite, 0 to 365, a multiple of 0.001 |
//! | `average.window` | 1 to [`MAX_WINDOW`] (120) periods; 1 under `each_period` |
//! | `rate.ore`, `rate.tiers[i].ore` | 0 to 10 000 000 000 öre (100 million kr) a day |
//! | `rate.tiers[i].percent_of_national` | 1 to [`MAX_PERCENT`] (10 000 %) |
//! | `rate.tiers[i].from_day` | the first 1, then strictly increasing, at most [`MAX_TIER_DAY`] |
//!
//! | `law_from` | a date, 1990-01-01 to 2100-12-31 |
//!
//! Each care rule bills no care day before its `law_from` (by default the day the law began to
//! apply to the care type, [`law_start`]). An agreement may hold later rules in
//! [`Agreement::changes`], each in force from its `valid_from` (by discharge date).
//!
//! ```
//! use utklar_core::payment::{Agreement, Model};
//!
//! let kalmar = Agreement::preset("kalmar")?;
//! assert_eq!(kalmar.somatic.model, Model::Average);
//! // Round trip through TOML.
//! let again = Agreement::from_toml(&kalmar.to_toml()?)?;
//! assert_eq!(again, kalmar);
//! // A typo is an error naming the field.
//! let bad = kalmar.to_toml()?.replace("grace_days", "grace_dayz");
//! let err = Agreement::from_toml(&bad).unwrap_err();
//! assert!(err.to_string().contains("grace_dayz"), "{err}");
//! # Ok::<(), utklar_core::Error>(())
//! ```

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::model::episode::CareType;
use crate::model::period::{Period, PeriodKind};

/// An agreement on payment liability (*överenskommelse om betalningsansvar*): its identity,
/// its source and assumptions, and one [`CareRule`] per care type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// A short name (`kalmar`).
    pub name: String,
    /// A one-line description.
    #[serde(default)]
    pub title: String,
    /// Where the rules come from (*källa*): law, agreement, web page, seed document.
    #[serde(default)]
    pub source: String,
    /// Every assumption made where the source is silent.
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// The rule for somatic care (*somatisk vård*).
    pub somatic: CareRule,
    /// The rule for psychiatric care (*psykiatrisk vård*).
    pub psychiatric: CareRule,
    /// Periods of validity (*giltighetstid*): later rules, each in force from its `valid_from`
    /// until the next one. The rules above are in force before the first `valid_from`. An
    /// invoice applies to each episode the rules in force on its discharge date; `valid_from`
    /// is the first day of a period under the rules before and after it, so no period of
    /// discharge is split (`docs/payments.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

/// Rules in force from a date on (a stage of an agreement, or a new agreement).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The first day the rules apply, by discharge date: `"2022-01-01"`, or in TOML also the
    /// bare date `2022-01-01`.
    #[serde(deserialize_with = "date_text_or_toml")]
    pub valid_from: NaiveDate,
    /// Why the rules changed, and the source.
    #[serde(default)]
    pub note: String,
    /// The rule for somatic care from `valid_from`.
    pub somatic: CareRule,
    /// The rule for psychiatric care from `valid_from`.
    pub psychiatric: CareRule,
}

/// A date as text (`"2022-01-01"`, what JSON and TOML strings give) or as a TOML local date
/// (`2022-01-01` unquoted); a TOML date-time, or a date with a time, is refused.
fn date_text_or_toml<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    use serde::de::Error as _;
    let expected = "a date, 2022-01-01";
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) => s
            .parse()
            .map_err(|_| D::Error::custom(format!("{s:?} is not a date: use {expected}"))),
        toml::Value::Datetime(toml::value::Datetime {
            date: Some(date),
            time: None,
            offset: None,
        }) => NaiveDate::from_ymd_opt(i32::from(date.year), date.month.into(), date.day.into())
            .ok_or_else(|| D::Error::custom(format!("{date} is not a date: use {expected}"))),
        other => Err(D::Error::custom(format!(
            "not a date but a TOML {}: use {expected}",
            other.type_str()
        ))),
    }
}

/// The three model families (`docs/payments.md`) (*betalningsmodell*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Model {
    /// Individual (*individbaserad*): each episode is billed its days past the grace days.
    Individual,
    /// Average (*genomsnittsmodell*): per municipality and period, liability arises when the
    /// mean ready days exceed a threshold.
    Average,
    /// Mixed (*blandmodell*): an average model plus an individual ceiling (*individuellt tak*);
    /// an episode past the ceiling is billed its days past the ceiling whatever the average,
    /// and is left out of the average.
    Mixed,
}

/// How days are counted (*kalenderdagar / vardagar*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayCount {
    /// Calendar days (*kalenderdagar*), the default everywhere.
    #[default]
    Calendar,
    /// Working days (*vardagar*): Monday–Friday except Swedish public holidays
    /// ([`crate::model::calendar::is_working_day`]).
    Working,
}

/// Where the count of days starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// The ready notice (*underrättelse om utskrivningsklar*), the law's start.
    #[default]
    Ready,
    /// Home-ready (*hemgångsklar*). An episode without `home_ready_at`, or with one before its
    /// ready notice (home-ready implies ready), starts at its ready notice, the law's start.
    HomeReady,
}

/// The mean's denominator (*medelvärde*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeanDefinition {
    /// Day-0 episodes in the denominator (*inklusive dag 0*; Kalmar, Stockholm).
    InclDay0,
    /// Day-0 episodes not in the denominator (*exklusive dag 0*; the national definition).
    ExclDay0,
}

/// What the mean counts (*enhet*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Episodes (*vårdtillfällen*).
    #[default]
    Episodes,
    /// Persons (*antal personer*, VGR): distinct `patient_id` per period; an episode without a
    /// patient id counts as its own person.
    Persons,
}

/// How a period's liability is decided (*utvärdering*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evaluation {
    /// Each period on its own mean (`window` must be 1).
    #[default]
    EachPeriod,
    /// The pooled mean (sum of days over sum of counts) of the last `window` periods, this one
    /// included, decides this period.
    RollingMean,
    /// This period is liable when each of the last `window` periods, this one included, has a
    /// mean above the threshold (Sörmland: three months in a row). A period without episodes
    /// breaks the run.
    Consecutive,
    /// Blocks of `window` periods aligned to the calendar (with months and `window = 3`: the
    /// calendar quarters) are evaluated on their pooled mean; when above the threshold, the
    /// periods of the **same** block are liable (a 3-month mean billing those three months).
    BlockMean,
    /// Blocks of `window` periods aligned to the calendar (with months and `window = 3`: the
    /// calendar quarters) are evaluated at their end on their pooled mean; when above the
    /// threshold, the periods of the **next** block are billed; billing stops after an
    /// evaluation at or below the threshold (the later VGR text: a 3-month mean every third
    /// month, billing the following months until the mean improves).
    FollowingUntilImproved,
}

/// What is billed when a period is liable (*debiteringsgrund*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Each episode its days past the grace days (Kalmar: the patients cared for more than 3
    /// days, billed from day 4).
    ExcessPerEpisode,
    /// `(mean − threshold) × count` days for the municipality and period (VGR/VästKom: "för
    /// det man faktiskt överskridit"), possibly fractional; one line per municipality-period.
    ExcessOverThreshold,
}

/// The average part of an average or mixed model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AverageRule {
    /// The mean's denominator: `incl_day0` or `excl_day0` (*medelvärde inklusive / exklusive
    /// dag 0*).
    pub mean: MeanDefinition,
    /// Episodes or persons (*vårdtillfällen / personer*).
    #[serde(default)]
    pub unit: Unit,
    /// The threshold in days (*tröskelvärde, gränsvärde*): liability when the mean is
    /// **strictly greater**. A multiple of 0.001 day, at least 0.
    pub threshold_days: f64,
    /// How a period is decided.
    #[serde(default)]
    pub evaluation: Evaluation,
    /// The `n` of the evaluation window, in periods (default 1).
    #[serde(default = "one")]
    pub window: u32,
    /// What a liable period bills.
    pub basis: Basis,
}

fn one() -> u32 {
    1
}

/// The kind of rate (*ersättning per vårddygn*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RateKind {
    /// The national amount of each billed care day's own calendar year (law 5 kap. 6 §;
    /// Socialstyrelsen's *genomsnittlig kostnad för ett vårddygn*), from [`super::Amounts`].
    #[default]
    National,
    /// A fixed amount per care day, `ore`.
    Fixed,
    /// Tiers by day number of the episode (*trappa*): `tiers`.
    Tiers,
}

/// The amount per billed care day.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// National, fixed or tiers.
    #[serde(default)]
    pub kind: RateKind,
    /// The fixed amount in öre per care day (`kind = "fixed"` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ore: Option<i64>,
    /// The tiers, by increasing `from_day`, the first from day 1 (`kind = "tiers"` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Tier>>,
}

impl Rate {
    /// The national amount of each day's year.
    pub fn national() -> Self {
        Rate::default()
    }

    /// A fixed amount per care day in öre.
    pub fn fixed(ore: i64) -> Self {
        Rate {
            kind: RateKind::Fixed,
            ore: Some(ore),
            tiers: None,
        }
    }
}

/// One tier of a tiered rate: from day number `from_day` of the episode (day 1 is the care day
/// of the ready date) until the next tier. Exactly one of `ore` and `percent_of_national`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// The first day number of the tier.
    pub from_day: u32,
    /// A fixed amount per care day in öre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ore: Option<i64>,
    /// A percentage of the national amount of the day's year (Denmark: 50 for days 1–2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_of_national: Option<u32>,
}

/// The rule for one care type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CareRule {
    /// The model family (*betalningsmodell*): `individual`, `average` or `mixed`.
    pub model: Model,
    /// The period (*period*: `month`, `quarter`, `year`): invoices are totalled per period of
    /// the discharge date, and averages are computed per period. Default `month`.
    #[serde(default)]
    pub period: PeriodKind,
    /// Grace days (*fristdagar*) `g`: liability from day `g + 1`. Required by the individual
    /// model and by `excess_per_episode`; not allowed otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_days: Option<u32>,
    /// The noon cut-off (*klockan 12-regeln*, law 5 kap. 4 §): one more grace day when the
    /// notice that starts the count was sent strictly after 12:00:00.
    #[serde(default)]
    pub noon_rule: bool,
    /// Under the noon rule, whether a notice with no time of day counts as sent after noon
    /// (default `false`: before noon, as the law is read in `docs/payments.md`).
    #[serde(default)]
    pub date_only_after_noon: bool,
    /// Calendar or working days (*kalenderdagar / vardagar*). Default `calendar`.
    #[serde(default)]
    pub day_count: DayCount,
    /// The notice that starts the count: `ready` (*utskrivningsklar*) or `home_ready`
    /// (*hemgångsklar*). Default `ready`.
    #[serde(default)]
    pub start: Start,
    /// Whether the discharge day (*utskrivningsdagen*) is a billable day. Default `false`.
    #[serde(default)]
    pub bill_discharge_day: bool,
    /// The average part; required by the average and mixed models, not allowed otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average: Option<AverageRule>,
    /// The mixed model's individual ceiling in days (*individuellt tak*): an episode past it
    /// is billed its days past the ceiling whatever the average, and is left out of the
    /// average. Mixed model only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling_days: Option<u32>,
    /// The amount per billed care day (*ersättning per vårddygn*). Default: national.
    #[serde(default)]
    pub rate: Rate,
    /// The first date on which care days can be billed under this rule (`"2018-01-01"`): a
    /// care day before it is not billed, and an episode left with no billable day is
    /// `before_law`. Without it, the day the law (SFS 2017:612) began to apply to the care
    /// type: 2018-01-01 for somatic care, 2019-01-01 for psychiatric care ([`law_start`]). An
    /// agreement that started later gives its own start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law_from: Option<NaiveDate>,
}

/// The day the law (SFS 2017:612) began to apply to a care type: 2018-01-01 for somatic care,
/// 2019-01-01 for psychiatric care (the earlier law, 1990:1404, went on for psychiatric units
/// through 2018).
///
/// ```
/// use utklar_core::{payment::law_start, CareType};
/// assert_eq!(law_start(CareType::Somatic).to_string(), "2018-01-01");
/// assert_eq!(law_start(CareType::Psychiatric).to_string(), "2019-01-01");
/// ```
pub fn law_start(care: CareType) -> NaiveDate {
    // Made at compile time (a date that did not exist would not compile): an invoice asks
    // for them for every episode.
    const SOMATIC: NaiveDate = match NaiveDate::from_ymd_opt(2018, 1, 1) {
        Some(d) => d,
        None => unreachable!(),
    };
    const PSYCHIATRIC: NaiveDate = match NaiveDate::from_ymd_opt(2019, 1, 1) {
        Some(d) => d,
        None => unreachable!(),
    };
    match care {
        CareType::Somatic => SOMATIC,
        CareType::Psychiatric => PSYCHIATRIC,
    }
}

impl CareRule {
    /// The law's default (5 kap. 4 § and 6 §): individual, 3 grace days (4 after noon),
    /// national amount, monthly totals.
    pub fn statutory() -> Self {
        CareRule {
            model: Model::Individual,
            period: PeriodKind::Month,
            grace_days: Some(3),
            noon_rule: true,
            date_only_after_noon: false,
            day_count: DayCount::Calendar,
            start: Start::Ready,
            bill_discharge_day: false,
            average: None,
            ceiling_days: None,
            rate: Rate::national(),
            law_from: None,
        }
    }

    /// The first billable date of this rule for a care type: `law_from`, or the law's start
    /// for the care type ([`law_start`]).
    pub fn billable_from(&self, care: CareType) -> NaiveDate {
        self.law_from.unwrap_or_else(|| law_start(care))
    }

    /// The threshold in thousandths of a day, when there is an average.
    pub(crate) fn threshold_milli(&self) -> Option<i64> {
        self.average
            .as_ref()
            .map(|a| (a.threshold_days * 1000.0).round() as i64)
    }

    fn validate(&self, care: &str) -> Result<(), Error> {
        let err = |field: &str, message: String| Error::Agreement {
            field: format!("{care}.{field}"),
            message,
        };
        let per_episode = match (self.model, &self.average) {
            (Model::Individual, Some(_)) => {
                return Err(err(
                    "average",
                    "the individual model has no average: remove [average] or use model = \"average\" or \"mixed\"".into(),
                ))
            }
            (Model::Average | Model::Mixed, None) => {
                return Err(err(
                    "average",
                    "the average and mixed models need an [average] table (mean, threshold_days, basis)".into(),
                ))
            }
            (Model::Individual, None) => true,
            (_, Some(a)) => a.basis == Basis::ExcessPerEpisode,
        };
        match (self.model, self.ceiling_days) {
            (Model::Mixed, None) => {
                return Err(err(
                    "ceiling_days",
                    "the mixed model needs an individual ceiling in days (often 7)".into(),
                ))
            }
            (Model::Individual | Model::Average, Some(_)) => {
                return Err(err(
                    "ceiling_days",
                    "only the mixed model has an individual ceiling: remove it or use model = \"mixed\"".into(),
                ))
            }
            _ => {}
        }
        if let Some(c) = self.ceiling_days {
            if !(1..=MAX_DAYS_PARAMETER).contains(&c) {
                return Err(err(
                    "ceiling_days",
                    format!("{c} is not a ceiling: use 1 to {MAX_DAYS_PARAMETER} days"),
                ));
            }
        }
        if let Some(g) = self.grace_days {
            if g > MAX_DAYS_PARAMETER {
                return Err(err(
                    "grace_days",
                    format!("{g} is not a number of grace days: use 0 to {MAX_DAYS_PARAMETER}"),
                ));
            }
        }
        if per_episode && self.grace_days.is_none() {
            return Err(err(
                "grace_days",
                "grace days are required by the individual model and by basis = \"excess_per_episode\"".into(),
            ));
        }
        if !per_episode {
            if self.grace_days.is_some() {
                return Err(err(
                    "grace_days",
                    "basis = \"excess_over_threshold\" bills (mean − threshold) × count and has no grace days: remove grace_days".into(),
                ));
            }
            if self.noon_rule {
                return Err(err(
                    "noon_rule",
                    "the noon rule adds a grace day and basis = \"excess_over_threshold\" has none: remove noon_rule".into(),
                ));
            }
            if self.bill_discharge_day && self.model == Model::Average {
                return Err(err(
                    "bill_discharge_day",
                    "basis = \"excess_over_threshold\" bills (mean − threshold) × count, not care days: remove bill_discharge_day".into(),
                ));
            }
        }
        if let Some(d) = self.law_from {
            let lo = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or(NaiveDate::MIN);
            let hi = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap_or(NaiveDate::MAX);
            if d < lo || d > hi {
                return Err(err(
                    "law_from",
                    format!("{d} is outside 1990-01-01 … 2100-12-31"),
                ));
            }
        }
        if self.date_only_after_noon && !self.noon_rule {
            return Err(err(
                "date_only_after_noon",
                "applies only with noon_rule = true".into(),
            ));
        }
        if let Some(a) = &self.average {
            let t = a.threshold_days;
            if !t.is_finite() || !(0.0..=f64::from(MAX_DAYS_PARAMETER)).contains(&t) {
                return Err(err(
                    "average.threshold_days",
                    format!(
                        "{t} is not a threshold: use a number of days from 0 to {MAX_DAYS_PARAMETER}"
                    ),
                ));
            }
            if ((t * 1000.0).round() - t * 1000.0).abs() > 1e-6 {
                return Err(err(
                    "average.threshold_days",
                    format!("{t} has more than three decimals: thresholds are exact to 0.001 day"),
                ));
            }
            if a.window == 0 || a.window > MAX_WINDOW {
                return Err(err(
                    "average.window",
                    format!(
                        "{} is not a window: use 1 to {MAX_WINDOW} periods",
                        a.window
                    ),
                ));
            }
            if a.evaluation == Evaluation::EachPeriod && a.window != 1 {
                return Err(err(
                    "average.window",
                    "evaluation = \"each_period\" uses one period: set window = 1 or choose rolling_mean, consecutive, block_mean or following_until_improved".into(),
                ));
            }
        }
        self.rate.validate(care, per_episode)
    }
}

impl Rate {
    fn validate(&self, care: &str, per_episode: bool) -> Result<(), Error> {
        let err = |field: &str, message: String| Error::Agreement {
            field: format!("{care}.rate.{field}"),
            message,
        };
        match self.kind {
            RateKind::National => {
                if self.ore.is_some() {
                    return Err(err(
                        "ore",
                        "a national rate takes no fixed amount: use kind = \"fixed\" or remove ore"
                            .into(),
                    ));
                }
            }
            RateKind::Fixed => match self.ore {
                None => {
                    return Err(err(
                        "ore",
                        "kind = \"fixed\" needs the amount per care day in öre".into(),
                    ))
                }
                Some(o) if !(0..=MAX_ORE).contains(&o) => {
                    return Err(err(
                        "ore",
                        format!("{o} öre is not an amount per day: use 0 to {MAX_ORE}"),
                    ))
                }
                Some(_) => {}
            },
            RateKind::Tiers => {
                if self.ore.is_some() {
                    return Err(err(
                        "ore",
                        "a tiered rate has its amounts in tiers: remove ore".into(),
                    ));
                }
            }
        }
        match (self.kind, &self.tiers) {
            (RateKind::Tiers, None) => {
                return Err(err("tiers", "kind = \"tiers\" needs tiers".into()))
            }
            (RateKind::Tiers, Some(tiers)) => {
                if !per_episode {
                    return Err(err("tiers", "tiers price care days by day number; basis = \"excess_over_threshold\" bills days that are not numbered: use a national or fixed rate".into()));
                }
                if tiers.first().map(|t| t.from_day) != Some(1) {
                    return Err(err(
                        "tiers",
                        "the first tier must start at from_day = 1".into(),
                    ));
                }
                for (i, t) in tiers.iter().enumerate() {
                    if t.from_day > MAX_TIER_DAY {
                        return Err(err(
                            &format!("tiers[{i}].from_day"),
                            format!(
                                "day {} is past any stay: use 1 to {MAX_TIER_DAY}",
                                t.from_day
                            ),
                        ));
                    }
                }
                for (i, w) in tiers.windows(2).enumerate() {
                    if w[1].from_day <= w[0].from_day {
                        return Err(err(
                            &format!("tiers[{}].from_day", i + 1),
                            "tiers must have strictly increasing from_day".into(),
                        ));
                    }
                }
                for (i, t) in tiers.iter().enumerate() {
                    match (t.ore, t.percent_of_national) {
                        (Some(o), None) if (0..=MAX_ORE).contains(&o) => {}
                        (Some(o), None) => {
                            return Err(err(
                                &format!("tiers[{i}].ore"),
                                format!("{o} öre is not an amount per day: use 0 to {MAX_ORE}"),
                            ))
                        }
                        (None, Some(p)) if (1..=MAX_PERCENT).contains(&p) => {}
                        (None, Some(p)) => {
                            return Err(err(
                                &format!("tiers[{i}].percent_of_national"),
                                format!("{p} % is not plausible: use 1 to {MAX_PERCENT} (for days free of charge, ore = 0)"),
                            ))
                        }
                        _ => {
                            return Err(err(
                                &format!("tiers[{i}]"),
                                "give exactly one of ore and percent_of_national".into(),
                            ))
                        }
                    }
                }
            }
            (_, Some(_)) => return Err(err("tiers", "tiers need kind = \"tiers\"".into())),
            (_, None) => {}
        }
        Ok(())
    }
}

/// The largest amount per care day accepted, in öre (100 million kr).
///
/// With at most 40 541 days between 1990-01-01 and 2100-12-31 and tiers of at most
/// [`MAX_PERCENT`] %, one line is at most 40 541 × 100 × `MAX_ORE` ≈ 4.1 × 10^16 öre: exact in
/// 64 bits. Sums of lines (totals, the invoice's total, comparison rows, sweep rows) are
/// accumulated in 128 bits and checked; a sum that does not fit in 64 bits is
/// [`Error::AmountOverflow`], never a wrong figure.
pub(crate) const MAX_ORE: i64 = 10_000_000_000;

/// The largest percentage of the national amount a tier may take (100 times the amount); the
/// smallest is 1 %.
pub const MAX_PERCENT: u32 = 10_000;

/// The largest number of grace days, ceiling days or threshold days an agreement may give (a
/// year): larger values are typing errors, not agreements.
pub const MAX_DAYS_PARAMETER: u32 = 365;

/// The largest evaluation window, in periods (ten years of months).
pub const MAX_WINDOW: u32 = 120;

/// The largest `from_day` of a tier: the days from 1990-01-01 to 2100-12-31.
pub const MAX_TIER_DAY: u32 = 40_542;

/// The presets shipped with utklar: name and TOML text.
const PRESETS: [(&str, &str); 5] = [
    ("statutory", include_str!("../../presets/statutory.toml")),
    ("kalmar", include_str!("../../presets/kalmar.toml")),
    ("vgr", include_str!("../../presets/vgr.toml")),
    ("sormland", include_str!("../../presets/sormland.toml")),
    ("stockholm", include_str!("../../presets/stockholm.toml")),
];

/// The names of the preset agreements, in a fixed order: `statutory`, `kalmar`, `vgr`,
/// `sormland`, `stockholm`.
///
/// ```
/// assert_eq!(
///     utklar_core::payment::preset_names(),
///     ["statutory", "kalmar", "vgr", "sormland", "stockholm"]
/// );
/// ```
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.0).collect()
}

/// The TOML text of a preset, with its source and assumptions, as shipped.
///
/// ```
/// let text = utklar_core::payment::preset_text("statutory")?;
/// assert!(text.contains("2017:612"));
/// # Ok::<(), utklar_core::Error>(())
/// ```
pub fn preset_text(name: &str) -> Result<&'static str, Error> {
    let key = name.trim().to_ascii_lowercase();
    PRESETS
        .iter()
        .find(|p| p.0 == key)
        .map(|p| p.1)
        .ok_or_else(|| Error::UnknownPreset(name.to_string()))
}

impl Agreement {
    /// A preset by name (`statutory`, `kalmar`, `vgr`, `sormland`, `stockholm`; any case).
    ///
    /// ```
    /// use utklar_core::{payment::Agreement, Error};
    /// assert_eq!(Agreement::preset("VGR")?.name, "vgr");
    /// assert!(matches!(Agreement::preset("gotland"), Err(Error::UnknownPreset(_))));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn preset(name: &str) -> Result<Self, Error> {
        Agreement::from_toml(preset_text(name)?)
    }

    /// The law's default as an agreement (the same as the `statutory` preset).
    pub fn statutory() -> Self {
        Agreement {
            name: "statutory".into(),
            title: "The law's default (SFS 2017:612, 5 kap. 4 § and 6 §)".into(),
            source: "Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård, 5 kap. 3–6 §§".into(),
            assumptions: Vec::new(),
            somatic: CareRule::statutory(),
            psychiatric: CareRule::statutory(),
            changes: Vec::new(),
        }
    }

    /// The agreement of one period of validity: version 0 is the rules before the first
    /// change, version `i` those of `changes[i − 1]`; no changes of its own.
    pub(crate) fn version(&self, i: usize) -> Agreement {
        let (somatic, psychiatric) = match i.checked_sub(1).and_then(|j| self.changes.get(j)) {
            Some(c) => (c.somatic.clone(), c.psychiatric.clone()),
            None => (self.somatic.clone(), self.psychiatric.clone()),
        };
        Agreement {
            name: self.name.clone(),
            title: self.title.clone(),
            source: self.source.clone(),
            assumptions: self.assumptions.clone(),
            somatic,
            psychiatric,
            changes: Vec::new(),
        }
    }

    /// The version in force on `date` (0 before the first change).
    pub(crate) fn version_on(&self, date: NaiveDate) -> usize {
        self.changes
            .iter()
            .take_while(|c| c.valid_from <= date)
            .count()
    }

    /// Reads an agreement from TOML and validates it. Unknown fields, wrong types and
    /// contradictions are [`Error::Agreement`] naming the field.
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let de = toml::Deserializer::new(text);
        let agreement: Agreement = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let mut message = inner.message().trim().to_string();
            let field = unknown_field_name(&message).map_or_else(
                || path.clone(),
                |f| {
                    if path.is_empty() || path == "." {
                        f.to_string()
                    } else if path.ends_with(f) {
                        path.clone()
                    } else {
                        format!("{path}.{f}")
                    }
                },
            );
            let field = if field.is_empty() || field == "." {
                "(agreement)".to_string()
            } else {
                field
            };
            // Where: toml's span of the offending text (a syntax error, a value of the wrong
            // type, an unknown key), as a line and a column.
            if let Some(span) = inner.span() {
                let (line, column) = line_column(text, span.start);
                message = format!("line {line}, column {column}: {message}");
            }
            Error::Agreement { field, message }
        })?;
        agreement.validate()?;
        Ok(agreement)
    }

    /// Writes the agreement as TOML (the form [`Agreement::from_toml`] reads).
    pub fn to_toml(&self) -> Result<String, Error> {
        toml::to_string(self).map_err(|e| Error::Agreement {
            field: "(agreement)".into(),
            message: format!("cannot write as TOML: {e}"),
        })
    }

    /// Checks every rule; the first contradiction is an [`Error::Agreement`] naming its field.
    ///
    /// ```
    /// use utklar_core::payment::Agreement;
    /// let mut a = Agreement::preset("kalmar")?;
    /// a.somatic.ceiling_days = Some(7); // only the mixed model has a ceiling
    /// let err = a.validate().unwrap_err();
    /// assert!(err.to_string().contains("somatic.ceiling_days"));
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        if self.name.trim().is_empty() {
            return Err(Error::Agreement {
                field: "name".into(),
                message: "an agreement needs a name".into(),
            });
        }
        self.somatic.validate("somatic")?;
        self.psychiatric.validate("psychiatric")?;
        let mut before = [self.somatic.period, self.psychiatric.period];
        let mut last: Option<NaiveDate> = None;
        for (i, c) in self.changes.iter().enumerate() {
            let field = |f: &str| format!("changes[{i}].{f}");
            c.somatic.validate(&field("somatic"))?;
            c.psychiatric.validate(&field("psychiatric"))?;
            if last.is_some_and(|l| c.valid_from <= l) {
                return Err(Error::Agreement {
                    field: field("valid_from"),
                    message: "changes must have strictly increasing valid_from".into(),
                });
            }
            let now = [c.somatic.period, c.psychiatric.period];
            for kind in before.iter().chain(&now) {
                if Period::of(*kind, c.valid_from).first_day() != c.valid_from {
                    return Err(Error::Agreement {
                        field: field("valid_from"),
                        message: format!(
                            "{} is not the first day of a {} of the rules before and after it: a change may not split a period",
                            c.valid_from,
                            kind.as_str()
                        ),
                    });
                }
            }
            before = now;
            last = Some(c.valid_from);
        }
        Ok(())
    }

    /// The rule for a care type.
    pub fn rule(&self, care: CareType) -> &CareRule {
        match care {
            CareType::Somatic => &self.somatic,
            CareType::Psychiatric => &self.psychiatric,
        }
    }

    /// The rule for a care type in force on `date`: that of the last change valid from that
    /// day or before, else [`rule`](Self::rule) — the rule that bills an episode discharged on
    /// `date`.
    ///
    /// ```
    /// use utklar_core::{Agreement, CareType};
    /// use chrono::NaiveDate;
    ///
    /// let a = Agreement::from_toml(r#"
    ///     name = "changing"
    ///     title = "A tariff that changes in July"
    ///     [somatic]
    ///     model = "individual"
    ///     grace_days = 3
    ///     [psychiatric]
    ///     model = "individual"
    ///     grace_days = 30
    ///     [[changes]]
    ///     valid_from = "2025-07-01"
    ///     [changes.somatic]
    ///     model = "individual"
    ///     grace_days = 2
    ///     [changes.psychiatric]
    ///     model = "individual"
    ///     grace_days = 30
    /// "#)?;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    /// assert_eq!(a.rule_on(CareType::Somatic, day(6, 30)), a.rule(CareType::Somatic));
    /// assert_eq!(a.rule_on(CareType::Somatic, day(7, 1)), &a.changes[0].somatic);
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn rule_on(&self, care: CareType, date: NaiveDate) -> &CareRule {
        match self
            .version_on(date)
            .checked_sub(1)
            .map(|i| &self.changes[i])
        {
            Some(c) => match care {
                CareType::Somatic => &c.somatic,
                CareType::Psychiatric => &c.psychiatric,
            },
            None => self.rule(care),
        }
    }

    /// The rule for a care type, mutably.
    pub fn rule_mut(&mut self, care: CareType) -> &mut CareRule {
        match care {
            CareType::Somatic => &mut self.somatic,
            CareType::Psychiatric => &mut self.psychiatric,
        }
    }
}

/// The 1-based line and column (in characters) of byte offset `at` of `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// The field named by serde's "unknown field `x`" or "missing field `x`" message.
fn unknown_field_name(message: &str) -> Option<&str> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("missing field `"))?;
    rest.split('`').next()
}

impl Model {
    /// The family's name: `individual`, `average` or `mixed` (as in the TOML and the JSON).
    ///
    /// ```
    /// assert_eq!(utklar_core::payment::Model::Mixed.as_str(), "mixed");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Model::Individual => "individual",
            Model::Average => "average",
            Model::Mixed => "mixed",
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
