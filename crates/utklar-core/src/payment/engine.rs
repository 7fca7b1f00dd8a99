//! The invoice: classification of episodes, evaluation of averages, pricing.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::{Datelike, NaiveDate};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::agreement::{
    Agreement, Basis, CareRule, DayCount, Evaluation, MeanDefinition, Model, RateKind, Start, Unit,
};
use super::amounts::{add_ore, div_round, exact_ore, Amounts, At};
use crate::error::Error;
use crate::input::rules::episode_problems;
use crate::input::{EpisodeReader, EpisodeSet, IdHash, NegativeDays, Problem, Reason};
use crate::model::calendar::is_working_day;
use crate::model::episode::{CareType, Episode};
use crate::model::municipality::Municipality;
use crate::model::period::{Period, PeriodKind};
use crate::model::time::{date_of_day, day_number, NoticeTime};

/// Why an episode was not billed. Serialized in snake case (`within_grace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotBilledReason {
    /// Still in hospital: no discharge yet, nothing can be billed.
    Open,
    /// Bad data: an `episode_id` seen earlier in the input (the first one is kept).
    DuplicateEpisodeId,
    /// Bad data: discharged before the ready date (*minusdagar*).
    NegativeDays,
    /// Bad data: discharge or ready notice before admission, or a ready, discharge or
    /// admission date outside 1990-01-01 … 2100-12-31.
    InvalidDates,
    /// No admission notice (*inskrivningsmeddelande*) was sent (law 5 kap. 3 §).
    MissingAdmissionNotice,
    /// A SIP was required and not called (law 5 kap. 3 § second paragraph).
    SipNotCalled,
    /// Discharge was blocked by the region-financed open care (law 5 kap. 5 §).
    RegionBlocked,
    /// Discharged within the grace days (or, under a ceiling, at or under it with nothing
    /// past the grace).
    WithinGrace,
    /// Average model: the municipality's period was not liable.
    AverageNotExceeded,
    /// Bad data: an input row that could not be read as an episode (a required field missing,
    /// an unreadable value, an unknown municipality or care type); see
    /// [`Invoice::add_unreadable`].
    InvalidRow,
    /// Every care day past the grace days (or the ceiling) lies before the day the law began to
    /// apply to the care type (2018-01-01 somatic, 2019-01-01 psychiatric), or before the care
    /// rule's own `law_from`: nothing left to bill.
    BeforeLaw,
}

impl NotBilledReason {
    /// The reason a row with this (first) input problem is not billed: a repeated id
    /// [`DuplicateEpisodeId`](Self::DuplicateEpisodeId), negative days
    /// [`NegativeDays`](Self::NegativeDays), a date before admission or out of range
    /// [`InvalidDates`](Self::InvalidDates), anything else (a required field missing, an
    /// unreadable value, an unknown municipality or care type)
    /// [`InvalidRow`](Self::InvalidRow).
    pub fn of_problem(reason: Reason) -> Self {
        match reason {
            Reason::DuplicateEpisodeId => NotBilledReason::DuplicateEpisodeId,
            Reason::NegativeDays => NotBilledReason::NegativeDays,
            Reason::DischargeBeforeAdmission
            | Reason::ReadyBeforeAdmission
            | Reason::DateOutOfRange => NotBilledReason::InvalidDates,
            _ => NotBilledReason::InvalidRow,
        }
    }

    /// Every reason, in a fixed order.
    pub const ALL: [NotBilledReason; 11] = [
        NotBilledReason::Open,
        NotBilledReason::DuplicateEpisodeId,
        NotBilledReason::NegativeDays,
        NotBilledReason::InvalidDates,
        NotBilledReason::MissingAdmissionNotice,
        NotBilledReason::SipNotCalled,
        NotBilledReason::RegionBlocked,
        NotBilledReason::WithinGrace,
        NotBilledReason::AverageNotExceeded,
        NotBilledReason::InvalidRow,
        NotBilledReason::BeforeLaw,
    ];

    /// The snake-case name used in JSON (`within_grace`).
    pub fn as_str(self) -> &'static str {
        match self {
            NotBilledReason::Open => "open",
            NotBilledReason::DuplicateEpisodeId => "duplicate_episode_id",
            NotBilledReason::NegativeDays => "negative_days",
            NotBilledReason::InvalidDates => "invalid_dates",
            NotBilledReason::MissingAdmissionNotice => "missing_admission_notice",
            NotBilledReason::SipNotCalled => "sip_not_called",
            NotBilledReason::RegionBlocked => "region_blocked",
            NotBilledReason::WithinGrace => "within_grace",
            NotBilledReason::AverageNotExceeded => "average_not_exceeded",
            NotBilledReason::InvalidRow => "invalid_row",
            NotBilledReason::BeforeLaw => "before_law",
        }
    }

    /// Whether the reason is bad data (duplicate, negative days, invalid dates).
    pub fn is_bad_data(self) -> bool {
        matches!(
            self,
            NotBilledReason::DuplicateEpisodeId
                | NotBilledReason::NegativeDays
                | NotBilledReason::InvalidDates
                | NotBilledReason::InvalidRow
        )
    }

    /// Whether the reason is a failed precondition of the law (5 kap. 3 § and 5 §).
    pub fn is_precondition(self) -> bool {
        matches!(
            self,
            NotBilledReason::MissingAdmissionNotice
                | NotBilledReason::SipNotCalled
                | NotBilledReason::RegionBlocked
        )
    }
}

impl fmt::Display for NotBilledReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule that billed a line. Serialized in snake case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// Individual model: the episode's days past the grace days.
    Individual,
    /// Average or mixed model, liable period, `excess_per_episode`: the episode's days past
    /// the grace days.
    AveragePerEpisode,
    /// Average or mixed model, liable period, `excess_over_threshold`: `(mean − threshold) ×
    /// count` days for the municipality and period.
    AverageOverThreshold,
    /// Mixed model: an episode past the individual ceiling, its days past the ceiling.
    IndividualCeiling,
}

impl Rule {
    /// The snake-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Individual => "individual",
            Rule::AveragePerEpisode => "average_per_episode",
            Rule::AverageOverThreshold => "average_over_threshold",
            Rule::IndividualCeiling => "individual_ceiling",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One invoice line: a billed episode, or a municipality-period under `excess_over_threshold`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The billed episode; `None` for a municipality-period line.
    pub episode_id: Option<String>,
    /// The municipality that pays.
    pub municipality: Municipality,
    /// The care type.
    pub care_type: CareType,
    /// The period of the discharge date (of the municipality-period).
    pub period: Period,
    /// Billed care days; fractional only on `average_over_threshold` lines.
    pub billed_days: f64,
    /// The amount in öre, rounded once for the line.
    pub amount_ore: i64,
    /// The rule that billed the line.
    pub rule: Rule,
    /// How many input episodes the line covers (1 for an episode line).
    pub episodes: u64,
    /// The episode's position in the input (`None` for a municipality-period line).
    pub index: Option<usize>,
}

/// Totals and the evaluation of one municipality, care type and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    /// The municipality.
    pub municipality: Municipality,
    /// The care type.
    pub care_type: CareType,
    /// The period.
    pub period: Period,
    /// Billed care days (sum of the lines).
    pub billed_days: f64,
    /// Amount in öre (sum of the lines).
    pub amount_ore: i64,
    /// The mean that decided the period (the window's mean under a window evaluation; the
    /// previous block's under `following_until_improved`; the period's own mean when no
    /// evaluation applied); `None` for the individual model or an empty denominator.
    pub mean_days: Option<f64>,
    /// The threshold; `None` for the individual model.
    pub threshold: Option<f64>,
    /// Whether the period was liable; `None` for the individual model (no evaluation).
    pub triggered: Option<bool>,
    /// The period's own mean over its liability population (not serialized).
    pub period_mean_days: Option<f64>,
    /// Valid closed episodes of the group in the input, bad data excluded (not serialized).
    pub episodes: u64,
}

/// An episode that was not billed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotBilled {
    /// Position in the input.
    pub index: usize,
    /// The episode id.
    pub episode_id: String,
    /// Why.
    pub reason: NotBilledReason,
}

/// The sum of some of an invoice's lines ([`Invoice::sum_of`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LineSum {
    /// The amount in öre.
    pub amount_ore: i64,
    /// The billed days.
    pub billed_days: f64,
    /// The episodes the lines cover.
    pub episodes: u64,
}

/// An auditable invoice (`docs/payments.md`). `lines` cover the billed episodes, `not_billed` lists
/// every other one; [`Invoice::balances`] always holds.
///
/// Serializes (serde) to the documented JSON (`docs/payments.md`): `lines`, `totals`, `not_billed` (reason → count, every
/// reason present), `episodes_in`.
#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    /// The agreement's name.
    pub agreement: String,
    /// The lines, by municipality, care type, period and input order.
    pub lines: Vec<Line>,
    /// The totals per municipality, care type and period, in that order.
    pub totals: Vec<Total>,
    /// Every episode not billed, in input order.
    pub not_billed: Vec<NotBilled>,
    /// Episodes in.
    pub episodes_in: u64,
}

impl Invoice {
    /// The total amount in öre.
    ///
    /// Exact for an invoice from [`invoice`]: it refuses ([`Error::AmountOverflow`]) an invoice
    /// whose total, any of its totals or any line would not fit in 64 bits, so this sum, and
    /// every sum of its lines or totals, is in range. For an invoice whose lines were changed
    /// afterwards, [`Invoice::checked_amount_ore`] says whether the sum fits; this one then
    /// stops at `i64::MAX` / `i64::MIN`.
    pub fn amount_ore(&self) -> i64 {
        let sum = self.exact_amount_ore();
        i64::try_from(sum).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX })
    }

    /// The total amount in öre, or `None` when it does not fit in 64 bits (never for an
    /// invoice from [`invoice`] left as it was).
    pub fn checked_amount_ore(&self) -> Option<i64> {
        i64::try_from(self.exact_amount_ore()).ok()
    }

    /// The sum of the lines in 128 bits (exact for fewer than 2^64 lines).
    fn exact_amount_ore(&self) -> i128 {
        self.lines.iter().map(|l| i128::from(l.amount_ore)).sum()
    }

    /// The sum of the lines that `keep` selects (a county's lines of one care type and
    /// period, say): their amount, billed days and episodes. The amount is exact for an invoice
    /// from [`invoice`] (every sum of its lines fits, see [`amount_ore`](Self::amount_ore));
    /// [`Error::AmountOverflow`] names the first line past the range otherwise.
    ///
    /// ```
    /// use utklar_core::payment::{self, Agreement, Amounts};
    /// use utklar_core::{synth, County};
    ///
    /// let episodes = synth::generate(&synth::SynthOptions::kalmar_year(2024));
    /// let amounts = Amounts::national().with(2023, 1_160_000)?;
    /// let inv = payment::invoice(&episodes, &Agreement::preset("kalmar")?, &amounts)?;
    /// let kalmar = County::new(8)?;
    /// let all = inv.sum_of(|l| l.municipality.county() == kalmar)?;
    /// assert_eq!(all.amount_ore, inv.amount_ore());
    /// assert_eq!(all.episodes, inv.billed_episodes());
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn sum_of(&self, mut keep: impl FnMut(&Line) -> bool) -> Result<LineSum, Error> {
        let mut sum = LineSum::default();
        let mut ore: i128 = 0;
        for l in self.lines.iter().filter(|l| keep(l)) {
            let at = At {
                municipality: l.municipality,
                care: l.care_type,
                period: l.period,
            };
            ore = add_ore(ore, i128::from(l.amount_ore), "sum of lines", at)?;
            sum.amount_ore = exact_ore(ore, "sum of lines", at)?;
            sum.billed_days += l.billed_days;
            sum.episodes += l.episodes;
        }
        Ok(sum)
    }

    /// Total billed days.
    pub fn billed_days(&self) -> f64 {
        self.lines.iter().map(|l| l.billed_days).sum()
    }

    /// Episodes covered by a line.
    pub fn billed_episodes(&self) -> u64 {
        self.lines.iter().map(|l| l.episodes).sum()
    }

    /// The not-billed count per reason, every reason present, in [`NotBilledReason::ALL`]
    /// order.
    pub fn not_billed_counts(&self) -> Vec<(NotBilledReason, u64)> {
        let mut counts: BTreeMap<NotBilledReason, u64> =
            NotBilledReason::ALL.iter().map(|&r| (r, 0)).collect();
        for n in &self.not_billed {
            *counts.entry(n.reason).or_default() += 1;
        }
        NotBilledReason::ALL
            .iter()
            .map(|r| (*r, counts[r]))
            .collect()
    }

    /// The not-billed count of one reason.
    pub fn not_billed_count(&self, reason: NotBilledReason) -> u64 {
        self.not_billed
            .iter()
            .filter(|n| n.reason == reason)
            .count() as u64
    }

    /// Accounts for an input row that could not be read as an episode, with the problems
    /// [`crate::input::EpisodeReader`] found: it counts as an episode in, not billed as bad
    /// data. The reason follows the first problem: a repeated id is
    /// [`NotBilledReason::DuplicateEpisodeId`], negative days [`NotBilledReason::NegativeDays`],
    /// a date before admission or out of range [`NotBilledReason::InvalidDates`], anything else (a required
    /// field missing, an unreadable value, an unknown municipality or care type)
    /// [`NotBilledReason::InvalidRow`]. `row` is the caller's row number and `episode_id` the
    /// row's id when it has one; rows read as episodes keep their own positions.
    ///
    /// ```
    /// use utklar_core::payment::{invoice, Agreement, Amounts, NotBilledReason};
    /// use utklar_core::{Field, Problem, Reason};
    ///
    /// let mut inv = invoice(&[], &Agreement::statutory(), &Amounts::national())?;
    /// let bad = Problem { row: 7, field: Field::Municipality, reason: Reason::UnknownMunicipality };
    /// inv.add_unreadable(7, Some("E7"), &[bad]);
    /// assert_eq!(inv.episodes_in, 1);
    /// assert_eq!(inv.not_billed_count(NotBilledReason::InvalidRow), 1);
    /// assert!(inv.balances());
    /// # Ok::<(), utklar_core::Error>(())
    /// ```
    pub fn add_unreadable(&mut self, row: usize, episode_id: Option<&str>, problems: &[Problem]) {
        let reason = problems.first().map_or(NotBilledReason::InvalidRow, |p| {
            NotBilledReason::of_problem(p.reason)
        });
        self.episodes_in += 1;
        self.not_billed.push(NotBilled {
            index: row,
            episode_id: episode_id.unwrap_or_default().to_string(),
            reason,
        });
    }

    /// `billed episodes + not billed = episodes in`.
    pub fn balances(&self) -> bool {
        self.billed_episodes() + self.not_billed.len() as u64 == self.episodes_in
    }

    /// The total of one municipality, care type and period.
    pub fn total(
        &self,
        municipality: Municipality,
        care: CareType,
        period: Period,
    ) -> Option<&Total> {
        self.totals
            .iter()
            .find(|t| t.municipality == municipality && t.care_type == care && t.period == period)
    }
}

/// Serializes billed days as an integer when whole.
fn days_value(d: f64) -> serde_json_like::Days {
    serde_json_like::Days(d)
}

mod serde_json_like {
    use serde::{Serialize, Serializer};
    pub struct Days(pub f64);
    impl Serialize for Days {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            if self.0.fract() == 0.0 && self.0.abs() < 9e15 {
                s.serialize_i64(self.0 as i64)
            } else {
                s.serialize_f64(self.0)
            }
        }
    }
}

impl Serialize for Line {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Line", 7)?;
        st.serialize_field("episode_id", &self.episode_id)?;
        st.serialize_field("municipality", &self.municipality)?;
        st.serialize_field("care_type", &self.care_type)?;
        st.serialize_field("period", &self.period)?;
        st.serialize_field("billed_days", &days_value(self.billed_days))?;
        st.serialize_field("amount_ore", &self.amount_ore)?;
        st.serialize_field("rule", &self.rule)?;
        st.end()
    }
}

impl Serialize for Total {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Total", 8)?;
        st.serialize_field("municipality", &self.municipality)?;
        st.serialize_field("care_type", &self.care_type)?;
        st.serialize_field("period", &self.period)?;
        st.serialize_field("billed_days", &days_value(self.billed_days))?;
        st.serialize_field("amount_ore", &self.amount_ore)?;
        st.serialize_field("mean_days", &self.mean_days)?;
        st.serialize_field("threshold", &self.threshold)?;
        st.serialize_field("triggered", &self.triggered)?;
        st.end()
    }
}

struct ReasonCounts<'a>(&'a Invoice);

impl Serialize for ReasonCounts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let counts = self.0.not_billed_counts();
        let mut m = s.serialize_map(Some(counts.len()))?;
        for (r, n) in counts {
            m.serialize_entry(r.as_str(), &n)?;
        }
        m.end()
    }
}

impl Serialize for Invoice {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Invoice", 4)?;
        st.serialize_field("lines", &self.lines)?;
        st.serialize_field("totals", &self.totals)?;
        st.serialize_field("not_billed", &ReasonCounts(self))?;
        st.serialize_field("episodes_in", &self.episodes_in)?;
        st.end()
    }
}

// ---------------------------------------------------------------------------------------------
// Classification

/// A small multiplicative hasher (the Fx hash of rustc) for the maps keyed by (municipality,
/// care type, period): a small, bounded key space that input cannot use to degrade the table,
/// where it is several times faster than SipHash.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(buf));
        }
    }
    #[inline]
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }
    #[inline]
    fn write_u16(&mut self, x: u16) {
        self.write_u64(u64::from(x));
    }
    #[inline]
    fn write_u8(&mut self, x: u8) {
        self.write_u64(u64::from(x));
    }
    #[inline]
    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type Fx = BuildHasherDefault<FxHasher>;

/// An episode inside the liability population or failing a precondition, with the day counts
/// its care rule needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prep {
    pub group: usize,
    /// Counted billable care days, the discharge day included when billed.
    pub n: i64,
    /// The noon shift: 1 when the noon rule adds a grace day.
    pub s: i64,
    /// Day number of the start notice's date.
    pub start: i32,
    /// Days past the mixed model's ceiling (0 otherwise or at/under it).
    pub past_ceiling: i64,
    /// In the liability population (preconditions hold).
    pub liable: bool,
    /// In the average (liable, and not past a ceiling).
    pub in_average: bool,
    /// The first day number `k` on or after the rule's `law_from` (1 when the count starts on
    /// or after it): days before it are not billed.
    pub law_k: i64,
}

/// Statistics of one municipality, care type and period.
#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    pub municipality: Option<Municipality>,
    pub care: usize,
    pub ord: i32,
    pub sum_days: i64,
    pub n_incl: i64,
    pub n_excl: i64,
    pub persons_incl: i64,
    pub persons_excl: i64,
    pub population: u64,
    pub episodes: u64,
}

impl Group {
    pub fn count(&self, rule: &CareRule) -> i64 {
        let Some(a) = &rule.average else { return 0 };
        match (a.unit, a.mean) {
            (Unit::Episodes, MeanDefinition::InclDay0) => self.n_incl,
            (Unit::Episodes, MeanDefinition::ExclDay0) => self.n_excl,
            (Unit::Persons, MeanDefinition::InclDay0) => self.persons_incl,
            (Unit::Persons, MeanDefinition::ExclDay0) => self.persons_excl,
        }
    }
}

/// The groups of one municipality and care type, dense by period ordinal.
#[derive(Debug, Clone)]
pub(crate) struct Seq {
    pub care: usize,
    pub first_ord: i32,
    /// Group index per ordinal from `first_ord` (`usize::MAX` for a gap).
    pub groups: Vec<usize>,
}

/// Everything an invoice or a sweep needs, computed once: the groups with their statistics,
/// and each episode's group (4 bytes an episode). An episode's day counts are computed again
/// where they are needed ([`Prepared::outcome`]), not held.
pub(crate) struct Prepared {
    pub groups: Vec<Group>,
    pub seqs: Vec<Seq>,
    pub kinds: [PeriodKind; 2],
    /// Each episode's group; [`NO_GROUP`] for bad data and open episodes.
    group_of: Vec<u32>,
}

/// The group of an episode in none (bad data, or open).
const NO_GROUP: u32 = u32::MAX;

/// What the payment engine reads of an episode (plain values; the ids are read apart).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts {
    pub municipality: Municipality,
    pub care_type: CareType,
    pub ready_at: NoticeTime,
    pub discharged_at: Option<NoticeTime>,
    pub home_ready_at: Option<NoticeTime>,
    pub admission_notice_sent: bool,
    pub sip_required: bool,
    pub sip_called: bool,
    pub region_blocked: bool,
}

impl Facts {
    pub(crate) fn of(e: &Episode) -> Facts {
        Facts {
            municipality: e.municipality,
            care_type: e.care_type,
            ready_at: e.ready_at,
            discharged_at: e.discharged_at,
            home_ready_at: e.home_ready_at,
            admission_notice_sent: e.admission_notice_sent,
            sip_required: e.sip_required,
            sip_called: e.sip_called,
            region_blocked: e.region_blocked,
        }
    }

    /// [`Episode::liability_preconditions_hold`].
    fn liability_preconditions_hold(&self) -> bool {
        self.admission_notice_sent
            && (!self.sip_required || self.sip_called)
            && !self.region_blocked
    }
}

/// Episodes as the payment engine reads them: by position, the facts, the ids and the first
/// bad-data reason (the input layer's checks: [`bad_data`] for episode values).
pub(crate) trait Source {
    /// Episodes.
    fn len(&self) -> usize;
    /// Episode `i`'s facts.
    fn facts(&self, i: usize) -> Facts;
    /// Episode `i`'s id.
    fn episode_id(&self, i: usize) -> &str;
    /// Episode `i`'s patient id.
    fn patient_id(&self, i: usize) -> Option<&str>;
    /// Episode `i`'s first bad-data reason, `None` for a clean episode.
    fn bad(&self, i: usize) -> Option<NotBilledReason>;
}

/// Episode values with their bad-data reasons.
pub(crate) struct Plain<'a> {
    episodes: &'a [Episode],
    bad: Vec<Option<NotBilledReason>>,
}

impl<'a> Plain<'a> {
    pub(crate) fn new(episodes: &'a [Episode]) -> Self {
        Plain {
            episodes,
            bad: bad_data(episodes),
        }
    }
}

impl Source for Plain<'_> {
    fn len(&self) -> usize {
        self.episodes.len()
    }
    fn facts(&self, i: usize) -> Facts {
        Facts::of(&self.episodes[i])
    }
    fn episode_id(&self, i: usize) -> &str {
        &self.episodes[i].episode_id
    }
    fn patient_id(&self, i: usize) -> Option<&str> {
        self.episodes[i].patient_id.as_deref()
    }
    fn bad(&self, i: usize) -> Option<NotBilledReason> {
        self.bad[i]
    }
}

/// Some episodes of a source, clean ones (bad data and open episodes already decided), by
/// their positions in it.
pub(crate) struct Subset<'a, S: ?Sized> {
    pub src: &'a S,
    pub index: &'a [usize],
}

impl<S: Source + ?Sized> Source for Subset<'_, S> {
    fn len(&self) -> usize {
        self.index.len()
    }
    fn facts(&self, i: usize) -> Facts {
        self.src.facts(self.index[i])
    }
    fn episode_id(&self, i: usize) -> &str {
        self.src.episode_id(self.index[i])
    }
    fn patient_id(&self, i: usize) -> Option<&str> {
        self.src.patient_id(self.index[i])
    }
    fn bad(&self, _: usize) -> Option<NotBilledReason> {
        None
    }
}

fn care_index(c: CareType) -> usize {
    match c {
        CareType::Somatic => 0,
        CareType::Psychiatric => 1,
    }
}

pub(crate) const CARES: [CareType; 2] = [CareType::Somatic, CareType::Psychiatric];

/// The k-th (1-based) counted day on or after `start`, as a day number.
fn kth_working_day(start: i32, k: i64) -> i32 {
    let mut day = start;
    let mut seen = 0;
    loop {
        if is_working_day(date_of_day(day)) {
            seen += 1;
            if seen == k {
                return day;
            }
        }
        day += 1;
    }
}

fn counted_days(rule: &CareRule, start: NaiveDate, discharge: NaiveDate) -> (i64, i64) {
    let (sd, xd) = (day_number(start), day_number(discharge));
    if sd > xd {
        return (0, 0);
    }
    match rule.day_count {
        DayCount::Calendar => {
            let d = i64::from(xd - sd);
            (d, d + i64::from(rule.bill_discharge_day))
        }
        DayCount::Working => {
            let d = crate::model::calendar::working_days_between(start, discharge);
            let extra = rule.bill_discharge_day && is_working_day(discharge);
            (d, d + i64::from(extra))
        }
    }
}

/// The first day number `k` (1-based, as [`price_days`] counts) whose date is on or after
/// `from`; past `n` (nothing billable) when `from` is after the last counted day.
fn first_k_from(rule: &CareRule, start: NaiveDate, from: NaiveDate, n: i64) -> i64 {
    if from <= start {
        return 1;
    }
    match rule.day_count {
        DayCount::Calendar => i64::from(day_number(from) - day_number(start)) + 1,
        DayCount::Working => {
            // Day k is the k-th working day on or after the start: k = 1 + the working days
            // in [start, from).
            let (sd, fd) = (day_number(start), day_number(from));
            let mut k = 1;
            let mut day = sd;
            while day < fd && k <= n {
                if is_working_day(date_of_day(day)) {
                    k += 1;
                }
                day += 1;
            }
            if day < fd {
                n + 1
            } else {
                k
            }
        }
    }
}

/// The first problem of each episode under the rules every input row meets (an id present
/// and not repeated, dates in range, discharge and ready not before admission, negative days
/// as bad data), as the not-billed reason it maps to; `None` for a clean episode. The one
/// duplicate detector of the input layer decides repeated ids.
fn bad_data(episodes: &[Episode]) -> Vec<Option<NotBilledReason>> {
    let mut reader = EpisodeReader::new();
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(episodes.len());
    for (base, chunk) in episodes.chunks(256).enumerate() {
        let ids: Vec<Option<IdHash>> = chunk
            .iter()
            .map(|e| (!crate::text::is_blank(&e.episode_id)).then(|| IdHash::of(&e.episode_id)))
            .collect();
        reader.prefetch(ids.iter().flatten().copied());
        for (i, (e, id)) in chunk.iter().zip(&ids).enumerate() {
            let row = base * 256 + i;
            problems.clear();
            episode_problems(row, e, NegativeDays::Exclude, &mut problems);
            if let Some(id) = id {
                reader.check_duplicate(row, *id, &mut problems);
            }
            out.push(
                problems
                    .first()
                    .map(|p| NotBilledReason::of_problem(p.reason)),
            );
        }
    }
    out
}

/// The group key of a closed episode, and its care index.
fn group_key(e: &Facts, kinds: [PeriodKind; 2], discharged: NoticeTime) -> (u16, usize, i32) {
    let care = care_index(e.care_type);
    let ord = Period::of(kinds[care], discharged.date).ordinal();
    (e.municipality.code(), care, ord)
}

/// An episode's day counts under its care rule, once its group is known.
fn prep_of(e: &Facts, agreement: &Agreement, discharged: NoticeTime, group: usize) -> Prep {
    prep_and_days(e, agreement, discharged, group).0
}

/// [`prep_of`] and the days counted for the mean (the discharge day never included).
fn prep_and_days(
    e: &Facts,
    agreement: &Agreement,
    discharged: NoticeTime,
    group: usize,
) -> (Prep, i64) {
    let rule = agreement.rule(e.care_type);
    let notice = match rule.start {
        Start::Ready => e.ready_at,
        // Home-ready is ready and more: never before the ready notice.
        Start::HomeReady => e
            .home_ready_at
            .filter(|h| !h.is_before(e.ready_at))
            .unwrap_or(e.ready_at),
    };
    let (d, n) = counted_days(rule, notice.date, discharged.date);
    let s = i64::from(rule.noon_rule && notice.is_after_noon_or(rule.date_only_after_noon));
    let liable = e.liability_preconditions_hold();
    let past_ceiling = match (rule.model, rule.ceiling_days) {
        (Model::Mixed, Some(c)) => (n - i64::from(c)).max(0),
        _ => 0,
    };
    let in_average = liable && rule.model != Model::Individual && past_ceiling == 0;
    let law_k = first_k_from(rule, notice.date, rule.billable_from(e.care_type), n);
    let prep = Prep {
        group,
        n,
        s,
        start: day_number(notice.date),
        past_ceiling,
        liable,
        in_average,
        law_k,
    };
    (prep, d)
}

impl Prepared {
    /// Episode `i`'s day counts in its group (the same value [`prepare`] counted in the
    /// group's statistics); `None` for bad data and open episodes, which are in none.
    pub(crate) fn outcome<S: Source + ?Sized>(
        &self,
        src: &S,
        agreement: &Agreement,
        i: usize,
    ) -> Option<Prep> {
        self.outcome_facts(src, agreement, i).ok().map(|(p, _)| p)
    }

    /// Episode `i`'s day counts in its group and its facts (read once), or why it is in no
    /// group: its bad data, or open.
    fn outcome_facts<S: Source + ?Sized>(
        &self,
        src: &S,
        agreement: &Agreement,
        i: usize,
    ) -> Result<(Prep, Facts), NotBilledReason> {
        let group = self.group_of[i];
        if group == NO_GROUP {
            return Err(src.bad(i).unwrap_or(NotBilledReason::Open));
        }
        let e = src.facts(i);
        // Every episode with a group is closed.
        let discharged = e.discharged_at.ok_or(NotBilledReason::Open)?;
        Ok((prep_of(&e, agreement, discharged, group as usize), e))
    }

    /// The groups in invoice order (municipality, care type, period).
    fn invoice_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.groups.len()).collect();
        order.sort_unstable_by_key(|&g| {
            let group = &self.groups[g];
            (
                group.municipality.map_or(0, Municipality::code),
                CARES[group.care],
                group.ord,
            )
        });
        order
    }
}

pub(crate) fn prepare<S: Source + ?Sized>(
    src: &S,
    agreement: &Agreement,
) -> Result<Prepared, Error> {
    agreement.validate()?;
    let kinds = [agreement.somatic.period, agreement.psychiatric.period];
    let mut group_index: HashMap<(u16, usize, i32), usize, Fx> = HashMap::default();
    let mut groups: Vec<Group> = Vec::new();
    let any_persons = CARES.iter().any(|&c| {
        agreement
            .rule(c)
            .average
            .as_ref()
            .is_some_and(|a| a.unit == Unit::Persons)
    });
    // (group, the episode, ready days ≥ 1) of each episode in an average, when persons count.
    let mut persons: Vec<(u32, u32, bool)> = Vec::new();
    let mut group_of = vec![NO_GROUP; src.len()];
    for (i, slot) in group_of.iter_mut().enumerate() {
        if src.bad(i).is_some() {
            continue;
        }
        let e = src.facts(i);
        let Some(discharged) = e.discharged_at else {
            continue;
        };
        let key = group_key(&e, kinds, discharged);
        let group = *group_index.entry(key).or_insert_with(|| {
            groups.push(Group {
                municipality: Some(e.municipality),
                care: key.1,
                ord: key.2,
                ..Group::default()
            });
            groups.len() - 1
        });
        *slot = u32::try_from(group).map_err(|_| Error::InvalidArgument {
            name: "episodes".into(),
            message: "more than 4 294 967 294 municipality-periods".into(),
        })?;
        let (p, d) = prep_and_days(&e, agreement, discharged, group);
        let g = &mut groups[group];
        g.episodes += 1;
        if p.in_average {
            g.population += 1;
            g.sum_days += d;
            g.n_incl += 1;
            g.n_excl += i64::from(d >= 1);
            if any_persons {
                persons.push((group as u32, i as u32, d >= 1));
            }
        }
    }
    if any_persons {
        // The person: the patient id, or the episode's own id (its own person) when it has
        // none; one person per group counted once.
        let who = |i: u32| {
            let i = i as usize;
            match src.patient_id(i) {
                Some(p) => (false, p),
                None => (true, src.episode_id(i)),
            }
        };
        persons.sort_unstable_by(|a, b| (a.0, who(a.1)).cmp(&(b.0, who(b.1))));
        let mut i = 0;
        while i < persons.len() {
            let (g, first, _) = persons[i];
            let mut j = i;
            let mut ge1 = false;
            while j < persons.len() && persons[j].0 == g && who(persons[j].1) == who(first) {
                ge1 |= persons[j].2;
                j += 1;
            }
            groups[g as usize].persons_incl += 1;
            groups[g as usize].persons_excl += i64::from(ge1);
            i = j;
        }
    }
    // Dense sequences per municipality and care type.
    let mut by_mc: BTreeMap<(u16, usize), Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        let code = g.municipality.map_or(0, Municipality::code);
        by_mc.entry((code, g.care)).or_default().push(i);
    }
    let seqs = by_mc
        .into_iter()
        .map(|((_, care), idx)| {
            let first = idx.iter().map(|&i| groups[i].ord).min().unwrap_or(0);
            let last = idx.iter().map(|&i| groups[i].ord).max().unwrap_or(0);
            let mut dense = vec![usize::MAX; (last - first + 1) as usize];
            for &i in &idx {
                dense[(groups[i].ord - first) as usize] = i;
            }
            Seq {
                care,
                first_ord: first,
                groups: dense,
            }
        })
        .collect();
    Ok(Prepared {
        groups,
        seqs,
        kinds,
        group_of,
    })
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// The decision for one period: liable or not, and the (days, count) whose mean decided it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Decision {
    pub triggered: bool,
    pub deciding: Option<(i64, i64)>,
}

fn above(sum: i64, count: i64, threshold_milli: i64) -> bool {
    count > 0 && i128::from(sum) * 1000 > i128::from(threshold_milli) * i128::from(count)
}

/// Decides each period of a dense sequence of (days, count).
pub(crate) fn decide(
    stats: &[(i64, i64)],
    first_ord: i32,
    threshold_milli: i64,
    evaluation: Evaluation,
    window: u32,
    out: &mut Vec<Decision>,
) {
    out.clear();
    let n = window.max(1) as usize;
    match evaluation {
        Evaluation::EachPeriod => {
            for &(s, c) in stats {
                out.push(Decision {
                    triggered: above(s, c, threshold_milli),
                    deciding: Some((s, c)),
                });
            }
        }
        Evaluation::RollingMean => {
            let (mut s, mut c) = (0i64, 0i64);
            for i in 0..stats.len() {
                s += stats[i].0;
                c += stats[i].1;
                if i >= n {
                    s -= stats[i - n].0;
                    c -= stats[i - n].1;
                }
                out.push(Decision {
                    triggered: above(s, c, threshold_milli),
                    deciding: Some((s, c)),
                });
            }
        }
        Evaluation::Consecutive => {
            let mut run = 0usize;
            for &(s, c) in stats {
                if above(s, c, threshold_milli) {
                    run += 1;
                } else {
                    run = 0;
                }
                out.push(Decision {
                    triggered: run >= n,
                    deciding: Some((s, c)),
                });
            }
        }
        Evaluation::FollowingUntilImproved | Evaluation::BlockMean => {
            // The block deciding a period: the previous one, or its own.
            let back = i32::from(evaluation == Evaluation::FollowingUntilImproved);
            let w = n as i32;
            let mut block_sums: HashMap<i32, (i64, i64)> = HashMap::new();
            for (i, &(s, c)) in stats.iter().enumerate() {
                let b = (first_ord + i as i32).div_euclid(w);
                let e = block_sums.entry(b).or_default();
                e.0 += s;
                e.1 += c;
            }
            for i in 0..stats.len() {
                let b = (first_ord + i as i32).div_euclid(w);
                match block_sums.get(&(b - back)) {
                    Some(&(s, c)) => out.push(Decision {
                        triggered: above(s, c, threshold_milli),
                        deciding: Some((s, c)),
                    }),
                    None => out.push(Decision {
                        triggered: false,
                        deciding: None,
                    }),
                }
            }
        }
    }
}

/// Decisions per group index (average and mixed models), with `threshold_milli` per care type.
pub(crate) fn decide_groups(
    prep: &Prepared,
    agreement: &Agreement,
    thresholds: [Option<i64>; 2],
    decisions: &mut [Decision],
) {
    let mut stats = Vec::new();
    let mut out = Vec::new();
    for seq in &prep.seqs {
        let rule = agreement.rule(CARES[seq.care]);
        let (Some(a), Some(t)) = (&rule.average, thresholds[seq.care]) else {
            continue;
        };
        stats.clear();
        stats.extend(seq.groups.iter().map(|&g| {
            if g == usize::MAX {
                (0, 0)
            } else {
                (prep.groups[g].sum_days, prep.groups[g].count(rule))
            }
        }));
        decide(&stats, seq.first_ord, t, a.evaluation, a.window, &mut out);
        for (i, &g) in seq.groups.iter().enumerate() {
            if g != usize::MAX {
                decisions[g] = out[i];
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pricing

/// The year of a day number.
fn year_of(day: i32) -> i32 {
    date_of_day(day).year()
}

fn jan1(year: i32) -> i32 {
    day_number(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN))
}

/// Price of one day in hundredths of öre.
fn day_price(rule: &CareRule, amounts: &Amounts, year: i32, k: i64) -> Result<i128, Error> {
    match rule.rate.kind {
        RateKind::National => Ok(i128::from(amounts.get(year)?) * 100),
        RateKind::Fixed => Ok(i128::from(rule.rate.ore.unwrap_or(0)) * 100),
        RateKind::Tiers => {
            let tiers = rule.rate.tiers.as_deref().unwrap_or(&[]);
            let tier = tiers
                .iter()
                .rev()
                .find(|t| i64::from(t.from_day) <= k)
                .or(tiers.first());
            match tier {
                Some(t) => match (t.ore, t.percent_of_national) {
                    (Some(o), _) => Ok(i128::from(o) * 100),
                    (None, Some(p)) => Ok(i128::from(amounts.get(year)?) * i128::from(p)),
                    (None, None) => Ok(0),
                },
                None => Ok(0),
            }
        }
    }
}

/// The first day number after `k` where a tier changes (`i64::MAX` when none).
fn next_tier_start(rule: &CareRule, k: i64) -> i64 {
    if rule.rate.kind != RateKind::Tiers {
        return i64::MAX;
    }
    rule.rate
        .tiers
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .map(|t| i64::from(t.from_day))
        .find(|&f| f > k)
        .unwrap_or(i64::MAX)
}

/// Prices days `first_k ..= last_k` of an episode counted from `start`; returns the amount in
/// öre, rounded once, exact (at most 40 177 days of at most 100 × `MAX_ORE` each: far inside
/// 128 bits, and inside 64 bits too, but the caller checks that with its context).
pub(crate) fn price_days(
    rule: &CareRule,
    amounts: &Amounts,
    start: i32,
    first_k: i64,
    last_k: i64,
) -> Result<i128, Error> {
    if last_k < first_k {
        return Ok(0);
    }
    let mut num: i128 = 0;
    match rule.day_count {
        DayCount::Calendar => {
            let mut k = first_k;
            while k <= last_k {
                let day = start + (k - 1) as i32;
                let year = year_of(day);
                let year_end_k = k + i64::from(jan1(year + 1) - day) - 1;
                let seg_end = last_k.min(year_end_k).min(next_tier_start(rule, k) - 1);
                let len = seg_end - k + 1;
                num += day_price(rule, amounts, year, k)? * i128::from(len);
                k = seg_end + 1;
            }
        }
        DayCount::Working => {
            let mut day = kth_working_day(start, first_k);
            let mut k = first_k;
            while k <= last_k {
                if is_working_day(date_of_day(day)) {
                    num += day_price(rule, amounts, year_of(day), k)?;
                    k += 1;
                }
                day += 1;
            }
        }
    }
    Ok(div_round(num, 100))
}

/// The amount per (fractional) day of a municipality-period under `excess_over_threshold`, in
/// öre: the national amount of the period's year, or the fixed amount.
pub(crate) fn period_rate(
    rule: &CareRule,
    amounts: &Amounts,
    period: Period,
) -> Result<i64, Error> {
    match rule.rate.kind {
        RateKind::Fixed => Ok(rule.rate.ore.unwrap_or(0)),
        _ => amounts.get(period.year()),
    }
}

/// A liable period's `(mean − threshold) × count = days − threshold × count` over its own
/// episodes, as a fraction (numerator ≥ 0, denominator 1000).
pub(crate) fn excess_fraction(own: (i64, i64), threshold_milli: i64) -> (i128, i128) {
    let num = 1000 * i128::from(own.0) - i128::from(threshold_milli) * i128::from(own.1);
    (num.max(0), 1000)
}

// ---------------------------------------------------------------------------------------------
// The invoice

/// Computes the invoice of `episodes` under `agreement`, pricing days with `amounts`.
///
/// Episodes are classified in this order: a repeated `episode_id` (bad data), open, negative
/// days or dates before admission (bad data), a failed precondition of the law (outside the
/// liability population: never billed, never in an average), then the agreement's model.
///
/// ```
/// use utklar_core::{payment::{self, Agreement, Amounts}, CareType, Episode};
///
/// let e = Episode::new("e1", "0880".parse()?, CareType::Somatic, "2024-03-01T12:00:01".parse()?)
///     .discharged("2024-03-10".parse()?);
/// let inv = payment::invoice(&[e], &Agreement::preset("statutory")?, &Amounts::national())?;
/// // Notice after noon: 4 grace days; days 5–9 (5–9 March) are billed at 11 600 kr.
/// assert_eq!(inv.lines[0].billed_days, 5.0);
/// assert_eq!(inv.amount_ore(), 5 * 1_160_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn invoice(
    episodes: &[Episode],
    agreement: &Agreement,
    amounts: &Amounts,
) -> Result<Invoice, Error> {
    invoice_plain(&Plain::new(episodes), agreement, amounts)
}

/// [`invoice`] over episode values whose bad data is decided.
pub(crate) fn invoice_plain(
    src: &Plain<'_>,
    agreement: &Agreement,
    amounts: &Amounts,
) -> Result<Invoice, Error> {
    let mut not_billed = Vec::new();
    let parts = invoice_of(src, agreement, amounts, &mut |index, reason| {
        not_billed.push(NotBilled {
            index,
            episode_id: src.episode_id(index).to_string(),
            reason,
        });
    })?;
    not_billed.sort_by_key(|n| n.index);
    Ok(parts.into_invoice(src, not_billed))
}

/// An invoice line without its episode's id: a billed episode, by its position among the
/// episodes invoiced, or a municipality-period under `excess_over_threshold` (exported as
/// `LedgerLine`, the lines of a [`super::LedgerInvoice`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineOf {
    /// The billed episode's position among the episodes (not counting unreadable rows; see
    /// [`super::LedgerInvoice::line`] for the input row); `None` for a municipality-period
    /// line.
    pub index: Option<usize>,
    /// The municipality that pays.
    pub municipality: Municipality,
    /// The care type.
    pub care_type: CareType,
    /// The period of the discharge date (of the municipality-period).
    pub period: Period,
    /// Billed care days; fractional only on `average_over_threshold` lines.
    pub billed_days: f64,
    /// The amount in öre, rounded once for the line.
    pub amount_ore: i64,
    /// The rule that billed the line.
    pub rule: Rule,
    /// How many input episodes the line covers (1 for an episode line).
    pub episodes: u64,
}

impl LineOf {
    /// The invoice's order: municipality, care type, period, position.
    fn key(&self) -> (u16, CareType, i32, usize) {
        (
            self.municipality.code(),
            self.care_type,
            self.period.ordinal(),
            self.index.unwrap_or(usize::MAX),
        )
    }

    /// The line with its episode's id.
    pub(crate) fn with_id<S: Source + ?Sized>(&self, src: &S) -> Line {
        Line {
            episode_id: self.index.map(|i| src.episode_id(i).to_string()),
            municipality: self.municipality,
            care_type: self.care_type,
            period: self.period,
            billed_days: self.billed_days,
            amount_ore: self.amount_ore,
            rule: self.rule,
            episodes: self.episodes,
            index: self.index,
        }
    }
}

/// An invoice but its not-billed episodes (given one by one to the caller) and its lines'
/// ids: the lines in invoice order, the totals.
pub(crate) struct Parts {
    pub agreement: String,
    pub lines: Vec<LineOf>,
    pub totals: Vec<Total>,
    pub episodes_in: u64,
}

impl Parts {
    /// Total billed days (the sum of the lines, as [`Invoice::billed_days`]).
    pub(crate) fn billed_days(&self) -> f64 {
        self.lines.iter().map(|l| l.billed_days).sum()
    }

    /// The total amount (exact: [`invoice_of`] checked it).
    pub(crate) fn amount_ore(&self) -> i64 {
        let sum: i128 = self.lines.iter().map(|l| i128::from(l.amount_ore)).sum();
        i64::try_from(sum).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX })
    }

    pub(crate) fn into_invoice<S: Source + ?Sized>(
        self,
        src: &S,
        not_billed: Vec<NotBilled>,
    ) -> Invoice {
        Invoice {
            agreement: self.agreement,
            lines: self.lines.iter().map(|l| l.with_id(src)).collect(),
            totals: self.totals,
            not_billed,
            episodes_in: self.episodes_in,
        }
    }
}

/// An invoice's lines as they are made, each with its group.
#[derive(Default)]
struct GroupedLines {
    lines: Vec<LineOf>,
    groups: Vec<u32>,
}

impl GroupedLines {
    fn push(&mut self, line: LineOf, group: usize) {
        self.lines.push(line);
        // `prepare` numbered the groups in a u32.
        self.groups.push(group as u32);
    }

    /// The lines in invoice order ([`LineOf::key`]: municipality, care type, period,
    /// position) and each group's sum of billed days and amounts. A group's lines were made
    /// in that order already (its episodes' in position order, then its municipality-period
    /// line, which has none): placing each group's lines after the groups before it in
    /// invoice order is a stable sort by the key, in time linear in the lines. The sums are
    /// added in the same order.
    fn in_invoice_order(self, order: &[usize]) -> (Vec<LineOf>, Vec<(f64, i128)>) {
        let mut rank = vec![0; order.len()];
        for (r, &g) in order.iter().enumerate() {
            rank[g] = r;
        }
        let mut sums: Vec<(f64, i128)> = vec![(0.0, 0); order.len()];
        let mut starts = vec![0usize; order.len() + 1];
        for (l, &g) in self.lines.iter().zip(&self.groups) {
            let g = g as usize;
            starts[rank[g] + 1] += 1;
            sums[g].0 += l.billed_days;
            sums[g].1 += i128::from(l.amount_ore);
        }
        for r in 1..starts.len() {
            starts[r] += starts[r - 1];
        }
        // Each line's place, then the lines moved there in place, cycle by cycle (each swap
        // puts one line in its place): 8 bytes a line beside the lines.
        let mut place: Vec<usize> = self
            .groups
            .iter()
            .map(|&g| {
                let next = &mut starts[rank[g as usize]];
                *next += 1;
                *next - 1
            })
            .collect();
        let mut lines = self.lines;
        for i in 0..lines.len() {
            while place[i] != i {
                let j = place[i];
                lines.swap(i, j);
                place.swap(i, j);
            }
        }
        (lines, sums)
    }
}

/// The invoice's total: exact, or an error naming the group where it left the range.
fn check_total(lines: &[LineOf]) -> Result<(), Error> {
    let mut running: i128 = 0;
    for l in lines {
        let at = At {
            municipality: l.municipality,
            care: l.care_type,
            period: l.period,
        };
        running = add_ore(running, i128::from(l.amount_ore), "invoice total", at)?;
        exact_ore(running, "invoice total", at)?;
    }
    Ok(())
}

/// [`invoice`] over any source: each episode not billed is given to `not_billed` (position
/// and reason; in position order without the agreement's changes, in no set order with
/// them), the rest is returned.
pub(crate) fn invoice_of<S: Source + ?Sized>(
    src: &S,
    agreement: &Agreement,
    amounts: &Amounts,
    not_billed: &mut dyn FnMut(usize, NotBilledReason),
) -> Result<Parts, Error> {
    if agreement.changes.is_empty() {
        return invoice_one(src, agreement, amounts, not_billed);
    }
    agreement.validate()?;
    // Bad data and open episodes are decided over all episodes (a repeated id may fall in
    // another period of validity); the rest go to the rules in force on their discharge date.
    let versions = agreement.changes.len() + 1;
    let mut subsets: Vec<Vec<usize>> = vec![Vec::new(); versions];
    for i in 0..src.len() {
        let reason = match (src.bad(i), src.facts(i).discharged_at) {
            (Some(r), _) => r,
            (None, None) => NotBilledReason::Open,
            (None, Some(d)) => {
                subsets[agreement.version_on(d.date)].push(i);
                continue;
            }
        };
        not_billed(i, reason);
    }
    let mut lines = Vec::new();
    let mut totals = Vec::new();
    for (v, subset) in subsets.iter().enumerate() {
        if subset.is_empty() {
            continue;
        }
        let part = Subset { src, index: subset };
        let inv = invoice_one(&part, &agreement.version(v), amounts, &mut |i, reason| {
            not_billed(subset[i], reason);
        })?;
        lines.extend(inv.lines.into_iter().map(|mut l| {
            l.index = l.index.map(|i| subset[i]);
            l
        }));
        totals.extend(inv.totals);
    }
    lines.sort_by_key(LineOf::key);
    totals.sort_by_key(|t| (t.municipality.code(), t.care_type, t.period.ordinal()));
    check_total(&lines)?;
    Ok(Parts {
        agreement: agreement.name.clone(),
        lines,
        totals,
        episodes_in: src.len() as u64,
    })
}

/// [`invoice`] under one set of rules (the agreement's changes are not looked at).
fn invoice_one<S: Source + ?Sized>(
    src: &S,
    agreement: &Agreement,
    amounts: &Amounts,
    push_not: &mut dyn FnMut(usize, NotBilledReason),
) -> Result<Parts, Error> {
    let prep = prepare(src, agreement)?;
    let thresholds = [
        agreement.somatic.threshold_milli(),
        agreement.psychiatric.threshold_milli(),
    ];
    let mut decisions = vec![Decision::default(); prep.groups.len()];
    decide_groups(&prep, agreement, thresholds, &mut decisions);

    let mut lines = GroupedLines::default();
    let mut over_threshold_covered = vec![0u64; prep.groups.len()];
    // Under excess_over_threshold: a liable period's own excess (days − threshold × count).
    let excess: Vec<Option<(i128, i128)>> = prep
        .groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let rule = agreement.rule(CARES[g.care]);
            let avg = rule.average.as_ref()?;
            if !decisions[gi].triggered || avg.basis != Basis::ExcessOverThreshold {
                return None;
            }
            let (num, den) = excess_fraction((g.sum_days, g.count(rule)), thresholds[g.care]?);
            (num > 0).then_some((num, den))
        })
        .collect();
    for index in 0..src.len() {
        let (p, e) = match prep.outcome_facts(src, agreement, index) {
            Err(reason) => {
                push_not(index, reason);
                continue;
            }
            Ok(pe) => pe,
        };
        if !p.liable {
            let reason = if !e.admission_notice_sent {
                NotBilledReason::MissingAdmissionNotice
            } else if e.sip_required && !e.sip_called {
                NotBilledReason::SipNotCalled
            } else {
                NotBilledReason::RegionBlocked
            };
            push_not(index, reason);
            continue;
        }
        let care = care_index(e.care_type);
        let rule = agreement.rule(e.care_type);
        let group = &prep.groups[p.group];
        let period = Period::from_ordinal(prep.kinds[care], group.ord);
        let at = At {
            municipality: e.municipality,
            care: e.care_type,
            period,
        };
        let line = |days: i64, amount: i64, rule: Rule| LineOf {
            municipality: e.municipality,
            care_type: e.care_type,
            period,
            billed_days: days as f64,
            amount_ore: amount,
            rule,
            episodes: 1,
            index: Some(index),
        };
        // Days past the grace days, none before the rule's law_from: Ok(Err(reason)) when none.
        let per_episode = |rule_used: Rule| -> Result<Result<LineOf, NotBilledReason>, Error> {
            let g = i64::from(rule.grace_days.unwrap_or(0)) + p.s;
            if p.n - g <= 0 {
                return Ok(Err(NotBilledReason::WithinGrace));
            }
            let first = (g + 1).max(p.law_k);
            let days = (p.n - first + 1).max(0);
            if days == 0 {
                return Ok(Err(NotBilledReason::BeforeLaw));
            }
            let amount = exact_ore(price_days(rule, amounts, p.start, first, p.n)?, "line", at)?;
            Ok(Ok(line(days, amount, rule_used)))
        };
        match rule.model {
            Model::Individual => match per_episode(Rule::Individual)? {
                Ok(l) => lines.push(l, p.group),
                Err(reason) => push_not(index, reason),
            },
            Model::Average | Model::Mixed => {
                if !p.in_average {
                    // Past the mixed model's ceiling: its days past the ceiling, none before
                    // the rule's law_from.
                    let c = i64::from(rule.ceiling_days.unwrap_or(0));
                    let first = (c + 1).max(p.law_k);
                    let days = (p.n - first + 1).max(0);
                    if days == 0 {
                        push_not(index, NotBilledReason::BeforeLaw);
                        continue;
                    }
                    let amount =
                        exact_ore(price_days(rule, amounts, p.start, first, p.n)?, "line", at)?;
                    lines.push(line(days, amount, Rule::IndividualCeiling), p.group);
                    continue;
                }
                if !decisions[p.group].triggered {
                    push_not(index, NotBilledReason::AverageNotExceeded);
                    continue;
                }
                let basis = rule.average.as_ref().map(|a| a.basis);
                if basis == Some(Basis::ExcessOverThreshold) {
                    if period.last_day() < rule.billable_from(e.care_type) {
                        // The whole period lies before the rule applied.
                        push_not(index, NotBilledReason::BeforeLaw);
                    } else if excess[p.group].is_some() {
                        over_threshold_covered[p.group] += 1;
                    } else {
                        // Liable, but the period's own mean did not exceed the threshold.
                        push_not(index, NotBilledReason::AverageNotExceeded);
                    }
                    continue;
                }
                match per_episode(Rule::AveragePerEpisode)? {
                    Ok(l) => lines.push(l, p.group),
                    Err(reason) => push_not(index, reason),
                }
            }
        }
    }
    // Municipality-period lines under excess_over_threshold.
    for (gi, g) in prep.groups.iter().enumerate() {
        let Some((num, den)) = excess[gi] else {
            continue;
        };
        let care = CARES[g.care];
        let rule = agreement.rule(care);
        let period = Period::from_ordinal(prep.kinds[g.care], g.ord);
        if period.last_day() < rule.billable_from(care) {
            continue;
        }
        let rate = period_rate(rule, amounts, period)?;
        let municipality = g
            .municipality
            .unwrap_or_else(|| Municipality::all().next().expect("municipalities"));
        let at = At {
            municipality,
            care,
            period,
        };
        // num ≤ 1000 × a sum of days (an i64) and rate ≤ MAX_ORE: the product fits in 128 bits.
        let amount = exact_ore(div_round(num * i128::from(rate), den), "line", at)?;
        lines.push(
            LineOf {
                municipality,
                care_type: care,
                period,
                billed_days: num as f64 / den as f64,
                amount_ore: amount,
                rule: Rule::AverageOverThreshold,
                episodes: over_threshold_covered[gi],
                index: None,
            },
            gi,
        );
    }
    let order = prep.invoice_order();
    let (lines, sums) = lines.in_invoice_order(&order);
    check_total(&lines)?;
    // Totals.
    let mut totals: Vec<Total> = Vec::with_capacity(prep.groups.len());
    for &i in &order {
        let g = &prep.groups[i];
        let Some(m) = g.municipality else { continue };
        {
            let care = CARES[g.care];
            let rule = agreement.rule(care);
            let count = g.count(rule);
            let own_mean = (count > 0).then(|| g.sum_days as f64 / count as f64);
            let (mean_days, threshold, triggered) = match &rule.average {
                None => (None, None, None),
                Some(a) => {
                    let d = decisions[i];
                    let mean = match d.deciding {
                        Some((s, c)) if c > 0 => Some(s as f64 / c as f64),
                        Some(_) => None,
                        None => own_mean,
                    };
                    (mean, Some(a.threshold_days), Some(d.triggered))
                }
            };
            let period = Period::from_ordinal(prep.kinds[g.care], g.ord);
            let at = At {
                municipality: m,
                care,
                period,
            };
            totals.push(Total {
                municipality: m,
                care_type: care,
                period,
                billed_days: sums[i].0,
                amount_ore: exact_ore(sums[i].1, "total", at)?,
                mean_days,
                threshold,
                triggered,
                period_mean_days: if rule.average.is_some() {
                    own_mean
                } else {
                    None
                },
                episodes: g.episodes,
            });
        }
    }
    // Built in invoice order.
    Ok(Parts {
        agreement: agreement.name.clone(),
        lines,
        totals,
        episodes_in: src.len() as u64,
    })
}

impl EpisodeSet {
    /// The invoice of a data set: [`invoice`] over its episodes, with every position the
    /// input row, and every unreadable row not billed as bad data under its first problem
    /// ([`Invoice::add_unreadable`]); not-billed rows in input order.
    pub fn invoice(&self, agreement: &Agreement, amounts: &Amounts) -> Result<Invoice, Error> {
        self.check_personal_ids()?;
        let mut inv = invoice(self.episodes(), agreement, amounts)?;
        self.account(&mut inv);
        Ok(inv)
    }

    /// Maps an invoice over this set's episodes to input rows and adds the unreadable rows.
    pub(crate) fn account(&self, inv: &mut Invoice) {
        for line in &mut inv.lines {
            line.index = line.index.map(|i| self.row_of(i));
        }
        for n in &mut inv.not_billed {
            n.index = self.row_of(n.index);
        }
        for u in self.unreadable() {
            inv.add_unreadable(u.row, u.episode_id.as_deref(), &u.problems);
        }
        inv.not_billed.sort_by_key(|n| n.index);
    }
}
