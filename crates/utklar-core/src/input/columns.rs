//! The columnar way in: a slice of rows read field by field, through the same rules as a row.
//!
//! A columnar source (Arrow record batches) hands a [`ColumnBatch`] each field's cells for a
//! slice of rows, one column at a time ([`ColumnBatch::read`]), as typed [`Value`]s that its
//! accessor makes in a loop of its own per layout. Each cell goes through its field's rule in
//! [`value`] — the functions the row reader calls — and the values the measures need land in
//! plain columns ([`EpisodeColumns`]: codes, day numbers, seconds). A row in which any rule
//! found a problem, or a required cell is absent, is read again as a whole [`Row`] by
//! [`EpisodeReader::read_facts`] ([`ColumnBatch::read_rows`]), so its problems, in their order,
//! are those of the row reader; the duplicate check is the reader's own, in row order
//! ([`ColumnBatch::check_duplicates`]) or for many slices at once ([`EpisodeReader::check_runs`],
//! then [`ColumnBatch::mark_repeated`] on a slice begun with [`ColumnBatch::start_checked`]);
//! the checks across fields and negative days are the
//! measure engine's (`rules::check_row`) for every row. Nothing here is a rule.
//!
//! The three steps mirror the two halves of the row reader, so the first and the last may run
//! on worker threads while one thread checks the ids of the slices in row order.
//!
//! ```
//! use utklar_core::input::{ColumnBatch, EpisodeReader, Row, Value};
//! use utklar_core::{Field, IndicatorOptions, MeasureSet, Reason};
//!
//! let ids = ["a", "b", "a"];
//! let munis = [880_i64, 999, 880];
//! let day = 20_150; // 2025-03-03
//! let mut batch = ColumnBatch::new();
//! batch.start(0, 3);
//! batch.read(Field::EpisodeId, ids.iter().map(|&s| Value::Text(s)));
//! batch.read(Field::Municipality, munis.iter().map(|&m| Value::Int(m)));
//! batch.read(Field::CareType, std::iter::repeat(Value::Text("somatic")));
//! batch.read(Field::ReadyAt, std::iter::repeat(Value::Date(day)));
//! batch.read(Field::DischargedAt, std::iter::repeat(Value::DateTime { day: day + 2, second: 36_000 }));
//! // The rows a rule refused, read again whole (here: row 1, an unknown municipality).
//! batch.read_rows(|i, row: &mut Row<'_>| {
//!     row.set(Field::EpisodeId, ids[i]);
//!     row.set(Field::Municipality, munis[i]);
//!     row.set(Field::CareType, "somatic");
//!     row.set(Field::ReadyAt, Value::Date(day));
//!     row.set(Field::DischargedAt, Value::DateTime { day: day + 2, second: 36_000 });
//! });
//! let mut reader = EpisodeReader::new();
//! batch.check_duplicates(&mut reader);
//! let opts = IndicatorOptions::default();
//! let mut set = MeasureSet::new(opts.period);
//! batch.push(&mut set, &opts)?;
//! set.sort_problems_by_row();
//! let set = set.finish(&opts)?;
//! assert_eq!((set.report().rows_in, set.report().counted), (3, 1));
//! assert_eq!(set.report().count(Reason::UnknownMunicipality), 1);
//! assert_eq!(set.report().count(Reason::DuplicateEpisodeId), 1);
//! assert_eq!(set.total().ready_days, 2);
//! # Ok::<(), utklar_core::Error>(())
//! ```

use crate::error::Error;
use crate::measure::engine::{add_columns, EpisodeColumns, IndicatorOptions, MeasureSet};
use crate::model::time::NO_DATE;
use crate::problem::{Field, Problem};

use super::order::IdOrder;
use super::rules::{self, Times};
use super::{repeat_problem, value, EpisodeFacts, EpisodeReader, IdHash, Row, Value};

/// A row the column pass left to the row reader: its index in the slice, the facts
/// [`EpisodeReader::read_facts`] made of it (its id hash goes to the id column), and the end of
/// its problems.
#[derive(Debug, Clone, Copy)]
struct RowRead {
    index: usize,
    facts: Option<EpisodeFacts>,
    end: usize,
}

/// A slice of rows read column by column (see the [module](self)); reused from slice to slice,
/// so reading allocates only as its buffers grow.
#[derive(Debug, Default)]
pub struct ColumnBatch {
    first_row: usize,
    len: usize,
    /// Fields whose cells were given for this slice.
    given: [bool; 14],
    /// Rows for the row reader: a rule found a problem, or a required cell is absent.
    slow: Vec<bool>,
    /// The id hash of each row (the episode id, then the patient id's personal-number bit).
    ids: Vec<Option<IdHash>>,
    /// The slice's ids are checked in runs ([`ColumnBatch::start_checked`]): reading them only
    /// notes the rows without one, and `ids` holds no hash.
    ids_elsewhere: bool,
    /// The order of the ids read by [`read`](Self::read) (see
    /// [`check_duplicates`](Self::check_duplicates)).
    order: IdOrder,
    muni: Vec<u16>,
    care: Vec<u8>,
    ready_day: Vec<i32>,
    ready_sec: Vec<i32>,
    discharge_day: Vec<i32>,
    discharge_sec: Vec<i32>,
    admitted_day: Vec<i32>,
    admitted_sec: Vec<i32>,
    age: Vec<i32>,
    /// The rows read by the row reader, in row order, and their problems.
    read: Vec<RowRead>,
    problems: Vec<Problem>,
    /// Repeated ids: the index of each such row and the end of its problem in `repeats`.
    repeated: Vec<(usize, usize)>,
    repeats: Vec<Problem>,
    /// The clean rows' input rows and columns, gathered by [`push`](Self::push).
    scratch: Scratch,
}

#[derive(Debug, Default)]
struct Scratch {
    rows: Vec<usize>,
    muni: Vec<u16>,
    care: Vec<u8>,
    ready_day: Vec<i32>,
    ready_sec: Vec<i32>,
    discharge_day: Vec<i32>,
    discharge_sec: Vec<i32>,
    admitted_day: Vec<i32>,
    admitted_sec: Vec<i32>,
    age: Vec<i32>,
}

impl ColumnBatch {
    /// An empty batch.
    pub fn new() -> Self {
        ColumnBatch::default()
    }

    /// Starts a slice of `len` rows, the first of which is input row `first_row`; forgets the
    /// previous slice.
    pub fn start(&mut self, first_row: usize, len: usize) {
        self.begin(first_row, len, false);
    }

    /// [`start`](Self::start) for a slice whose duplicate check comes from checking its ids in
    /// runs ([`EpisodeReader::check_runs`], then [`mark_repeated`](Self::mark_repeated)),
    /// which hashed them already: reading the episode ids then only notes the rows without
    /// one (for the row reader), and the ids are not hashed a second time. Such a slice has
    /// no ids for [`check_duplicates`](Self::check_duplicates), which then marks nothing.
    pub fn start_checked(&mut self, first_row: usize, len: usize) {
        self.begin(first_row, len, true);
    }

    fn begin(&mut self, first_row: usize, len: usize, ids_elsewhere: bool) {
        self.ids_elsewhere = ids_elsewhere;
        self.first_row = first_row;
        self.len = len;
        self.given = [false; 14];
        let reset = |v: &mut Vec<i32>, x: i32| {
            v.clear();
            v.resize(len, x);
        };
        self.slow.clear();
        self.slow.resize(len, false);
        self.ids.clear();
        self.ids.resize(len, None);
        self.order.clear();
        self.muni.clear();
        self.muni.resize(len, 0);
        self.care.clear();
        self.care.resize(len, 0);
        reset(&mut self.ready_day, NO_DATE);
        reset(&mut self.ready_sec, -1);
        reset(&mut self.discharge_day, NO_DATE);
        reset(&mut self.discharge_sec, -1);
        reset(&mut self.admitted_day, NO_DATE);
        reset(&mut self.admitted_sec, -1);
        reset(&mut self.age, -1);
        self.read.clear();
        self.problems.clear();
        self.repeated.clear();
        self.repeats.clear();
    }

    /// Rows in the slice.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the slice has no row.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many rows of the slice [`read_rows`](Self::read_rows) read again whole.
    pub fn rows_read_whole(&self) -> usize {
        self.read.len()
    }

    /// Reads the cells of `field` for the slice's rows, in row order (the first `len`; a cell
    /// not given is absent), each through the field's rule in [`value`]. Give each field at
    /// most once a slice, the episode id before the patient id. An iterator whose
    /// `size_hint` is exactly the slice's length (a slice's, mapped) must give that many
    /// cells: it is then read without counting them.
    pub fn read<'v>(&mut self, field: Field, cells: impl IntoIterator<Item = Value<'v>>) {
        let n = self.len;
        self.given[field as usize] = true;
        let cells = cells.into_iter();
        // A column of the slice's length, as its iterator tells (a slice's, mapped): read as
        // it is, so that the loops zip it with the slice's columns without counting.
        if cells.size_hint() == (n, Some(n)) {
            self.read_cells(field, 0, cells);
            return;
        }
        // The cells given, then absent ones up to `n` (a column shorter than the slice).
        let mut given = 0;
        self.read_cells(field, 0, cells.take(n).inspect(|_| given += 1));
        if given < n {
            self.read_cells(field, given, std::iter::repeat_n(Value::Absent, n - given));
        }
    }

    /// Reads the cells of `field` for the slice's rows from a dictionary-encoded column: each
    /// row's key into `dictionary`, a batch in which the field's cells were read once for each
    /// dictionary value ([`read`](Self::read); key `k` is the dictionary's row `k`). Each row
    /// gets what reading its value would give it, without the rule running again; a key past
    /// the dictionary's end is an absent cell. Returns whether it read them: not for the
    /// patient id, whose reading depends on the row's episode id (give its values with
    /// [`read`](Self::read)). Worth it when the dictionary is much smaller than the column.
    ///
    /// ```
    /// use utklar_core::input::{ColumnBatch, Value};
    /// use utklar_core::Field;
    ///
    /// let values = ["0880", "0999", "0180"];
    /// let mut dictionary = ColumnBatch::new();
    /// dictionary.start(0, values.len());
    /// dictionary.read(Field::Municipality, values.iter().map(|&v| Value::Text(v)));
    /// let keys = [0, 2, 1, 0];
    /// let (mut by_key, mut by_value) = (ColumnBatch::new(), ColumnBatch::new());
    /// by_key.start(0, keys.len());
    /// assert!(by_key.read_dictionary(Field::Municipality, &dictionary, keys.iter().copied()));
    /// by_value.start(0, keys.len());
    /// by_value.read(Field::Municipality, keys.iter().map(|&k| Value::Text(values[k])));
    /// assert_eq!(format!("{by_key:?}"), format!("{by_value:?}"));
    /// ```
    pub fn read_dictionary(
        &mut self,
        field: Field,
        dictionary: &ColumnBatch,
        keys: impl IntoIterator<Item = usize>,
    ) -> bool {
        if field == Field::PatientId {
            return false;
        }
        let n = self.len;
        self.given[field as usize] = true;
        if field == Field::EpisodeId {
            // Ids by key are not followed: their order is unknown.
            self.order.give_up();
        }
        // The outcome of an absent cell, for keys past the dictionary.
        let mut absent = ColumnBatch::new();
        absent.start(0, 1);
        absent.read(field, [Value::Absent]);
        let mut keys = keys.into_iter();
        for i in 0..n {
            let (from, k) = match keys.next() {
                Some(k) if k < dictionary.len => (dictionary, k),
                _ => (&absent, 0),
            };
            self.slow[i] |= from.slow[k];
            match field {
                Field::EpisodeId => self.ids[i] = from.ids[k],
                Field::Municipality => self.muni[i] = from.muni[k],
                Field::CareType => self.care[i] = from.care[k],
                Field::ReadyAt => {
                    self.ready_day[i] = from.ready_day[k];
                    self.ready_sec[i] = from.ready_sec[k];
                }
                Field::AdmittedAt => {
                    self.admitted_day[i] = from.admitted_day[k];
                    self.admitted_sec[i] = from.admitted_sec[k];
                }
                Field::DischargedAt => {
                    self.discharge_day[i] = from.discharge_day[k];
                    self.discharge_sec[i] = from.discharge_sec[k];
                }
                Field::Age => self.age[i] = from.age[k],
                // Checked only: the slow mark is all.
                Field::PatientId
                | Field::HomeReadyAt
                | Field::PlannedDischargeDate
                | Field::AdmissionNoticeSent
                | Field::SipRequired
                | Field::SipCalled
                | Field::RegionBlocked => {}
            }
        }
        true
    }

    /// Reads a column whose every cell is one of `domain` (a boolean column: `false`, `true` and
    /// absent) without looking at its cells, when that settles it: the field is a flag (whose
    /// value the measures do not keep) and its rule accepts every value of the domain. Returns
    /// whether it did; when not, give the cells with [`read`](Self::read).
    pub fn read_domain(&mut self, field: Field, domain: &[Value<'_>]) -> bool {
        let settled =
            value::flag_default(field).is_some() && domain.iter().all(|&v| value::flag(v).is_ok());
        if settled {
            self.given[field as usize] = true;
        }
        settled
    }

    /// [`read`](Self::read) of the cells of rows `at..`.
    #[inline]
    fn read_cells<'v>(&mut self, field: Field, at: usize, cells: impl Iterator<Item = Value<'v>>) {
        let n = self.len;
        let slow = &mut self.slow[at..n];
        match field {
            Field::EpisodeId if self.ids_elsewhere => {
                for (v, s) in cells.zip(slow) {
                    *s |= value::id(v).is_none();
                }
            }
            Field::PatientId if self.ids_elsewhere => {}
            Field::EpisodeId => {
                let mut order = self.order.begin();
                for ((v, id), s) in cells.zip(&mut self.ids[at..n]).zip(slow) {
                    match value::id(v) {
                        Some(t) => {
                            order.next(&t);
                            *id = Some(IdHash::of(t.as_str()));
                        }
                        None => *s = true,
                    }
                }
            }
            Field::PatientId => {
                for (v, id) in cells.zip(&mut self.ids[at..n]) {
                    if let (Some(h), Some(p)) = (id.as_mut(), value::id(v)) {
                        *h = h.with_patient(Some(p.as_str()));
                    }
                }
            }
            Field::Municipality => {
                for ((v, m), s) in cells.zip(&mut self.muni[at..n]).zip(slow) {
                    match value::municipality_code(v) {
                        Ok(Some(code)) => *m = code,
                        _ => *s = true,
                    }
                }
            }
            Field::CareType => {
                for ((v, c), s) in cells.zip(&mut self.care[at..n]).zip(slow) {
                    match value::care_type(v) {
                        Ok(Some(k)) => *c = k as u8,
                        _ => *s = true,
                    }
                }
            }
            Field::ReadyAt => notices(
                cells,
                &mut self.ready_day[at..n],
                &mut self.ready_sec[at..n],
                slow,
                true,
            ),
            Field::AdmittedAt => notices(
                cells,
                &mut self.admitted_day[at..n],
                &mut self.admitted_sec[at..n],
                slow,
                false,
            ),
            Field::DischargedAt => notices(
                cells,
                &mut self.discharge_day[at..n],
                &mut self.discharge_sec[at..n],
                slow,
                false,
            ),
            Field::HomeReadyAt => {
                for (v, s) in cells.zip(slow) {
                    *s |= value::notice_parts(v).is_err();
                }
            }
            Field::PlannedDischargeDate => {
                for (v, s) in cells.zip(slow) {
                    *s |= value::date_day(v).is_err();
                }
            }
            Field::Age => {
                for ((v, a), s) in cells.zip(&mut self.age[at..n]).zip(slow) {
                    match value::age(v) {
                        Ok(age) => *a = age.map_or(-1, i32::from),
                        Err(_) => *s = true,
                    }
                }
            }
            Field::AdmissionNoticeSent
            | Field::SipRequired
            | Field::SipCalled
            | Field::RegionBlocked => {
                for (v, s) in cells.zip(slow) {
                    *s |= value::flag(v).is_err();
                }
            }
        }
    }

    /// Reads again, as whole rows through [`EpisodeReader::read_facts`], every row in which a
    /// rule found a problem or a required cell is absent: `fill(i, row)` sets row `i`'s cells
    /// (`i` counted from the slice's first row) on a row whose fields are all absent. Call it
    /// once, after the last [`read`](Self::read) of the slice.
    pub fn read_rows<'v>(&mut self, mut fill: impl FnMut(usize, &mut Row<'v>)) {
        // A required field whose cells were not given is absent in every row.
        if [
            Field::EpisodeId,
            Field::Municipality,
            Field::CareType,
            Field::ReadyAt,
        ]
        .iter()
        .any(|&f| !self.given[f as usize])
        {
            self.slow.iter_mut().for_each(|s| *s = true);
        }
        let mut row = Row::default();
        for index in (0..self.len).filter(|&i| self.slow[i]) {
            row.clear();
            fill(index, &mut row);
            let (id, facts) =
                EpisodeReader::read_facts(self.first_row + index, &row, &mut self.problems);
            self.ids[index] = id;
            self.read.push(RowRead {
                index,
                facts,
                end: self.problems.len(),
            });
        }
    }

    /// The duplicate check of every row of the slice, in row order (the slice must follow the
    /// ones `reader` has seen): remembers the ids and marks the rows whose id repeats.
    pub fn check_duplicates(&mut self, reader: &mut EpisodeReader) {
        // A few hundred ids at a time: their slots, read first, are still in the cache and
        // their pages in the TLB when they are checked.
        const AT_ONCE: usize = 512;
        // Ids in order after every id the reader met (each row's, as `read` followed them):
        // none repeats, and the reader holds them apart.
        if reader.check_in_order(&self.order, self.ids.iter().flatten().copied()) {
            return;
        }
        reader.reserve(self.len);
        for (k, chunk) in self.ids.chunks(AT_ONCE).enumerate() {
            reader.prefetch(chunk.iter().flatten().copied());
            for (j, id) in chunk.iter().enumerate() {
                if let Some(id) = *id {
                    let i = k * AT_ONCE + j;
                    let before = self.repeats.len();
                    reader.check_duplicate(self.first_row + i, id, &mut self.repeats);
                    if self.repeats.len() > before {
                        self.repeated.push((i, self.repeats.len()));
                    }
                }
            }
        }
    }

    /// The duplicate check of the slice's rows from its result over many rows at once:
    /// `repeated` holds the input rows whose id repeats, ascending, as
    /// [`EpisodeReader::check_runs`] returns them for runs that include this slice (those
    /// outside the slice are skipped). Marks the rows as [`check_duplicates`] would; use one or
    /// the other for a slice.
    ///
    /// [`check_duplicates`]: Self::check_duplicates
    pub fn mark_repeated(&mut self, repeated: &[usize]) {
        let from = repeated.partition_point(|&r| r < self.first_row);
        let to = repeated.partition_point(|&r| r < self.first_row + self.len);
        for &row in &repeated[from..to] {
            self.repeats.push(repeat_problem(row));
            self.repeated
                .push((row - self.first_row, self.repeats.len()));
        }
    }

    /// Adds every row of the slice, checked for repeated ids, to `set` (of `opts.period`), as
    /// the row reader's rows are added ([`MeasureSet::push_facts`] or
    /// [`MeasureSet::push_problems`]): the clean rows through the measure engine's columnar
    /// path, with their input rows. The problems of the slice's rows are added in row order
    /// (a row's own in the row reader's order), after those already in `set`.
    pub fn push(&mut self, set: &mut MeasureSet, opts: &IndicatorOptions) -> Result<(), Error> {
        let before = set.report().problems.len();
        let pushed = self.push_unsorted(set, opts);
        set.sort_problems_from(before);
        pushed
    }

    /// [`push`](Self::push), the problems of rows read whole first, then those the measure
    /// engine found in the clean ones.
    fn push_unsorted(
        &mut self,
        set: &mut MeasureSet,
        opts: &IndicatorOptions,
    ) -> Result<(), Error> {
        if self.read.is_empty() && self.repeated.is_empty() {
            // Every row clean (the common slice): the columns as they are.
            let cols = EpisodeColumns {
                municipality: &self.muni,
                care_type: &self.care,
                ready_day: &self.ready_day,
                discharge_day: &self.discharge_day,
                ready_second: Some(&self.ready_sec),
                discharge_second: Some(&self.discharge_sec),
                admitted_day: self.given[Field::AdmittedAt as usize]
                    .then_some(&self.admitted_day[..]),
                admitted_second: Some(&self.admitted_sec),
                age: Some(&self.age),
                row_offset: self.first_row,
            };
            return add_columns(set, &cols, None, opts);
        }
        let mut s = std::mem::take(&mut self.scratch);
        s.clear();
        let mut repeated = self.repeated.iter().peekable();
        let mut repeat_start = 0;
        let mut read = self.read.iter().peekable();
        let mut read_start = 0;
        for i in 0..self.len {
            let row = self.first_row + i;
            let repeats = match repeated.next_if(|(at, _)| *at == i) {
                Some(&(_, end)) => {
                    let p = &self.repeats[repeat_start..end];
                    repeat_start = end;
                    p
                }
                None => &[],
            };
            if let Some(r) = read.next_if(|r| r.index == i) {
                let own = &self.problems[read_start..r.end];
                read_start = r.end;
                match &r.facts {
                    Some(facts) if own.is_empty() && repeats.is_empty() => {
                        set.push_facts(row, facts, opts);
                    }
                    _ => {
                        let mut problems = Vec::with_capacity(own.len() + repeats.len());
                        problems.extend_from_slice(own);
                        problems.extend_from_slice(repeats);
                        set.push_problems(problems);
                    }
                }
            } else if repeats.is_empty() {
                s.push(row, self, i);
            } else {
                // Every cell was read, but the id repeats: the row's own problems are the
                // order checks of the row reader, then the repeat.
                let mut problems = Vec::new();
                rules::order_problems(row, &self.times(i), &mut problems);
                problems.extend_from_slice(repeats);
                set.push_problems(problems);
            }
        }
        let cols = EpisodeColumns {
            municipality: &s.muni,
            care_type: &s.care,
            ready_day: &s.ready_day,
            discharge_day: &s.discharge_day,
            ready_second: Some(&s.ready_sec),
            discharge_second: Some(&s.discharge_sec),
            admitted_day: self.given[Field::AdmittedAt as usize].then_some(&s.admitted_day[..]),
            admitted_second: Some(&s.admitted_sec),
            age: Some(&s.age),
            row_offset: 0,
        };
        let added = add_columns(set, &cols, Some(&s.rows), opts);
        self.scratch = s;
        added
    }

    fn times(&self, i: usize) -> Times {
        Times {
            admitted_day: self.admitted_day[i],
            admitted_sec: self.admitted_sec[i],
            ready_day: self.ready_day[i],
            ready_sec: self.ready_sec[i],
            discharge_day: self.discharge_day[i],
            discharge_sec: self.discharge_sec[i],
        }
    }
}

impl Scratch {
    fn clear(&mut self) {
        self.rows.clear();
        self.muni.clear();
        self.care.clear();
        self.ready_day.clear();
        self.ready_sec.clear();
        self.discharge_day.clear();
        self.discharge_sec.clear();
        self.admitted_day.clear();
        self.admitted_sec.clear();
        self.age.clear();
    }

    #[inline]
    fn push(&mut self, row: usize, b: &ColumnBatch, i: usize) {
        self.rows.push(row);
        self.muni.push(b.muni[i]);
        self.care.push(b.care[i]);
        self.ready_day.push(b.ready_day[i]);
        self.ready_sec.push(b.ready_sec[i]);
        self.discharge_day.push(b.discharge_day[i]);
        self.discharge_sec.push(b.discharge_sec[i]);
        self.admitted_day.push(b.admitted_day[i]);
        self.admitted_sec.push(b.admitted_sec[i]);
        self.age.push(b.age[i]);
    }
}

/// The cells of a notice field through [`value::notice_parts`]: day and second of each row, or
/// the row marked for the row reader (a problem, or absent when `required`).
#[inline]
fn notices<'v>(
    cells: impl Iterator<Item = Value<'v>>,
    day: &mut [i32],
    sec: &mut [i32],
    slow: &mut [bool],
    required: bool,
) {
    for (((v, d), t), s) in cells.zip(day).zip(sec).zip(slow) {
        match value::notice_parts(v) {
            Ok(Some((dd, ss))) => {
                *d = dd;
                *t = ss;
            }
            Ok(None) => *s |= required,
            Err(_) => *s = true,
        }
    }
}
