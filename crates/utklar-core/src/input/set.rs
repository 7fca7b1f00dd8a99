//! A data set read row by row: the episodes, the rows that could not be read, and the map from
//! a table's column names to the fields.
//!
//! Every surface that holds a whole table (the command line's invoices, Python, C) reads it
//! into an [`EpisodeSet`]; the measures, invoices, comparisons and sweeps over a set account for
//! its unreadable rows in one way (see `EpisodeSet::measure` and `EpisodeSet::invoice`), with
//! row numbers of the input.

use crate::error::Error;
use crate::model::episode::Episode;
use crate::problem::{Field, Problem};

use super::{check_episodes, value, EpisodeReader, IdHash, NegativeDays, Row};

/// An input row that could not be read as an episode: its row, its id (when it has one) and
/// every problem found in it (the first names the reason it is counted under).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The input row (0-based, data rows only).
    pub row: usize,
    /// The row's `episode_id`, when it has one.
    pub episode_id: Option<String>,
    /// The problems, in field order, a repeated id last.
    pub problems: Vec<Problem>,
}

/// Episodes read from input rows, with the rows that could not be read.
///
/// Rows are pushed in order; each is read through the input layer's rule set
/// ([`EpisodeReader::read`]: every field's rule, the order checks and the one duplicate-id
/// detector, which also remembers the ids of unreadable rows, so a row repeating the id of an
/// earlier bad row is a duplicate too).
///
/// ```
/// use utklar_core::input::{EpisodeSet, Row};
/// use utklar_core::{Field, Reason};
///
/// let mut set = EpisodeSet::new();
/// let mut row = Row::default();
/// row.set(Field::EpisodeId, "e1");
/// row.set(Field::Municipality, "0999"); // no such municipality
/// row.set(Field::CareType, "somatic");
/// row.set(Field::ReadyAt, "2025-03-03");
/// assert!(!set.push(0, &row));
/// row.set(Field::Municipality, "0880");
/// assert!(!set.push(1, &row)); // e1 again: a duplicate of the unreadable row
/// assert_eq!(set.unreadable()[1].problems[0].reason, Reason::DuplicateEpisodeId);
/// assert_eq!(set.rows_in(), 2);
/// ```
#[derive(Debug, Default)]
pub struct EpisodeSet {
    reader: EpisodeReader,
    episodes: Vec<Episode>,
    rows: Vec<usize>,
    unreadable: Vec<Unreadable>,
    /// The caller's columns to group by (see [`super::AlsoBy`]), and each episode's values.
    also_names: Vec<String>,
    also: Vec<Vec<Option<String>>>,
}

impl EpisodeSet {
    /// An empty set.
    pub fn new() -> Self {
        EpisodeSet::default()
    }

    /// Lets ids that look like personal identity numbers through (see
    /// [`EpisodeReader::allow_personal_ids`]); by default every computation over the set
    /// refuses them with [`Error::PersonalData`].
    pub fn allow_personal_ids(&mut self, allow: bool) {
        self.reader.allow_personal_ids(allow);
    }

    /// The episodes, after the checks every computation over the set makes first: ids that
    /// look like personal identity numbers (unless allowed, [`Error::PersonalData`]) and, when
    /// `strict`, any row that could not be read ([`Error::Invalid`] with every such row's
    /// problems).
    pub fn checked_episodes(&self, strict: bool) -> Result<&[Episode], Error> {
        self.check_personal_ids()?;
        if strict && !self.unreadable.is_empty() {
            return Err(Error::Invalid(
                self.unreadable
                    .iter()
                    .flat_map(|u| u.problems.iter().cloned())
                    .collect(),
            ));
        }
        Ok(&self.episodes)
    }

    /// `Ok` unless ids looked like personal identity numbers and they are not allowed: the
    /// check every computation over the set starts with.
    pub fn check_personal_ids(&self) -> Result<(), Error> {
        self.reader.finish()
    }

    /// Reads input row `row` (rows pushed in increasing order): `true` when it is an episode,
    /// `false` when it went to [`unreadable`](Self::unreadable).
    pub fn push(&mut self, row: usize, cells: &Row<'_>) -> bool {
        match self.reader.read(row, cells) {
            Ok(e) => {
                self.episodes.push(e);
                self.rows.push(row);
                true
            }
            Err(problems) => {
                self.unreadable.push(Unreadable {
                    row,
                    episode_id: value::id(cells.value(Field::EpisodeId))
                        .map(|id| id.as_str().to_string()),
                    problems,
                });
                false
            }
        }
    }

    /// Adds input row `row` as another reader read it (a reader that streams a file with its
    /// own [`EpisodeReader`], which checked the row's id against the earlier rows): the
    /// episode, or the unreadable row.
    pub fn push_read(&mut self, row: usize, read: Result<Episode, Unreadable>) {
        match read {
            Ok(e) => {
                self.episodes.push(e);
                self.rows.push(row);
            }
            Err(u) => self.unreadable.push(u),
        }
    }

    /// Adds an episode value built in code as input row `row`: it meets the same rules as a
    /// read row (its id counts for the duplicate check; its dates are checked when the set is
    /// measured or invoiced, as for every episode value).
    pub fn push_episode(&mut self, row: usize, episode: Episode) {
        if crate::text::is_blank(&episode.episode_id) {
            self.episodes.push(episode);
            self.rows.push(row);
            return;
        }
        let mut problems = Vec::new();
        let id = IdHash::of(&episode.episode_id).with_patient(episode.patient_id.as_deref());
        if self.reader.check_duplicate(row, id, &mut problems) {
            self.unreadable.push(Unreadable {
                row,
                episode_id: Some(episode.episode_id),
                problems,
            });
        } else {
            self.episodes.push(episode);
            self.rows.push(row);
        }
    }

    /// Names the caller's columns whose values each episode carries (see
    /// [`push_read_also`](Self::push_read_also)); set before the first row.
    pub fn set_also_names(&mut self, names: Vec<String>) {
        self.also_names = names;
    }

    /// The caller's columns whose values the episodes carry.
    pub fn also_names(&self) -> &[String] {
        &self.also_names
    }

    /// Each episode's values of the [`also_names`](Self::also_names) columns, in the order of
    /// [`episodes`](Self::episodes) (empty when no column was named).
    pub fn also_values(&self) -> &[Vec<Option<String>>] {
        &self.also
    }

    /// [`push_read`](Self::push_read) with the row's values of the
    /// [`also_names`](Self::also_names) columns (read by
    /// [`EpisodeReader::read_also`]), kept for an episode.
    pub fn push_read_also(
        &mut self,
        row: usize,
        read: Result<Episode, Unreadable>,
        values: Vec<Option<String>>,
    ) {
        if read.is_ok() && !self.also_names.is_empty() {
            self.also.resize(self.episodes.len(), Vec::new());
            self.also.push(values);
        }
        self.push_read(row, read);
    }

    /// [`push`](Self::push) with the row's cells in the caller's columns `also` (in its order),
    /// read by [`EpisodeReader::read_also`] (personal identity numbers in them counted, as in
    /// the id columns) and kept with the episode; the set's
    /// [`also_names`](Self::also_names) become `also`'s names.
    pub fn push_also<'a>(
        &mut self,
        row: usize,
        cells: &Row<'_>,
        also: &super::AlsoBy,
        values: impl IntoIterator<Item = super::Value<'a>>,
    ) -> bool {
        if self.also_names.is_empty() {
            self.also_names = also.names().to_vec();
        }
        let values = self.reader.read_also(also, values);
        let read = self.push(row, cells);
        if read {
            self.also.resize(self.episodes.len() - 1, Vec::new());
            self.also.push(values);
        }
        read
    }

    /// Drops every row from input row `rows` on, as if they had never been pushed: their
    /// episodes, their unreadable rows and their ids (a reader that fails part-way through a
    /// file adds nothing). The duplicate detector is rebuilt from the ids of the rows kept.
    pub fn truncate(&mut self, rows: usize) {
        let keep = self.rows.partition_point(|&r| r < rows);
        if keep == self.rows.len() && self.unreadable.last().is_none_or(|u| u.row < rows) {
            return;
        }
        self.episodes.truncate(keep);
        self.rows.truncate(keep);
        self.also.truncate(keep);
        self.unreadable.retain(|u| u.row < rows);
        let mut reader = EpisodeReader::new();
        let mut scratch = Vec::new();
        let ids = self.episodes.iter().map(|e| e.episode_id.as_str()).chain(
            self.unreadable
                .iter()
                .filter_map(|u| u.episode_id.as_deref()),
        );
        for id in ids {
            reader.check_duplicate(0, IdHash::of(id), &mut scratch);
        }
        self.reader = reader;
    }

    /// The episodes read, in input order.
    pub fn episodes(&self) -> &[Episode] {
        &self.episodes
    }

    /// The input row of each episode.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// The rows that could not be read, in input order.
    pub fn unreadable(&self) -> &[Unreadable] {
        &self.unreadable
    }

    /// Whether rows were pushed and none could be read as an episode (see
    /// [`ExclusionReport::none_usable`](super::ExclusionReport::none_usable)).
    pub fn none_usable(&self) -> bool {
        self.episodes.is_empty() && !self.unreadable.is_empty()
    }

    /// Rows pushed.
    pub fn rows_in(&self) -> u64 {
        (self.episodes.len() + self.unreadable.len()) as u64
    }

    /// The input row of episode `index`.
    pub fn row_of(&self, index: usize) -> usize {
        self.rows.get(index).copied().unwrap_or(index)
    }

    /// Every problem of the set's rows, by input row: those of the rows that could not be
    /// read, and the negative days of its episodes under `policy` (none under
    /// [`NegativeDays::Day0`]) — what a validation lists.
    ///
    /// ```
    /// use utklar_core::input::{EpisodeSet, NegativeDays, Row};
    /// use utklar_core::{Field, Reason};
    ///
    /// let mut set = EpisodeSet::new();
    /// for (row, (id, muni, discharged)) in
    ///     [("a", "0880", "2025-03-02"), ("b", "0999", "2025-03-02"), ("c", "0880", "2025-02-27")]
    ///         .into_iter()
    ///         .enumerate()
    /// {
    ///     let mut r = Row::default();
    ///     r.set(Field::EpisodeId, id);
    ///     r.set(Field::Municipality, muni);
    ///     r.set(Field::CareType, "somatic");
    ///     r.set(Field::ReadyAt, "2025-03-01");
    ///     r.set(Field::DischargedAt, discharged);
    ///     set.push(row, &r);
    /// }
    /// let p = set.problems(NegativeDays::Exclude);
    /// let found: Vec<_> = p.iter().map(|p| (p.row, p.reason)).collect();
    /// assert_eq!(found, [(1, Reason::UnknownMunicipality), (2, Reason::NegativeDays)]);
    /// assert_eq!(set.problems(NegativeDays::Day0).len(), 1);
    /// ```
    pub fn problems(&self, policy: NegativeDays) -> Vec<Problem> {
        let mut problems: Vec<Problem> = self
            .unreadable
            .iter()
            .flat_map(|u| u.problems.iter().cloned())
            .collect();
        problems.extend(
            check_episodes(&self.episodes, policy)
                .into_iter()
                .map(|p| Problem {
                    row: self.row_of(p.row),
                    ..p
                }),
        );
        problems.sort_by_key(|p| p.row);
        problems
    }
}

/// Which column of a table holds which field: the input layer's reading of a header.
///
/// Column names match a field's name case-insensitively, surrounding spaces ignored; other
/// columns are ignored. Two columns naming the same field (`MUNICIPALITY` and
/// `municipality`) are an error naming both.
///
/// ```
/// use utklar_core::input::ColumnMap;
/// use utklar_core::Field;
///
/// let map = ColumnMap::new(["Episode_ID", "municipality", "hospital", "care_type", "ready_at"])?;
/// assert_eq!(map.index(Field::Municipality), Some(1));
/// assert!(map.missing_required().is_empty());
/// assert!(ColumnMap::new(["municipality", " MUNICIPALITY"]).is_err());
/// assert_eq!(ColumnMap::duplicate(&["municipality", " MUNICIPALITY"]).map(|d| (d.1, d.2)), Some((0, 1)));
/// # Ok::<(), utklar_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ColumnMap {
    index: [Option<usize>; 14],
}

impl ColumnMap {
    /// Maps the column names of a header.
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Result<Self, Error> {
        let names: Vec<S> = names.into_iter().collect();
        let names = names.as_slice();
        if let Some((field, first, second)) = ColumnMap::duplicate(names) {
            return Err(Error::InvalidArgument {
                name: field.as_str().into(),
                message: format!(
                    "two columns name the field {field}: {:?} (column {}) and {:?} (column {}); keep one",
                    names[first].as_ref().trim(),
                    first + 1,
                    names[second].as_ref().trim(),
                    second + 1
                ),
            });
        }
        let mut map = ColumnMap::default();
        for (i, name) in names.iter().enumerate() {
            if let Some(field) = Field::from_column(name.as_ref()) {
                map.index[field as usize] = Some(i);
            }
        }
        Ok(map)
    }

    /// The first field two columns name (case-insensitively, spaces and a byte-order mark
    /// around a name ignored): the field and the 0-based positions of both columns.
    pub fn duplicate<S: AsRef<str>>(names: &[S]) -> Option<(Field, usize, usize)> {
        let mut seen: [Option<usize>; 14] = [None; 14];
        for (i, name) in names.iter().enumerate() {
            if let Some(field) = Field::from_column(name.as_ref()) {
                if let Some(first) = seen[field as usize] {
                    return Some((field, first, i));
                }
                seen[field as usize] = Some(i);
            }
        }
        None
    }

    /// The column holding `field`, if any.
    pub fn index(&self, field: Field) -> Option<usize> {
        self.index[field as usize]
    }

    /// The `(column, field)` pairs, in field order.
    pub fn fields(&self) -> impl Iterator<Item = (usize, Field)> + '_ {
        Field::ALL
            .into_iter()
            .filter_map(|f| self.index(f).map(|c| (c, f)))
    }

    /// The required fields no column holds ([`Field::REQUIRED`] order).
    pub fn missing_required(&self) -> Vec<Field> {
        Field::REQUIRED
            .into_iter()
            .filter(|&f| self.index(f).is_none())
            .collect()
    }

    /// An error naming the first missing required field, when one is missing.
    pub fn require(&self) -> Result<(), Error> {
        match self.missing_required().first() {
            None => Ok(()),
            Some(f) => Err(Error::InvalidArgument {
                name: f.as_str().into(),
                message: format!("the required column {f} is missing"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Reason;

    fn row<'a>(id: &'a str, muni: &'a str) -> Row<'a> {
        let mut r = Row::default();
        r.set(Field::EpisodeId, id);
        r.set(Field::Municipality, muni);
        r.set(Field::CareType, "somatic");
        r.set(Field::ReadyAt, "2025-03-03");
        r.set(Field::DischargedAt, "2025-03-09");
        r
    }

    #[test]
    fn every_row_is_an_episode_or_unreadable() {
        let mut set = EpisodeSet::new();
        assert!(set.push(0, &row("a", "0880")));
        assert!(!set.push(1, &row("b", "0999")));
        assert!(!set.push(2, &row("b", "0880")));
        assert!(!set.push(3, &row("a", "0880")));
        assert!(set.push(4, &row("c", "0880")));
        assert_eq!(set.rows(), [0, 4]);
        assert!(!set.none_usable());
        let mut bad = EpisodeSet::new();
        assert!(!bad.none_usable());
        bad.push(0, &row("x", "0999"));
        assert!(bad.none_usable());
        let m = bad.measure(&crate::IndicatorOptions::default()).unwrap();
        assert!(m.report().none_usable());
        assert_eq!(set.rows_in(), 5);
        let reasons: Vec<(usize, Reason)> = set
            .unreadable()
            .iter()
            .map(|u| (u.row, u.problems[0].reason))
            .collect();
        assert_eq!(
            reasons,
            [
                (1, Reason::UnknownMunicipality),
                (2, Reason::DuplicateEpisodeId),
                (3, Reason::DuplicateEpisodeId)
            ]
        );
        assert_eq!(set.unreadable()[0].episode_id.as_deref(), Some("b"));
    }

    #[test]
    fn values_built_in_code_share_the_duplicate_check() {
        let mut set = EpisodeSet::new();
        assert!(set.push(0, &row("a", "0880")));
        let e = set.episodes()[0].clone();
        set.push_episode(1, e);
        assert_eq!(set.unreadable()[0].row, 1);
        assert_eq!(
            set.unreadable()[0].problems[0].reason,
            Reason::DuplicateEpisodeId
        );
    }

    #[test]
    fn truncating_forgets_the_rows_and_their_ids() {
        let mut set = EpisodeSet::new();
        assert!(set.push(0, &row("a", "0880")));
        assert!(!set.push(1, &row("b", "0999")));
        assert!(set.push(2, &row("c", "0880")));
        set.truncate(1);
        assert_eq!(set.rows_in(), 1);
        assert!(set.unreadable().is_empty());
        // b and c are forgotten; a is remembered.
        assert!(set.push(1, &row("b", "0880")));
        assert!(set.push(2, &row("c", "0880")));
        assert!(!set.push(3, &row("a", "0880")));
    }

    #[test]
    fn personal_identity_numbers_are_refused_unless_allowed() {
        let mut set = EpisodeSet::new();
        assert!(set.push(0, &row("19121212-1212", "0880")));
        assert!(set.push(1, &row("e2", "0880")));
        let mut r = row("e3", "0880");
        r.set(Field::PatientId, "121212+1212");
        assert!(set.push(2, &r));
        // Even a row that cannot be read counts.
        assert!(!set.push(3, &row("191212121212", "0999")));
        let err = set
            .measure(&crate::IndicatorOptions::default())
            .unwrap_err();
        assert_eq!(
            err,
            Error::PersonalData {
                field: "episode_id".into(),
                count: 2
            }
        );
        let msg = err.to_string();
        assert!(!msg.contains("1212"), "{msg}");
        assert_eq!(set.reader.personal_ids().count("patient_id"), 1);
        assert!(set
            .invoice(&crate::Agreement::statutory(), &crate::Amounts::national())
            .is_err());
        set.allow_personal_ids(true);
        assert!(set.measure(&crate::IndicatorOptions::default()).is_ok());
    }

    #[test]
    fn headers() {
        let map = ColumnMap::new(["x", "READY_AT", "care_type", "episode_id"]).unwrap();
        assert_eq!(map.missing_required(), [Field::Municipality]);
        assert!(map.require().is_err());
        let e = ColumnMap::new(["municipality", "Municipality "]).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("column 1") && msg.contains("column 2"),
            "{msg}"
        );
    }
}
