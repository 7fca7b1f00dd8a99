//! Validation of input rows (`docs/bad-input.md`): nothing is dropped silently.
//!
//! Every input row ends up **counted**, **excluded with a named reason**, or **rejected** with an
//! error that names the row and the field. [`EpisodeReader`] turns text rows (a CSV line, a
//! string column) into [`Episode`]s and reports every [`Problem`] with its row, [`Field`] and
//! [`Reason`]; the measure engine adds the checks that need the negative-days policy.
//!
//! ```
//! use utklar_core::validate::{EpisodeReader, Field, RawEpisode, Reason};
//!
//! let mut reader = EpisodeReader::new();
//! let mut raw = RawEpisode::default();
//! raw.set(Field::EpisodeId, "e1");
//! raw.set(Field::Municipality, "0880");
//! raw.set(Field::CareType, "somatic");
//! raw.set(Field::ReadyAt, "2025-03-03 10:15");
//! raw.set(Field::DischargedAt, "2025-03-05");
//! let e = reader.read(0, &raw).expect("a valid row");
//! assert_eq!(e.ready_days(), Some(2));
//!
//! raw.set(Field::Municipality, "0999");
//! raw.set(Field::EpisodeId, "e2");
//! let problems = reader.read(1, &raw).unwrap_err();
//! assert_eq!(problems[0].row, 1);
//! assert_eq!(problems[0].field, Field::Municipality);
//! assert_eq!(problems[0].reason, Reason::UnknownMunicipality);
//! ```

use crate::text::{is_blank, trim};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::episode::{CareType, Episode};
use idset::IdSet;

pub use crate::problem::{Field, Problem, Reason};

pub(crate) mod idset;
use crate::model::municipality::Municipality;
use crate::model::time::{self, NoticeTime, TimeError};

/// Strict or lenient handling of bad rows (`docs/bad-input.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Fail with every offending row listed ([`crate::Error::Invalid`]).
    Strict,
    /// Exclude bad rows and report them in an [`ExclusionReport`].
    #[default]
    Lenient,
}

/// Discharge before the ready date (*minusdagar*): what to do (`docs/counting.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NegativeDays {
    /// Exclude the episode and count it in the exclusion report (the default).
    #[default]
    Exclude,
    /// Treat it as discharged on the ready date (ready days = 0).
    Day0,
    /// Fail the call and list the rows.
    Error,
}

impl FromStr for NegativeDays {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "exclude" => Ok(NegativeDays::Exclude),
            "day0" => Ok(NegativeDays::Day0),
            "error" => Ok(NegativeDays::Error),
            _ => Err(crate::Error::InvalidArgument {
                name: "negative_days".into(),
                message: format!("{s:?} is not a policy: use exclude, day0 or error"),
            }),
        }
    }
}

/// What happened to the rows of one call: every row is counted, or excluded with a reason.
///
/// `rows_in == counted + open + outside_age + excluded()` always.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExclusionReport {
    /// Rows given.
    pub rows_in: u64,
    /// Rows in the measures.
    pub counted: u64,
    /// Open episodes (no discharge yet): valid, in no period's measures (see the census).
    pub open: u64,
    /// Rows outside the `min_age` restriction (younger, or age unknown).
    pub outside_age: u64,
    /// Excluded rows by their first reason (index: [`Reason::ALL`] order).
    by_reason: [u64; 11],
    /// Every problem found, with row and field (a row may have several).
    pub problems: Vec<Problem>,
}

impl ExclusionReport {
    /// Rows excluded as bad data.
    pub fn excluded(&self) -> u64 {
        self.by_reason.iter().sum()
    }

    /// Excluded rows with this (first) reason.
    pub fn count(&self, reason: Reason) -> u64 {
        self.by_reason[reason.index()]
    }

    /// `(reason, rows)` for each reason with at least one excluded row.
    pub fn reasons(&self) -> impl Iterator<Item = (Reason, u64)> + '_ {
        Reason::ALL
            .into_iter()
            .map(|r| (r, self.by_reason[r.index()]))
            .filter(|(_, n)| *n > 0)
    }

    /// Records an excluded row with its problems (the first names the reason it is counted under).
    pub fn exclude(&mut self, problems: impl IntoIterator<Item = Problem>) {
        let mut first = true;
        for p in problems {
            if first {
                self.by_reason[p.reason.index()] += 1;
                first = false;
            }
            self.problems.push(p);
        }
    }

    /// Adds another report (rows of chunks processed separately).
    pub fn merge(&mut self, other: &ExclusionReport) {
        self.rows_in += other.rows_in;
        self.counted += other.counted;
        self.open += other.open;
        self.outside_age += other.outside_age;
        for (a, b) in self.by_reason.iter_mut().zip(other.by_reason) {
            *a += b;
        }
        self.problems.extend(other.problems.iter().cloned());
    }

    /// Whether every row is accounted for: `rows_in == counted + open + outside_age + excluded`.
    pub fn balances(&self) -> bool {
        self.rows_in == self.counted + self.open + self.outside_age + self.excluded()
    }
}

/// Reads a boolean as `docs/episodes.md` writes it: `true`/`false`/`1`/`0` in any case (also `yes`/`no`,
/// `ja`/`nej`). `Ok(None)` for an empty cell.
pub fn parse_bool(s: &str) -> Result<Option<bool>, Reason> {
    let t = trim(s);
    if t.is_empty() {
        return Ok(None);
    }
    let is = |words: &[&str]| words.iter().any(|w| t.eq_ignore_ascii_case(w));
    if is(&["true", "1", "yes", "ja", "t", "y", "j"]) {
        Ok(Some(true))
    } else if is(&["false", "0", "no", "nej", "f", "n"]) {
        Ok(Some(false))
    } else {
        Err(Reason::UnparseableBoolean)
    }
}

/// Reads an age: a whole number 0–150 (`"81"`, also `"81.0"` from spreadsheets).
/// `Ok(None)` for an empty cell.
pub fn parse_age(s: &str) -> Result<Option<u16>, Reason> {
    let t = trim(s);
    if t.is_empty() {
        return Ok(None);
    }
    let t = t.strip_suffix(".0").unwrap_or(t);
    match t.parse::<u16>() {
        Ok(a) if a <= 150 => Ok(Some(a)),
        _ => Err(Reason::UnparseableInteger),
    }
}

fn time_reason(e: &TimeError) -> Reason {
    match e {
        TimeError::OutOfRange => Reason::DateOutOfRange,
        _ => Reason::UnparseableDate,
    }
}

/// The text of one input row, by field; `None` or empty for an absent value.
#[derive(Debug, Clone, Default)]
pub struct RawEpisode<'a> {
    values: [Option<&'a str>; 14],
}

impl<'a> RawEpisode<'a> {
    /// Sets a field's text.
    pub fn set(&mut self, field: Field, value: &'a str) {
        self.values[field as usize] = Some(value);
    }

    /// Clears every field.
    pub fn clear(&mut self) {
        self.values = [None; 14];
    }

    /// A field's text, `None` when absent or blank.
    pub fn get(&self, field: Field) -> Option<&'a str> {
        self.values[field as usize].filter(|s| !is_blank(s))
    }
}

/// Turns text rows into validated [`Episode`]s, remembering ids to catch duplicates.
///
/// Checks, per row: the required fields, dates and their range, municipality code, care type,
/// booleans, age, discharge before admission, ready before admission, and duplicate ids. (The
/// negative-days check depends on the policy of the call and is done by the engine.)
///
/// Duplicate ids are remembered as 64-bit SipHash values in an open-addressing table at most
/// three quarters full (8 bytes a slot: 11–21 bytes a row, 32 for a moment while the table
/// doubles), so reading tens of millions of rows stays within a few hundred megabytes. Two different ids share a hash with probability about n²/2⁶⁵ (10⁻⁵ for 20 million
/// rows).
#[derive(Debug, Default)]
pub struct EpisodeReader {
    seen: IdSet,
}

impl EpisodeReader {
    /// A reader that has seen no ids.
    pub fn new() -> Self {
        EpisodeReader::default()
    }

    fn seen_before(&mut self, id: &str) -> bool {
        !self.seen.insert(IdHash::of(id).0)
    }

    /// Reads row `row`: the episode, or every problem found in it.
    pub fn read(&mut self, row: usize, raw: &RawEpisode<'_>) -> Result<Episode, Vec<Problem>> {
        let mut problems = Vec::new();
        let (episode_id, facts) = parse_row(row, raw, &mut problems);
        if let Some(id) = episode_id {
            if self.seen_before(id) {
                problems.push(Problem {
                    row,
                    field: Field::EpisodeId,
                    reason: Reason::DuplicateEpisodeId,
                });
            }
        }
        match (episode_id, facts) {
            (Some(id), Some(f)) if problems.is_empty() => Ok(Episode {
                episode_id: id.to_string(),
                patient_id: raw.get(Field::PatientId).map(|s| s.trim().to_string()),
                municipality: f.municipality,
                care_type: f.care_type,
                admitted_at: f.admitted_at,
                ready_at: f.ready_at,
                discharged_at: f.discharged_at,
                home_ready_at: f.home_ready_at,
                planned_discharge_date: f.planned_discharge_date,
                age: f.age,
                admission_notice_sent: f.admission_notice_sent,
                sip_required: f.sip_required,
                sip_called: f.sip_called,
                region_blocked: f.region_blocked,
            }),
            _ => Err(problems),
        }
    }

    /// Reads row `row` as [`read`](Self::read) does, in two halves that may run on different
    /// threads, without allocating: this half checks everything but repeated ids, pushes the
    /// problems it finds onto `problems`, and returns the id's [`IdHash`] (when the id is
    /// present) and the row's [`EpisodeFacts`] (when it found no problem). The other half,
    /// [`check_duplicate`](Self::check_duplicate), is called with the hash, in row order.
    ///
    /// The row is an episode exactly when this finds no problem and `check_duplicate` finds
    /// none either; the problems, in order, are those `read` returns.
    ///
    /// ```
    /// use utklar_core::validate::{EpisodeReader, Field, RawEpisode, Reason};
    ///
    /// let mut raw = RawEpisode::default();
    /// raw.set(Field::EpisodeId, "e1");
    /// raw.set(Field::Municipality, "0880");
    /// raw.set(Field::CareType, "somatic");
    /// raw.set(Field::ReadyAt, "2025-03-03");
    /// let mut problems = Vec::new();
    /// let (id, facts) = EpisodeReader::read_facts(0, &raw, &mut problems);
    /// assert!(problems.is_empty());
    /// assert_eq!(facts.unwrap().ready_at.day(), "2025-03-03".parse::<utklar_core::NoticeTime>()?.day());
    ///
    /// let mut reader = EpisodeReader::new();
    /// assert!(!reader.check_duplicate(0, id.unwrap(), &mut problems));
    /// assert!(reader.check_duplicate(1, id.unwrap(), &mut problems));
    /// assert_eq!(problems[0].reason, Reason::DuplicateEpisodeId);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read_facts(
        row: usize,
        raw: &RawEpisode<'_>,
        problems: &mut Vec<Problem>,
    ) -> (Option<IdHash>, Option<EpisodeFacts>) {
        let start = problems.len();
        let (id, facts) = parse_row(row, raw, problems);
        let facts = facts.filter(|_| problems.len() == start);
        (id.map(IdHash::of), facts)
    }

    /// The duplicate check of [`read`](Self::read) for row `row`, by its id's hash (from
    /// [`read_facts`](Self::read_facts)): remembers the id and, when an earlier row had it,
    /// pushes the `duplicate_episode_id` problem and returns `true`. Call it for every row
    /// with an id, in row order, whatever its other problems (as `read` does).
    pub fn check_duplicate(&mut self, row: usize, id: IdHash, problems: &mut Vec<Problem>) -> bool {
        let repeated = !self.seen.insert(id.0);
        if repeated {
            problems.push(Problem {
                row,
                field: Field::EpisodeId,
                reason: Reason::DuplicateEpisodeId,
            });
        }
        repeated
    }

    /// Reads, all at once, the memory that [`check_duplicate`](Self::check_duplicate) will
    /// look at for these ids, so that the calls that follow do not each wait for it (with tens
    /// of millions of ids the set is far larger than the cache). Changes nothing else; call it
    /// for a batch of rows just before checking them.
    pub fn prefetch(&self, ids: impl IntoIterator<Item = IdHash>) {
        let mut any = 0u64;
        for id in ids {
            any ^= self.seen.touch(id.0);
        }
        std::hint::black_box(any);
    }
}

/// The 64-bit hash an [`EpisodeReader`] remembers an episode id by (SipHash of the trimmed id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdHash(u64);

impl IdHash {
    /// The hash of an id (as [`EpisodeReader::read`] sees it: already trimmed).
    pub fn of(id: &str) -> Self {
        let mut h = DefaultHasher::new();
        id.hash(&mut h);
        IdHash(h.finish())
    }
}

/// Everything an [`Episode`] holds but its ids, read and checked by
/// [`EpisodeReader::read_facts`]; plain values, no allocation. What the measures need
/// ([`crate::MeasureSet::push_facts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpisodeFacts {
    /// See [`Episode::municipality`].
    pub municipality: Municipality,
    /// See [`Episode::care_type`].
    pub care_type: CareType,
    /// See [`Episode::admitted_at`].
    pub admitted_at: Option<NoticeTime>,
    /// See [`Episode::ready_at`].
    pub ready_at: NoticeTime,
    /// See [`Episode::discharged_at`].
    pub discharged_at: Option<NoticeTime>,
    /// See [`Episode::home_ready_at`].
    pub home_ready_at: Option<NoticeTime>,
    /// See [`Episode::planned_discharge_date`].
    pub planned_discharge_date: Option<NaiveDate>,
    /// See [`Episode::age`].
    pub age: Option<u16>,
    /// See [`Episode::admission_notice_sent`].
    pub admission_notice_sent: bool,
    /// See [`Episode::sip_required`].
    pub sip_required: bool,
    /// See [`Episode::sip_called`].
    pub sip_called: bool,
    /// See [`Episode::region_blocked`].
    pub region_blocked: bool,
}

/// Every check of [`EpisodeReader::read`] but the duplicate id: pushes the problems found and
/// returns the trimmed id (when present) and the facts (when the required fields read).
fn parse_row<'a>(
    row: usize,
    raw: &RawEpisode<'a>,
    problems: &mut Vec<Problem>,
) -> (Option<&'a str>, Option<EpisodeFacts>) {
    let mut bad = |field: Field, reason: Reason| problems.push(Problem { row, field, reason });

    let episode_id = raw.get(Field::EpisodeId).map(trim);
    if episode_id.is_none() {
        bad(Field::EpisodeId, Reason::MissingField);
    }
    let municipality = match raw.get(Field::Municipality) {
        None => {
            bad(Field::Municipality, Reason::MissingField);
            None
        }
        Some(s) => match s.parse::<Municipality>() {
            Ok(m) => Some(m),
            Err(_) => {
                bad(Field::Municipality, Reason::UnknownMunicipality);
                None
            }
        },
    };
    let care_type = match raw.get(Field::CareType) {
        None => {
            bad(Field::CareType, Reason::MissingField);
            None
        }
        Some(s) => match s.parse::<CareType>() {
            Ok(c) => Some(c),
            Err(_) => {
                bad(Field::CareType, Reason::UnknownCareType);
                None
            }
        },
    };
    let mut notice = |field: Field, required: bool| -> Option<NoticeTime> {
        match raw.get(field) {
            None => {
                if required {
                    bad(field, Reason::MissingField);
                }
                None
            }
            Some(s) => match time::parse_notice(s) {
                Ok(t) => Some(t),
                Err(e) => {
                    bad(field, time_reason(&e));
                    None
                }
            },
        }
    };
    let ready_at = notice(Field::ReadyAt, true);
    let admitted_at = notice(Field::AdmittedAt, false);
    let discharged_at = notice(Field::DischargedAt, false);
    let home_ready_at = notice(Field::HomeReadyAt, false);
    let planned_discharge_date = match raw.get(Field::PlannedDischargeDate) {
        None => None,
        Some(s) => match time::parse_date(s) {
            Ok(d) => Some(d),
            Err(e) => {
                bad(Field::PlannedDischargeDate, time_reason(&e));
                None
            }
        },
    };
    let age = raw.get(Field::Age).and_then(|s| match parse_age(s) {
        Ok(a) => a,
        Err(r) => {
            bad(Field::Age, r);
            None
        }
    });
    let mut flag = |field: Field, default: bool| -> bool {
        match raw.get(field).map(parse_bool) {
            None | Some(Ok(None)) => default,
            Some(Ok(Some(b))) => b,
            Some(Err(r)) => {
                bad(field, r);
                default
            }
        }
    };
    let admission_notice_sent = flag(Field::AdmissionNoticeSent, true);
    let sip_required = flag(Field::SipRequired, false);
    let sip_called = flag(Field::SipCalled, false);
    let region_blocked = flag(Field::RegionBlocked, false);

    if let Some(adm) = admitted_at {
        if let Some(dis) = discharged_at {
            if dis.is_before(adm) {
                bad(Field::DischargedAt, Reason::DischargeBeforeAdmission);
            }
        }
        if let Some(r) = ready_at {
            if r.is_before(adm) {
                bad(Field::ReadyAt, Reason::ReadyBeforeAdmission);
            }
        }
    }
    let facts = match (municipality, care_type, ready_at) {
        (Some(municipality), Some(care_type), Some(ready_at)) => Some(EpisodeFacts {
            municipality,
            care_type,
            admitted_at,
            ready_at,
            discharged_at,
            home_ready_at,
            planned_discharge_date,
            age,
            admission_notice_sent,
            sip_required,
            sip_called,
            region_blocked,
        }),
        _ => None,
    };
    (episode_id, facts)
}

/// Checks episode values built in code: dates in range, discharge and ready not before
/// admission, ids unique, and negative days under `policy` (reported unless `Day0`). Returns
/// every problem found; an empty list means the episodes are clean.
pub fn check_episodes(episodes: &[Episode], policy: NegativeDays) -> Vec<Problem> {
    let mut reader = EpisodeReader::new();
    let mut problems = Vec::new();
    for (row, e) in episodes.iter().enumerate() {
        let before = problems.len();
        crate::measure::engine::row_problems(row, e, policy, &mut problems);
        let id_flagged = problems[before..]
            .iter()
            .any(|p| p.field == Field::EpisodeId);
        if !id_flagged && reader.seen_before(&e.episode_id) {
            problems.push(Problem {
                row,
                field: Field::EpisodeId,
                reason: Reason::DuplicateEpisodeId,
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> RawEpisode<'static> {
        let mut r = RawEpisode::default();
        r.set(Field::EpisodeId, "e1");
        r.set(Field::PatientId, "p1");
        r.set(Field::Municipality, "0880");
        r.set(Field::CareType, "somatic");
        r.set(Field::AdmittedAt, "2025-02-25T08:00");
        r.set(Field::ReadyAt, "2025-03-03T10:15");
        r.set(Field::DischargedAt, "2025-03-05T14:00");
        r
    }

    fn one_problem(raw: &RawEpisode<'_>) -> Problem {
        let mut reader = EpisodeReader::new();
        let p = reader.read(7, raw).unwrap_err();
        assert_eq!(p.len(), 1, "{p:?}");
        p[0].clone()
    }

    fn check(field: Field, value: &'static str, expect_field: Field, reason: Reason) {
        let mut raw = good();
        raw.set(field, value);
        let p = one_problem(&raw);
        assert_eq!(
            p,
            Problem {
                row: 7,
                field: expect_field,
                reason
            }
        );
    }

    #[test]
    fn a_good_row_reads() {
        let e = EpisodeReader::new().read(0, &good()).unwrap();
        assert_eq!(e.ready_days(), Some(2));
        assert!(e.admission_notice_sent && !e.sip_required && !e.region_blocked);
        assert_eq!(e.patient_id.as_deref(), Some("p1"));
    }

    #[test]
    fn every_reason_names_row_and_field() {
        check(Field::EpisodeId, "", Field::EpisodeId, Reason::MissingField);
        check(
            Field::Municipality,
            " ",
            Field::Municipality,
            Reason::MissingField,
        );
        check(Field::CareType, "", Field::CareType, Reason::MissingField);
        check(Field::ReadyAt, "", Field::ReadyAt, Reason::MissingField);
        check(
            Field::ReadyAt,
            "03/03/2025",
            Field::ReadyAt,
            Reason::UnparseableDate,
        );
        check(
            Field::DischargedAt,
            "2025-02-30",
            Field::DischargedAt,
            Reason::UnparseableDate,
        );
        check(
            Field::PlannedDischargeDate,
            "soon",
            Field::PlannedDischargeDate,
            Reason::UnparseableDate,
        );
        check(
            Field::DischargedAt,
            "2101-01-01",
            Field::DischargedAt,
            Reason::DateOutOfRange,
        );
        check(
            Field::Municipality,
            "0999",
            Field::Municipality,
            Reason::UnknownMunicipality,
        );
        check(
            Field::CareType,
            "dental",
            Field::CareType,
            Reason::UnknownCareType,
        );
        check(
            Field::SipRequired,
            "maybe",
            Field::SipRequired,
            Reason::UnparseableBoolean,
        );
        check(Field::Age, "eighty", Field::Age, Reason::UnparseableInteger);
        check(Field::Age, "-3", Field::Age, Reason::UnparseableInteger);
    }

    #[test]
    fn order_problems() {
        let mut raw = good();
        raw.set(Field::DischargedAt, "2025-02-20");
        raw.set(Field::ReadyAt, "2025-02-19");
        let mut reader = EpisodeReader::new();
        let p = reader.read(3, &raw).unwrap_err();
        assert!(p.contains(&Problem {
            row: 3,
            field: Field::DischargedAt,
            reason: Reason::DischargeBeforeAdmission
        }));
        assert!(p.contains(&Problem {
            row: 3,
            field: Field::ReadyAt,
            reason: Reason::ReadyBeforeAdmission
        }));
        // Same day with no time: not before.
        let mut raw = good();
        raw.set(Field::AdmittedAt, "2025-03-03");
        raw.set(Field::ReadyAt, "2025-03-03T07:00");
        assert!(EpisodeReader::new().read(0, &raw).is_ok());
    }

    #[test]
    fn duplicate_ids() {
        let mut reader = EpisodeReader::new();
        assert!(reader.read(0, &good()).is_ok());
        let p = reader.read(1, &good()).unwrap_err();
        assert_eq!(
            p,
            vec![Problem {
                row: 1,
                field: Field::EpisodeId,
                reason: Reason::DuplicateEpisodeId
            }]
        );
    }

    #[test]
    fn booleans_and_ages() {
        for (s, b) in [
            ("TRUE", Some(true)),
            ("0", Some(false)),
            ("False", Some(false)),
            ("1", Some(true)),
            ("", None),
        ] {
            assert_eq!(parse_bool(s), Ok(b), "{s}");
        }
        assert_eq!(parse_bool("2"), Err(Reason::UnparseableBoolean));
        assert_eq!(parse_age("81.0"), Ok(Some(81)));
        assert_eq!(parse_age("151"), Err(Reason::UnparseableInteger));
        let mut raw = good();
        raw.set(Field::AdmissionNoticeSent, "0");
        raw.set(Field::SipRequired, "true");
        raw.set(Field::SipCalled, "FALSE");
        raw.set(Field::RegionBlocked, "1");
        let e = EpisodeReader::new().read(0, &raw).unwrap();
        assert!(!e.admission_notice_sent && e.sip_required && !e.sip_called && e.region_blocked);
    }

    #[test]
    fn field_names_round_trip() {
        for f in Field::ALL {
            assert_eq!(Field::from_column(f.as_str()), Some(f));
        }
        assert_eq!(Field::from_column(" Ready_At "), Some(Field::ReadyAt));
        assert_eq!(Field::from_column("nope"), None);
    }
}
