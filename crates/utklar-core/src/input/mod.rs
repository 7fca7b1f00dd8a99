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

use std::borrow::BorrowMut;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::episode::{CareType, Episode};
use crate::personal_id::{is_personal_id, PersonalIdScan};
use idset::IdSet;

pub use crate::problem::{Field, Problem, Reason};
pub use value::Value;

mod also;
pub mod columns;
pub(crate) mod idset;
pub(crate) mod order;
pub(crate) mod rules;
mod set;
pub mod value;

use crate::model::municipality::Municipality;
use crate::model::time::NoticeTime;
pub use also::AlsoBy;
pub use columns::ColumnBatch;
pub use order::{Follow, IdOrder};
pub use set::{ColumnMap, EpisodeSet, Unreadable};

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

impl NegativeDays {
    /// The policy's name, as [`FromStr`] reads it: `exclude`, `day0`, `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            NegativeDays::Exclude => "exclude",
            NegativeDays::Day0 => "day0",
            NegativeDays::Error => "error",
        }
    }
}

impl std::fmt::Display for NegativeDays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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

    /// Whether rows were given and none could be used: every row excluded as bad data. A call
    /// that ends so is no success, whatever it returns; the surfaces say so loudly.
    pub fn none_usable(&self) -> bool {
        self.rows_in > 0 && self.excluded() == self.rows_in
    }

    /// Whether every row is accounted for: `rows_in == counted + open + outside_age + excluded`.
    pub fn balances(&self) -> bool {
        self.rows_in == self.counted + self.open + self.outside_age + self.excluded()
    }
}

/// Reads a boolean cell of text: [`value::flag`] of [`Value::Text`].
pub fn parse_bool(s: &str) -> Result<Option<bool>, Reason> {
    value::flag(Value::Text(s))
}

/// Reads an age cell of text: [`value::age`] of [`Value::Text`].
pub fn parse_age(s: &str) -> Result<Option<u16>, Reason> {
    value::age(Value::Text(s))
}

/// The cells of one input row, by field, as their source typed them ([`Value`]); a field not
/// set is absent.
///
/// Text sources set `&str` cells (`row.set(Field::ReadyAt, "2025-03-03 10:15")`); typed sources
/// set numbers, booleans, dates and times (`row.set(Field::Age, Value::Int(81))`).
#[derive(Debug, Clone, Default)]
pub struct Row<'a> {
    values: [Value<'a>; 14],
}

/// The former name of [`Row`], for rows of text.
pub type RawEpisode<'a> = Row<'a>;

impl<'a> Row<'a> {
    /// Sets a field's cell.
    #[inline]
    pub fn set(&mut self, field: Field, value: impl Into<Value<'a>>) {
        self.values[field as usize] = value.into();
    }

    /// Clears every field.
    pub fn clear(&mut self) {
        self.values = [Value::Absent; 14];
    }

    /// A field's cell ([`Value::Absent`] when not set).
    #[inline]
    pub fn value(&self, field: Field) -> Value<'a> {
        self.values[field as usize]
    }

    /// A field's text, `None` when the cell is absent, blank or not text.
    pub fn get(&self, field: Field) -> Option<&'a str> {
        match self.values[field as usize] {
            Value::Text(s) if !crate::text::is_blank(s) => Some(s),
            _ => None,
        }
    }
}

/// Turns text rows into validated [`Episode`]s, remembering ids to catch duplicates.
///
/// Checks, per row: the required fields, dates and their range, municipality code, care type,
/// booleans, age, discharge before admission, ready before admission, and duplicate ids. (The
/// negative-days check depends on the policy of the call and is done by the engine.)
///
/// Duplicate ids are remembered as 64-bit hashes in an open-addressing table at most
/// three quarters full (8 bytes a slot: 11–21 bytes a row, 32 for a moment while the table
/// doubles), so reading tens of millions of rows stays within a few hundred megabytes. Two
/// different ids share a hash with probability about n²/2⁶⁵ (10⁻⁵ for 20 million rows); the
/// later one is then taken for a repeat — unless the two came in ascending order, below.
///
/// **Ids in order.** While the ids of a reading come in strictly ascending order (shorter
/// first, ids of one length by their bytes: `E0001`, `E0002`, … or `9`, `10`, …), none can
/// repeat, and the columnar checks ([`ColumnBatch::check_duplicates`],
/// [`check_runs`](Self::check_runs)) keep their hashes apart, in row order (8 bytes a row),
/// instead of looking each up in the table. At the first id out of order, or the first id
/// checked on its own ([`check_duplicate`](Self::check_duplicate)), the hashes go into the
/// table and the check goes on there: the rows named as repeats are the same either way.
///
/// **Personal identity numbers.** The reader also counts the ids (`episode_id`, and the
/// `patient_id` of rows that have an `episode_id`) that look like Swedish personal identity
/// numbers ([`crate::personal_id`]); [`finish`](Self::finish) refuses the call when it met any,
/// unless the reader allows them ([`allow_personal_ids`](Self::allow_personal_ids)). Every
/// surface ends its reading with `finish` (an [`EpisodeSet`] does it in each of its
/// computations), so none lets them through unasked.
#[derive(Debug, Default)]
pub struct EpisodeReader {
    seen: IdSet,
    /// The ids met while they came in order, not (yet) in `seen`.
    held: Held,
    personal: PersonalIdScan,
    pub(crate) allow_personal: bool,
}

/// The ids an [`EpisodeReader`] met while they came in ascending order (see its docs).
#[derive(Debug, Default)]
struct Held {
    /// An id came out of order or was checked on its own: every id met is in the table.
    settled: bool,
    /// The last id met, when there was one.
    last: Option<Vec<u8>>,
    /// The hashes of the ids met, in row order.
    hashes: Vec<u64>,
    /// Ids the reader was told to make room for, counted from the start.
    room: usize,
}

impl EpisodeReader {
    /// Lets ids that look like personal identity numbers through (they are still counted,
    /// see [`personal_ids`](Self::personal_ids)). For a caller who knows its keys are not
    /// identities, or who must go on.
    pub fn allow_personal_ids(&mut self, allow: bool) {
        self.allow_personal = allow;
    }

    /// Whether ids that look like personal identity numbers are let through.
    pub fn allows_personal_ids(&self) -> bool {
        self.allow_personal
    }

    /// The ids seen so far that look like personal identity numbers, per column.
    pub fn personal_ids(&self) -> &PersonalIdScan {
        &self.personal
    }

    /// Ends a reading: [`Error::PersonalData`](crate::Error::PersonalData) naming the column
    /// and how many values (never a value) when ids looked like personal identity numbers and
    /// the reader does not allow them.
    pub fn finish(&self) -> Result<(), crate::Error> {
        if self.allow_personal {
            Ok(())
        } else {
            self.personal.result()
        }
    }

    /// A reader that has seen no ids.
    pub fn new() -> Self {
        EpisodeReader::default()
    }

    /// Reads row `row`: the episode, or every problem found in it.
    pub fn read(&mut self, row: usize, raw: &Row<'_>) -> Result<Episode, Vec<Problem>> {
        let mut problems = Vec::new();
        let (episode_id, facts) = parse_row(row, raw, &mut problems);
        let patient = value::id(raw.value(Field::PatientId));
        if let Some(hash) =
            IdHash::of_cells(raw.value(Field::EpisodeId), raw.value(Field::PatientId))
        {
            self.check_duplicate(row, hash, &mut problems);
        }
        match (episode_id, facts) {
            (Some(id), Some(f)) if problems.is_empty() => Ok(f.into_episode(
                id.as_str().to_string(),
                patient.map(|p| p.as_str().to_string()),
            )),
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
        let (_, facts) = parse_row(row, raw, problems);
        let facts = facts.filter(|_| problems.len() == start);
        (
            IdHash::of_cells(raw.value(Field::EpisodeId), raw.value(Field::PatientId)),
            facts,
        )
    }

    /// The duplicate check of [`read`](Self::read) for row `row`, by its id's hash (from
    /// [`read_facts`](Self::read_facts)): remembers the id and, when an earlier row had it,
    /// pushes the `duplicate_episode_id` problem and returns `true`. Call it for every row
    /// with an id, in row order, whatever its other problems (as `read` does).
    pub fn check_duplicate(&mut self, row: usize, id: IdHash, problems: &mut Vec<Problem>) -> bool {
        if !self.held.settled {
            self.settle();
        }
        self.count_personal(id);
        let repeated = !self.seen.insert(id.hash);
        if repeated {
            problems.push(repeat_problem(row));
        }
        repeated
    }

    /// Counts the ids of a row that look like personal identity numbers (its hash's bits).
    #[inline]
    fn count_personal(&mut self, id: IdHash) {
        if id.personal & 1 != 0 {
            self.personal.add(Field::EpisodeId.as_str(), 1);
        }
        if id.personal & 2 != 0 {
            self.personal.add(Field::PatientId.as_str(), 1);
        }
    }

    /// Puts the ids held apart while they came in order into the table, which checks every
    /// id from now on.
    #[cold]
    fn settle(&mut self) {
        let held = std::mem::take(&mut self.held);
        self.held.settled = true;
        self.seen.reserve(held.room.max(held.hashes.len()));
        self.seen.insert_distinct(&held.hashes);
    }

    /// Whether ids followed in `orders`, one after the other, come after every id met so far
    /// and in order (so that none of them repeats): then [`hold`](Self::hold) takes them.
    pub(crate) fn takes_in_order<'a>(
        &'a self,
        orders: impl IntoIterator<Item = &'a IdOrder>,
    ) -> bool {
        !self.held.settled && order::chains(self.held.last.as_deref(), orders)
    }

    /// The duplicate check of consecutive rows at once, which follow the rows this reader has
    /// seen, when their ids — followed in `order` (every row's with an id, in row order), whose
    /// hashes `ids` gives in row order — come in ascending order after every id the reader met
    /// (see the [reader](Self)): then none of them repeats, and the reader remembers them (and
    /// counts those that look like personal identity numbers) and returns `true`. Otherwise it
    /// does nothing and returns `false`: check the rows one by one
    /// ([`check_duplicate`](Self::check_duplicate)).
    pub fn check_in_order(
        &mut self,
        order: &IdOrder,
        ids: impl IntoIterator<Item = IdHash, IntoIter: Clone>,
    ) -> bool {
        let ids = ids.into_iter();
        if ids.clone().count() != order.count() || !self.takes_in_order([order]) {
            return false;
        }
        for id in ids.clone() {
            self.count_personal(id);
        }
        self.hold(order, ids.map(|id| id.hash));
        true
    }

    /// Remembers ids in order (as [`takes_in_order`](Self::takes_in_order) found them) by
    /// their hashes, the last of them being `order`'s last.
    pub(crate) fn hold(&mut self, order: &IdOrder, hashes: impl IntoIterator<Item = u64>) {
        self.held.hashes.extend(hashes);
        if let Some((_, last)) = order.ends() {
            let held = self.held.last.get_or_insert_with(Vec::new);
            held.clear();
            held.extend_from_slice(last);
        }
    }

    /// The duplicate check of every row of `runs`, consecutive runs of rows in row order that
    /// follow the rows this reader has seen, on up to `threads` threads: remembers the ids and
    /// returns the rows (input row numbers, ascending) whose id repeats — those for which
    /// [`check_duplicate`](Self::check_duplicate), called row by row, would push the
    /// `duplicate_episode_id` problem ([`repeat_problem`]). The result does not depend on
    /// `threads`.
    ///
    /// When the runs' ids come in ascending order after every id met so far (see the
    /// [reader](Self)), none repeats and their hashes are only held. Otherwise the ids of each
    /// run are sorted by the detector's shards (a run on each thread), and the check goes
    /// shard by shard, each shard's table in the cache while its ids go in, instead of one
    /// cache miss an id; best with many rows at once (a million or more).
    ///
    /// ```
    /// use utklar_core::input::{EpisodeReader, IdRun, Value};
    ///
    /// let ids = ["a", "b", "a", "c", "b"];
    /// let mut run = IdRun::new(10); // the rows are input rows 10 to 14
    /// for id in ids {
    ///     run.push(Value::Text(id), Value::Absent);
    /// }
    /// let mut reader = EpisodeReader::new();
    /// assert_eq!(reader.check_runs(&mut [run], 2), [12, 14]);
    /// # let mut again = EpisodeReader::new();
    /// # let mut p = Vec::new();
    /// # let one: Vec<bool> = ids.iter().enumerate()
    /// #     .map(|(i, id)| again.check_duplicate(10 + i, utklar_core::input::IdHash::of(id), &mut p)).collect();
    /// # assert_eq!(one, [false, false, true, false, true]);
    /// ```
    pub fn check_runs<R: BorrowMut<IdRun> + Send>(
        &mut self,
        runs: &mut [R],
        threads: usize,
    ) -> Vec<usize> {
        let mut runs: Vec<&mut IdRun> = runs.iter_mut().map(BorrowMut::borrow_mut).collect();
        let mut total = 0usize;
        for run in &runs {
            // In the order the row-by-row check meets them.
            let mut columns = [
                (Field::EpisodeId, run.ids.personal[0]),
                (Field::PatientId, run.ids.personal[1]),
            ];
            if run.ids.first_personal[1] < run.ids.first_personal[0] {
                columns.swap(0, 1);
            }
            for (field, count) in columns {
                self.personal.add(field.as_str(), count);
            }
            total = total.saturating_add(run.len());
        }
        if self.takes_in_order(runs.iter().map(|r| &r.order)) {
            for run in &runs {
                self.hold(&run.order, run.ids.hashes.iter().copied());
            }
            return Vec::new();
        }
        if !self.held.settled {
            self.settle();
        }
        self.seen.reserve(total);
        let threads = threads
            .clamp(1, idset::SHARDS)
            .min(total / IDS_PER_THREAD)
            .max(1);
        if threads == 1 || runs.len() == 1 {
            for r in &mut runs {
                r.sort_by_shard();
            }
        } else {
            let per = runs.len().div_ceil(threads);
            std::thread::scope(|scope| {
                for part in runs.chunks_mut(per) {
                    scope.spawn(move || part.iter_mut().for_each(|r| r.sort_by_shard()));
                }
            });
        }
        let runs: Vec<&IdRun> = runs.into_iter().map(|r| &*r).collect();
        let runs = &runs[..];
        let per = idset::SHARDS.div_ceil(threads);
        // The repeats of each run, as (shard, k): the k-th hash of the shard's list.
        let check = |first: usize, shards: &mut [idset::Shard]| -> Vec<Vec<(usize, usize)>> {
            let mut repeats = vec![Vec::new(); runs.len()];
            for (j, shard) in shards.iter_mut().enumerate() {
                shard.warm();
                for (run, found) in runs.iter().zip(&mut repeats) {
                    for (k, &h) in run.parts[first + j].iter().enumerate() {
                        if !shard.insert(h) {
                            found.push((first + j, k));
                        }
                    }
                }
            }
            repeats
        };
        let shards = self.seen.shards_mut();
        let mut repeats = if threads == 1 {
            check(0, shards)
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = shards
                    .chunks_mut(per)
                    .enumerate()
                    .map(|(g, part)| scope.spawn(move || check(g * per, part)))
                    .collect();
                let mut all = vec![Vec::new(); runs.len()];
                for h in handles {
                    match h.join() {
                        Ok(r) => all.iter_mut().zip(r).for_each(|(a, r)| a.extend(r)),
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                }
                all
            })
        };
        let mut rows = Vec::new();
        for (run, found) in runs.iter().zip(&mut repeats) {
            if !found.is_empty() {
                rows.extend(run.rows_of(found));
            }
        }
        // Ascending already when the runs are in row order, as they must be.
        rows.sort_unstable();
        rows
    }

    /// Makes room for `additional` more ids in the duplicate detector at once (a reader that
    /// knows how many rows are coming), instead of growing it step by step. Changes nothing
    /// else.
    pub fn reserve(&mut self, additional: usize) {
        if self.held.settled {
            self.seen.reserve(additional);
        } else {
            let held = &mut self.held;
            held.room = held.room.max(held.hashes.len().saturating_add(additional));
            held.hashes.reserve(additional);
        }
    }

    /// Reads, all at once, the memory that [`check_duplicate`](Self::check_duplicate) will
    /// look at for these ids, so that the calls that follow do not each wait for it (with tens
    /// of millions of ids the set is far larger than the cache). Changes nothing else; call it
    /// for a batch of rows just before checking them.
    pub fn prefetch(&self, ids: impl IntoIterator<Item = IdHash>) {
        if !self.held.settled {
            // Nothing in the table to read.
            return;
        }
        let mut any = 0u64;
        for id in ids {
            any ^= self.seen.touch(id.hash);
        }
        std::hint::black_box(any);
    }
}

/// The problem of row `row` whose episode id an earlier row had: `duplicate_episode_id` on
/// `episode_id`.
pub fn repeat_problem(row: usize) -> Problem {
    Problem {
        row,
        field: Field::EpisodeId,
        reason: Reason::DuplicateEpisodeId,
    }
}

/// The ids of a run of consecutive rows, read ahead of the rows' other fields, for
/// [`EpisodeReader::check_runs`], which sorts them by the duplicate detector's shards when it
/// must look them up.
///
/// A run holds 10 bytes a row (the hash of its id, and its shard: the row of a repeat is
/// found again by it), 8 more while the check sorts the hashes by shard. Reuse one with
/// [`start`](Self::start): its room stays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdRun {
    first_row: usize,
    ids: RunIds,
    /// The order of the run's ids.
    order: IdOrder,
    /// Per shard: the hashes of the rows whose id is in it, in row order (filled by
    /// [`sort_by_shard`](Self::sort_by_shard)).
    parts: Vec<Vec<u64>>,
}

/// The ids of an [`IdRun`]'s rows, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RunIds {
    /// Ids that look like personal identity numbers: episode ids, patient ids.
    personal: [u64; 2],
    /// The run's index of the first row with such an id: an episode id, a patient id
    /// (`usize::MAX` when none). The scan keeps its columns in the order first met, a row's
    /// episode id before its patient id.
    first_personal: [usize; 2],
    /// The shard of each row's id, [`NO_ID`] for a row without one.
    shards: Vec<u16>,
    /// The hashes of the rows' ids, in row order (none for a row without one).
    hashes: Vec<u64>,
}

/// Fewer ids than this a thread, and [`EpisodeReader::check_runs`] uses fewer threads: they
/// would cost more than they save.
const IDS_PER_THREAD: usize = 1 << 16;

/// [`IdRun`]'s shard of a row without an id.
const NO_ID: u16 = u16::MAX;

impl RunIds {
    /// Adds the next row by its id's hash (`None`: no episode id), counting the ids its
    /// personal bits mark.
    #[inline]
    fn add(&mut self, id: Option<IdHash>) {
        let Some(id) = id else {
            self.shards.push(NO_ID);
            return;
        };
        if id.personal & 1 != 0 {
            self.note_personal(Field::EpisodeId, self.shards.len());
        }
        if id.personal & 2 != 0 {
            self.note_personal(Field::PatientId, self.shards.len());
        }
        self.shards.push(idset::shard_of(id.hash) as u16);
        self.hashes.push(id.hash);
    }

    /// Counts an id of `field` that looks like a personal identity number, in row `i` of the
    /// run.
    fn note_personal(&mut self, field: Field, i: usize) {
        let c = usize::from(field == Field::PatientId);
        self.personal[c] += 1;
        let first = &mut self.first_personal[c];
        *first = (*first).min(i);
    }
}

impl IdRun {
    /// An empty run whose first row is input row `first_row`.
    pub fn new(first_row: usize) -> Self {
        IdRun {
            first_row,
            ids: RunIds {
                personal: [0; 2],
                first_personal: [usize::MAX; 2],
                shards: Vec::new(),
                hashes: Vec::new(),
            },
            order: IdOrder::default(),
            parts: vec![Vec::new(); idset::SHARDS],
        }
    }

    /// Empties the run for rows from `first_row` on (keeping its room).
    pub fn start(&mut self, first_row: usize) {
        self.first_row = first_row;
        self.ids.personal = [0; 2];
        self.ids.first_personal = [usize::MAX; 2];
        self.ids.shards.clear();
        self.ids.hashes.clear();
        self.order.clear();
        self.parts.iter_mut().for_each(Vec::clear);
    }

    /// Makes room for `rows` more rows at once (a reader that knows how many are coming), so
    /// that pushing them does not grow the run step by step.
    pub fn reserve(&mut self, rows: usize) {
        self.ids.shards.reserve(rows);
        self.ids.hashes.reserve(rows);
    }

    /// The input row of the run's first row.
    pub fn first_row(&self) -> usize {
        self.first_row
    }

    /// Rows pushed.
    pub fn len(&self) -> usize {
        self.ids.shards.len()
    }

    /// Whether no row was pushed.
    pub fn is_empty(&self) -> bool {
        self.ids.shards.is_empty()
    }

    /// Adds the run's next row by its `episode_id` and `patient_id` cells, read as
    /// [`EpisodeReader::read`] reads them ([`IdHash::of_cells`]); a row without an id is
    /// counted and not checked.
    #[inline]
    pub fn push(&mut self, episode_id: Value<'_>, patient_id: Value<'_>) {
        let Some(id) = value::id(episode_id) else {
            self.ids.add(None);
            return;
        };
        self.order.begin().next(&id);
        let patient = value::id(patient_id);
        let hash =
            IdHash::of(id.as_str()).with_patient(patient.as_ref().map(value::IdText::as_str));
        self.ids.add(Some(hash));
    }

    /// [`push`](Self::push) of the next rows by their `episode_id` cells alone, in one loop
    /// (for a columnar source: each layout's loop of its own, no accessor chosen per row); give
    /// the same rows' `patient_id` cells next with [`push_patient_ids`](Self::push_patient_ids).
    /// Returns the index in the run of the first of these rows.
    ///
    /// ```
    /// use utklar_core::input::{IdRun, Value};
    ///
    /// let (ids, patients) = (["a", "197001011234", "b"], ["191212121212", "x", "y"]);
    /// let mut by_row = IdRun::new(0);
    /// for (e, p) in ids.iter().zip(&patients) {
    ///     by_row.push(Value::Text(e), Value::Text(p));
    /// }
    /// let mut by_column = IdRun::new(0);
    /// let at = by_column.push_episode_ids(ids.iter().map(|&e| Value::Text(e)));
    /// by_column.push_patient_ids(at, patients.iter().map(|&p| Value::Text(p)));
    /// assert_eq!(by_column, by_row);
    /// ```
    #[inline]
    pub fn push_episode_ids<'v>(&mut self, cells: impl IntoIterator<Item = Value<'v>>) -> usize {
        let at = self.ids.shards.len();
        let cells = cells.into_iter();
        self.ids.shards.reserve(cells.size_hint().0);
        let mut order = self.order.begin();
        for v in cells {
            match value::id(v) {
                Some(id) => {
                    order.next(&id);
                    self.ids.add(Some(IdHash::of(id.as_str())));
                }
                None => self.ids.add(None),
            }
        }
        at
    }

    /// The `patient_id` cells of the rows [`push_episode_ids`](Self::push_episode_ids) added
    /// from index `at` on (the index it returned), in row order: counts those that look like
    /// personal identity numbers, as [`push`](Self::push) does (a row without an episode id
    /// is not checked, nor a cell past those rows).
    #[inline]
    pub fn push_patient_ids<'v>(&mut self, at: usize, cells: impl IntoIterator<Item = Value<'v>>) {
        let rows = self.ids.shards.len();
        for (i, v) in (at.min(rows)..rows).zip(cells) {
            if self.ids.shards[i] == NO_ID {
                continue;
            }
            if value::id(v).is_some_and(|p| is_personal_id(p.as_str())) {
                self.ids.note_personal(Field::PatientId, i);
            }
        }
    }

    /// Sorts the run's hashes by shard, into `parts`.
    fn sort_by_shard(&mut self) {
        let share = idset::shard_share(self.ids.hashes.len());
        for p in &mut self.parts {
            p.clear();
            p.reserve(share);
        }
        for &h in &self.ids.hashes {
            self.parts[idset::shard_of(h)].push(h);
        }
    }

    /// The input rows of the ids at `repeats` — `(shard, k)`: the `k`-th hash of the shard's
    /// list — sorted, found by one pass over the rows' shards.
    fn rows_of(&self, repeats: &mut [(usize, usize)]) -> Vec<usize> {
        repeats.sort_unstable();
        // Where each shard's repeats start in `repeats`, and how many hashes of each shard
        // the pass has met.
        let mut next = vec![0usize; idset::SHARDS + 1];
        for &(shard, _) in repeats.iter() {
            next[shard + 1] += 1;
        }
        for i in 0..idset::SHARDS {
            next[i + 1] += next[i];
        }
        let end: Vec<usize> = next[1..].to_vec();
        let mut seen = vec![0usize; idset::SHARDS];
        let mut rows = Vec::with_capacity(repeats.len());
        for (at, &shard) in self.ids.shards.iter().enumerate() {
            if shard == NO_ID {
                continue;
            }
            let shard = usize::from(shard);
            let k = seen[shard];
            seen[shard] += 1;
            if next[shard] < end[shard] && repeats[next[shard]].1 == k {
                next[shard] += 1;
                rows.push(self.first_row + at);
                if rows.len() == repeats.len() {
                    break;
                }
            }
        }
        rows
    }
}

/// The 64-bit hash an [`EpisodeReader`] remembers an episode id by (of the trimmed id).
///
/// It also carries whether the id (and the row's patient id) look like personal identity
/// numbers, which [`EpisodeReader::check_duplicate`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdHash {
    hash: u64,
    /// Bit 0: the episode id looks like a personal identity number; bit 1: the patient id.
    personal: u8,
}

impl IdHash {
    /// The hash of an id (as [`EpisodeReader::read`] sees it: already trimmed).
    #[inline]
    pub fn of(id: &str) -> Self {
        IdHash {
            hash: hash_id(id.as_bytes()),
            personal: u8::from(is_personal_id(id)),
        }
    }

    /// The hash of a row's id as [`EpisodeReader::read`] reads it from its `episode_id` and
    /// `patient_id` cells ([`value::id`]); `None` when the row has no episode id.
    #[inline]
    pub fn of_cells(episode_id: Value<'_>, patient_id: Value<'_>) -> Option<Self> {
        let id = value::id(episode_id)?;
        let patient = value::id(patient_id);
        Some(IdHash::of(id.as_str()).with_patient(patient.as_ref().map(value::IdText::as_str)))
    }

    /// The same hash, noting whether the row's patient id looks like a personal identity
    /// number.
    #[must_use]
    pub(crate) fn with_patient(mut self, patient: Option<&str>) -> Self {
        if patient.is_some_and(is_personal_id) {
            self.personal |= 2;
        }
        self
    }
}

/// The 64-bit hash the duplicate detector remembers an id by, in the manner of wyhash: the
/// bytes as two 64-bit words — for up to 16 bytes read as overlapping fixed-size words from
/// both ends (with the length, they determine the id), for longer ids each 16 bytes folded in
/// turn — each pair combined by a 64×64→128-bit multiplication whose halves are xored, and a
/// last such round. A few nanoseconds for an id of any usual length, with no copy of a
/// variable length, where SipHash took about 20 (for every row of every surface, on one
/// thread). Ids are only compared within one reading, so the hash need not be stable between
/// versions; like the fixed-key SipHash it replaced, it is not meant to resist ids crafted to
/// collide.
#[inline]
fn hash_id(b: &[u8]) -> u64 {
    const K0: u64 = 0xa076_1d64_78bd_642f;
    const K1: u64 = 0xe703_7ed1_a0b4_28db;
    const K2: u64 = 0x8ebc_6af0_9c88_c6e3;
    #[inline]
    fn mum(a: u64, b: u64) -> u64 {
        let r = u128::from(a) * u128::from(b);
        (r as u64) ^ ((r >> 64) as u64)
    }
    #[inline]
    fn word8(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(crate::text::bytes_at(b, at))
    }
    #[inline]
    fn word4(b: &[u8], at: usize) -> u64 {
        u64::from(u32::from_le_bytes(crate::text::bytes_at(b, at)))
    }
    let n = b.len();
    let seed = mum(n as u64 ^ K0, K1);
    let (x, y) = match n {
        0 => (0, 0),
        1..=3 => (
            (u64::from(b[0]) << 16) | (u64::from(b[n / 2]) << 8) | u64::from(b[n - 1]),
            0,
        ),
        4..=8 => (word4(b, 0), word4(b, n - 4)),
        9..=16 => (word8(b, 0), word8(b, n - 8)),
        _ => {
            // Whole 16-byte blocks in turn, then the last 16 bytes (overlapping the blocks).
            let mut h = seed;
            let mut at = 0;
            while at + 16 < n {
                h = mum(word8(b, at) ^ K0, word8(b, at + 8) ^ h);
                at += 16;
            }
            return mum(
                mum(word8(b, n - 16) ^ K1, word8(b, n - 8) ^ h) ^ K2,
                K1 ^ K2,
            );
        }
    };
    mum(mum(x ^ K1, y ^ seed) ^ K2, K1 ^ K2)
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

impl EpisodeFacts {
    /// The episode these facts belong to, with its ids.
    pub fn into_episode(self, episode_id: String, patient_id: Option<String>) -> Episode {
        Episode {
            episode_id,
            patient_id,
            municipality: self.municipality,
            care_type: self.care_type,
            admitted_at: self.admitted_at,
            ready_at: self.ready_at,
            discharged_at: self.discharged_at,
            home_ready_at: self.home_ready_at,
            planned_discharge_date: self.planned_discharge_date,
            age: self.age,
            admission_notice_sent: self.admission_notice_sent,
            sip_required: self.sip_required,
            sip_called: self.sip_called,
            region_blocked: self.region_blocked,
        }
    }
}

/// Every check of [`EpisodeReader::read`] but the duplicate id, in field order: pushes the
/// problems found and returns the id (when present) and the facts (when the required fields
/// read). This is the rule set every source goes through.
fn parse_row<'a>(
    row: usize,
    raw: &Row<'a>,
    problems: &mut Vec<Problem>,
) -> (Option<value::IdText<'a>>, Option<EpisodeFacts>) {
    let mut bad = |field: Field, reason: Reason| problems.push(Problem { row, field, reason });
    // A field through its rule: the value, or its problem noted; a required field that is
    // absent is a missing-field problem.
    macro_rules! read {
        ($field:expr, $rule:path, $required:expr) => {
            match $rule(raw.value($field)) {
                Ok(Some(v)) => Some(v),
                Ok(None) => {
                    if $required {
                        bad($field, Reason::MissingField);
                    }
                    None
                }
                Err(reason) => {
                    bad($field, reason);
                    None
                }
            }
        };
    }

    let episode_id = value::id(raw.value(Field::EpisodeId));
    if episode_id.is_none() {
        bad(Field::EpisodeId, Reason::MissingField);
    }
    let municipality = read!(Field::Municipality, value::municipality, true);
    let care_type = read!(Field::CareType, value::care_type, true);
    let ready_at = read!(Field::ReadyAt, value::notice, true);
    let admitted_at = read!(Field::AdmittedAt, value::notice, false);
    let discharged_at = read!(Field::DischargedAt, value::notice, false);
    let home_ready_at = read!(Field::HomeReadyAt, value::notice, false);
    let planned_discharge_date = read!(Field::PlannedDischargeDate, value::date, false);
    let age = read!(Field::Age, value::age, false);
    let mut flag = |field: Field| -> bool {
        let default = value::flag_default(field).unwrap_or(false);
        match value::flag(raw.value(field)) {
            Ok(v) => v.unwrap_or(default),
            Err(reason) => {
                bad(field, reason);
                default
            }
        }
    };
    let admission_notice_sent = flag(Field::AdmissionNoticeSent);
    let sip_required = flag(Field::SipRequired);
    let sip_called = flag(Field::SipCalled);
    let region_blocked = flag(Field::RegionBlocked);

    rules::order_problems(
        row,
        &rules::Times::of(admitted_at, ready_at, discharged_at),
        problems,
    );
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

/// Checks episode values built in code with the rules every row meets: an id present and not
/// repeated, dates in range, discharge and ready not before admission, and negative days under
/// `policy` (reported unless `Day0`). Returns every problem found, in row order; an empty list
/// means the episodes are clean.
pub fn check_episodes(episodes: &[Episode], policy: NegativeDays) -> Vec<Problem> {
    let mut reader = EpisodeReader::new();
    let mut problems = Vec::new();
    for (row, e) in episodes.iter().enumerate() {
        rules::episode_problems(row, e, policy, &mut problems);
        if !crate::text::is_blank(&e.episode_id) {
            reader.check_duplicate(row, IdHash::of(&e.episode_id), &mut problems);
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
    fn id_hashes_do_not_collide_on_keys_as_written() {
        // Sequential keys as hospitals and generators write them, numbers, and keys that
        // differ only in length or padding.
        let mut seen = std::collections::HashSet::new();
        let mut n = 0;
        for i in 0..300_000u64 {
            for id in [
                format!("E{i:08}"),
                format!("P{i:07}"),
                i.to_string(),
                format!("{i:016}"),
                format!("episode-{i}-2025"),
                format!("region-{i:020}-episode"),
            ] {
                assert!(seen.insert(hash_id(id.as_bytes())), "{id}");
                n += 1;
            }
        }
        for id in [
            "",
            "\0",
            "\0\0",
            "a",
            "a\0",
            "12345678",
            "12345678\0",
            "aaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaab",
            "baaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(seen.insert(hash_id(id.as_bytes())), "{id:?}");
            n += 1;
        }
        assert_eq!(seen.len(), n);
        assert_eq!(IdHash::of("E1"), IdHash::of("E1"));
        assert_ne!(IdHash::of("E1").hash, IdHash::of("E2").hash);
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
