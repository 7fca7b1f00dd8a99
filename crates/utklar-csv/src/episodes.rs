//! Episode files: the header mapped to the core's fields, each record as a [`RawEpisode`]
//! with its line, and whole files read into episodes and problems.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use utklar_core::input::{value, AlsoBy, ColumnBatch, ColumnMap, EpisodeSet, IdOrder, Value};
use utklar_core::validate::{EpisodeFacts, EpisodeReader, Field, IdHash, RawEpisode};
use utklar_core::{Episode, Problem};

use crate::reader::{CsvReader, Record};
use crate::Error;

/// The column of each field the header names (`(column index, field)`, in header order).
pub type Columns = Vec<(usize, Field)>;

/// Maps a header to the core's fields (matched case-insensitively, surrounding spaces
/// ignored; other columns are ignored). Errors: no known column at all ([`Error::NoHeader`]),
/// two columns for one field ([`Error::DuplicateColumn`]), a required field missing
/// ([`Error::MissingColumn`]).
///
/// ```
/// use utklar_core::validate::Field;
/// let header = ["Episode_ID", "kommun", "MUNICIPALITY", "care_type", "ready_at"].map(String::from);
/// let columns = utklar_csv::map_header(&header)?;
/// assert_eq!(columns[1], (2, Field::Municipality));
///
/// let twice = ["episode_id", "MUNICIPALITY", "municipality"].map(String::from);
/// let e = utklar_csv::map_header(&twice).unwrap_err();
/// assert!(e.to_string().contains("`MUNICIPALITY` and `municipality`"), "{e}");
/// # Ok::<(), utklar_csv::Error>(())
/// ```
pub fn map_header(header: &[String]) -> Result<Columns, Error> {
    // The core maps the names (its rule: case, spaces, a byte-order mark; two columns naming
    // one field are refused); this names the two columns in the file's terms.
    let map = match ColumnMap::new(header) {
        Ok(map) => map,
        Err(e) => {
            return Err(match ColumnMap::duplicate(header) {
                Some((field, first, second)) => Error::DuplicateColumn {
                    field: field.as_str(),
                    first: header[first].clone(),
                    second: header[second].clone(),
                },
                None => Error::Refused(e),
            })
        }
    };
    let mut columns: Columns = map.fields().collect();
    columns.sort_unstable_by_key(|&(i, _)| i);
    if columns.is_empty() {
        return Err(Error::NoHeader {
            required: Field::REQUIRED.iter().map(|f| f.as_str()).collect(),
        });
    }
    if let Some(r) = map.missing_required().first() {
        return Err(Error::MissingColumn {
            column: r.as_str(),
            header: crate::error::shown_header(header),
        });
    }
    Ok(columns)
}

/// The text of one record's fields: [`Error::NotUtf8`] naming the line and column when a
/// cell is not UTF-8.
pub(crate) fn raw_of<'r>(
    record: &'r Record,
    columns: &[(usize, Field)],
) -> Result<RawEpisode<'r>, Error> {
    let mut raw = RawEpisode::default();
    fill_raw(&mut raw, record, columns)?;
    Ok(raw)
}

/// [`raw_of`] into a row the caller holds (every field absent), so that the row is not
/// moved on its way to the checks.
#[inline]
pub(crate) fn fill_raw<'r>(
    raw: &mut RawEpisode<'r>,
    record: &'r Record,
    columns: &[(usize, Field)],
) -> Result<(), Error> {
    // Fast path: one UTF-8 check of the whole record, then each field sliced out of it (a
    // slice of valid text cut at character boundaries is valid text, so this accepts exactly
    // what checking field by field accepts). Otherwise field by field, for the message.
    if let Ok(text) = std::str::from_utf8(record.as_slice()) {
        let (ends, gap) = (record.ends(), record.gap());
        let cut = columns.iter().try_for_each(|&(i, f)| {
            if let Some(&end) = ends.get(i) {
                let start = if i == 0 { 0 } else { ends[i - 1] + gap };
                raw.set(f, text.get(start..end).ok_or(())?);
            }
            Ok::<(), ()>(())
        });
        if cut.is_ok() {
            return Ok(());
        }
        raw.clear();
    }
    for &(i, f) in columns {
        if let Some(bytes) = record.get(i) {
            let text = std::str::from_utf8(bytes).map_err(|_| Error::NotUtf8 {
                line: record.line(),
                column: f.as_str().to_string(),
            })?;
            raw.set(f, text);
        }
    }
    Ok(())
}

/// A cell's text as the input layer's value (absent when the record has no such cell).
#[inline]
fn text_value(cell: Option<&str>) -> Value<'_> {
    cell.map_or(Value::Absent, Value::Text)
}

/// One data row read and checked: its 0-based row number, its line and the episode or
/// every problem of the row.
#[derive(Debug, Clone)]
pub struct EpisodeRow {
    /// 0-based data row (the header is not a row): the row number problems name.
    pub row: usize,
    /// 1-based line in the file where the record starts (the header is line 1).
    pub line: u64,
    /// The episode, or every problem of the row (the core's checks, including repeated ids).
    pub result: Result<Episode, Vec<Problem>>,
    /// The `episode_id` of a row that is no episode, when it has one.
    pub episode_id: Option<String>,
    /// The row's values of the columns asked for with `also_by` (empty otherwise).
    pub also: Vec<Option<String>>,
}

/// An episode file: a [`CsvReader`] whose header is mapped to the core's fields.
///
/// Iterating it gives each row checked by the core's [`EpisodeReader`] (repeated ids
/// included), with its line; [`next_raw`](Self::next_raw) gives the text of each row
/// instead, for a caller that checks rows itself. Reading stops at the first [`Error`] (a
/// record of the wrong shape, a cell that is not UTF-8), which the iterator yields last.
///
/// ```
/// use utklar_core::{Field, Reason};
/// use utklar_csv::EpisodeFile;
///
/// let text = "episode_id;municipality;care_type;ready_at;discharged_at\r\n\
///             e1;0880;somatic;2025-03-03;2025-03-05\r\n\
///             e2;0999;somatic;2025-03-03;2025-03-04\r\n";
/// let rows: Vec<_> = EpisodeFile::from_bytes(text.as_bytes())?.collect::<Result<_, _>>()?;
/// assert_eq!(rows[0].result.as_ref().unwrap().ready_days(), Some(2));
/// let problems = rows[1].result.as_ref().unwrap_err();
/// assert_eq!((rows[1].row, rows[1].line), (1, 3));
/// assert_eq!((problems[0].field, problems[0].reason), (Field::Municipality, Reason::UnknownMunicipality));
/// # Ok::<(), utklar_csv::Error>(())
/// ```
pub struct EpisodeFile<R> {
    csv: CsvReader<R>,
    columns: Columns,
    reader: EpisodeReader,
    record: Record,
    row: usize,
    failed: bool,
    also: AlsoBy,
}

impl EpisodeFile<File> {
    /// Opens an episode file and maps its header.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        EpisodeFile::new(CsvReader::open(path)?)
    }
}

impl<'a> EpisodeFile<&'a [u8]> {
    /// Reads an episode file held in memory.
    pub fn from_bytes(data: &'a [u8]) -> Result<Self, Error> {
        EpisodeFile::new(CsvReader::from_bytes(data)?)
    }
}

impl<R: Read> EpisodeFile<R> {
    /// Reads an episode file from any source.
    pub fn from_reader(source: R) -> Result<Self, Error> {
        EpisodeFile::new(CsvReader::new(source)?)
    }

    /// Maps the header of an opened CSV file (see [`map_header`]).
    pub fn new(csv: CsvReader<R>) -> Result<Self, Error> {
        let columns = map_header(csv.header())?;
        Ok(EpisodeFile {
            csv,
            columns,
            reader: EpisodeReader::new(),
            record: Record::new(),
            row: 0,
            failed: false,
            also: AlsoBy::default(),
        })
    }

    /// The CSV file underneath (header, delimiter, bytes read, size).
    pub fn csv(&self) -> &CsvReader<R> {
        &self.csv
    }

    /// The column of each field.
    pub fn columns(&self) -> &[(usize, Field)] {
        &self.columns
    }

    /// The next row's number, line and text, `None` at the end of the file. The row is not
    /// checked (its id is not remembered for the repeated-id check of the iterator).
    ///
    /// ```
    /// use utklar_core::validate::{EpisodeReader, Field};
    ///
    /// let text = b"episode_id,municipality,care_type,ready_at\ne1,\"08\n80\",somatic,2025-03-03\ne2,0880,somatic,2025-03-04\n";
    /// let mut file = utklar_csv::EpisodeFile::from_bytes(text)?;
    /// let mut reader = EpisodeReader::new();
    /// let mut lines = Vec::new();
    /// while let Some((row, line, raw)) = file.next_raw()? {
    ///     lines.push((row, line, raw.get(Field::Municipality).map(str::len)));
    ///     let _checked = reader.read(row, &raw);
    /// }
    /// assert_eq!(lines, [(0, 2, Some(5)), (1, 4, Some(4))]);
    /// # Ok::<(), utklar_csv::Error>(())
    /// ```
    pub fn next_raw(&mut self) -> Result<Option<(usize, u64, RawEpisode<'_>)>, Error> {
        if !self.csv.read_record(&mut self.record)? {
            return Ok(None);
        }
        let row = self.row;
        self.row += 1;
        let raw = raw_of(&self.record, &self.columns)?;
        Ok(Some((row, self.record.line(), raw)))
    }

    /// The number of data rows read so far.
    pub fn rows_read(&self) -> usize {
        self.row
    }

    /// Lets ids that look like personal identity numbers through; by default the end of the
    /// file is [`Error::Refused`] when any id looked like one (see
    /// [`EpisodeReader::allow_personal_ids`]).
    pub fn allow_personal_ids(&mut self, allow: bool) {
        self.reader.allow_personal_ids(allow);
    }

    /// Whether ids that look like personal identity numbers are let through.
    pub fn allows_personal_ids(&self) -> bool {
        self.reader.allows_personal_ids()
    }

    /// Carries the cells of the caller's columns `names` with each row of
    /// [`next_row`](Self::next_row) ([`EpisodeRow::also`]; see [`AlsoBy`]): a name the header
    /// lacks, or one of the fields, is [`Error::Refused`].
    pub fn also_by(&mut self, names: &[String]) -> Result<(), Error> {
        self.also = AlsoBy::new(names, self.csv.header()).map_err(Error::Refused)?;
        Ok(())
    }

    /// The next row checked, `None` at the end (also after an error was returned). At the
    /// end, [`Error::Refused`] when ids looked like personal identity numbers and they are not
    /// allowed.
    pub fn next_row(&mut self) -> Result<Option<EpisodeRow>, Error> {
        if self.failed {
            return Ok(None);
        }
        let mut raw = RawEpisode::default();
        let next = match self.csv.read_record(&mut self.record) {
            Ok(true) => fill_raw(&mut raw, &self.record, &self.columns).map(Some),
            Ok(false) => self.reader.finish().map(|()| None).map_err(Error::Refused),
            Err(e) => Err(e),
        };
        match next {
            Ok(Some(())) => {
                let row = self.row;
                self.row += 1;
                let result = self.reader.read(row, &raw);
                let episode_id = if result.is_err() {
                    value::id(raw.value(Field::EpisodeId)).map(|id| id.as_str().to_string())
                } else {
                    None
                };
                let record = &self.record;
                let cells = self.also.columns().iter().map(|&i| {
                    record
                        .get(i)
                        .and_then(|b| std::str::from_utf8(b).ok())
                        .map_or(Value::Absent, Value::Text)
                });
                let also = if self.also.is_empty() {
                    Vec::new()
                } else {
                    self.reader.read_also(&self.also, cells)
                };
                Ok(Some(EpisodeRow {
                    row,
                    line: self.record.line(),
                    result,
                    episode_id,
                    also,
                }))
            }
            Ok(None) => Ok(None),
            Err(e) => {
                self.failed = true;
                Err(e)
            }
        }
    }

    /// The next row checked as [`next_row`](Self::next_row) checks it (repeated ids
    /// included, the same problems in the same order), without building an episode or
    /// copying its ids: its row number, its line and its facts when it has no problem;
    /// `problems` is emptied first and holds the row's problems after. `None` at the end
    /// (with [`Error::Refused`] there as `next_row` has it, and after an error).
    pub(crate) fn next_facts(
        &mut self,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<(usize, u64, Option<EpisodeFacts>)>, Error> {
        problems.clear();
        if self.failed {
            return Ok(None);
        }
        let mut raw = RawEpisode::default();
        let read = match self.csv.read_record(&mut self.record) {
            Ok(true) => fill_raw(&mut raw, &self.record, &self.columns).map(|()| true),
            Ok(false) => self.reader.finish().map(|()| false).map_err(Error::Refused),
            Err(e) => Err(e),
        };
        match read {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(e) => {
                self.failed = true;
                return Err(e);
            }
        }
        let row = self.row;
        self.row += 1;
        let (id, facts) = EpisodeReader::read_facts(row, &raw, problems);
        if let Some(id) = id {
            self.reader.check_duplicate(row, id, problems);
        }
        let facts = facts.filter(|_| problems.is_empty());
        Ok(Some((row, self.record.line(), facts)))
    }

    /// Reads up to `max` records into `batch` (emptied first) and checks the first `parse`
    /// of them (see [`Batch::parse_rest`] for the others). Returns `true` when the file is
    /// done: at its end, or at an error, which is put in `batch.end` after the rows read
    /// before it. The repeated-id check is the caller's ([`EpisodeReader::check_duplicate`]
    /// in row order); this is the reading half of [`crate::measure`].
    pub fn fill(&mut self, batch: &mut Batch, max: usize, parse: usize) -> bool {
        let done = self.fill_records(batch, max);
        batch.parse_until(parse.min(batch.len), &self.columns);
        done || batch.end.is_some()
    }

    /// [`fill`](Self::fill) for the columnar way: reads up to `max` records into `batch` and
    /// reads the first `read` of them column by column ([`Batch::read_columns_rest`] reads the
    /// others). Returns `true` when the file is done. The repeated-id check is the caller's
    /// ([`ColumnBatch::check_duplicates`] on each of [`Batch::slices_mut`], in order).
    pub fn fill_columns(&mut self, batch: &mut Batch, max: usize, read: usize) -> bool {
        let done = self.fill_records(batch, max);
        batch.read_slice(0, read.min(batch.len), &self.columns);
        done || batch.end.is_some()
    }

    /// Reads up to `max` records into `batch`, emptied first; `true` at the end of the file or
    /// at an error (put in `batch.end`).
    fn fill_records(&mut self, batch: &mut Batch, max: usize) -> bool {
        batch.len = 0;
        batch.split = 0;
        batch.rows.clear();
        batch.problems.clear();
        batch.order.clear();
        batch.end = None;
        batch.first_row = self.row;
        let mut done = false;
        while batch.len < max {
            if batch.records.len() == batch.len {
                batch.records.push(Record::new());
            }
            match self.csv.read_record(&mut batch.records[batch.len]) {
                Ok(true) => {}
                Ok(false) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    batch.end = Some(e);
                    done = true;
                    break;
                }
            }
            self.row += 1;
            batch.len += 1;
        }
        batch.bytes = self.csv.bytes_read();
        done
    }
}

impl<R: Read> Iterator for EpisodeFile<R> {
    type Item = Result<EpisodeRow, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().transpose()
    }
}

/// Records read by [`EpisodeFile::fill`] and checked but for repeated ids, by the reading
/// thread or, for the rest, by [`Batch::parse_rest`]; reused from batch to batch, so reading
/// allocates nothing per row.
#[derive(Default)]
pub struct Batch {
    /// The 0-based data row of the first record.
    pub first_row: usize,
    /// Bytes of the file read after the last record (for a progress bar).
    pub bytes: u64,
    records: Vec<Record>,
    len: usize,
    /// The rows checked so far, in file order.
    pub rows: Vec<BatchRow>,
    /// The problems of every row, in order (`BatchRow::problems_end` marks each row's end).
    pub problems: Vec<Problem>,
    /// The error that stopped reading after these records.
    pub end: Option<Error>,
    /// The records read column by column: the first `split` of them, then the others.
    slices: [ColumnBatch; 2],
    split: usize,
    /// The order of the ids of the rows checked so far ([`ids_in_order`](Self::ids_in_order)).
    order: IdOrder,
}

impl Batch {
    /// Checks the records from `rows.len()` up to `until`; at a cell that is not UTF-8 text,
    /// drops that record and those after it and ends the batch with the error.
    fn parse_until(&mut self, until: usize, columns: &[(usize, Field)]) {
        let Batch {
            records,
            rows,
            problems,
            order,
            ..
        } = self;
        // The ids followed for their order as they are read (the reading thread's rows first,
        // then the rest).
        let mut order = order.begin();
        while rows.len() < until {
            let i = rows.len();
            let record = &records[i];
            let mut raw = RawEpisode::default();
            if let Err(e) = fill_raw(&mut raw, record, columns) {
                self.len = i;
                self.end = Some(e);
                return;
            }
            if let Some(id) = value::id(raw.value(Field::EpisodeId)) {
                order.next(&id);
            }
            let (id, facts) = EpisodeReader::read_facts(self.first_row + i, &raw, problems);
            rows.push(BatchRow {
                line: record.line(),
                id,
                facts,
                problems_end: problems.len(),
            });
        }
    }

    /// The order of the ids of the rows checked (for
    /// [`EpisodeReader::check_in_order`], with their [`BatchRow::id`]s).
    pub fn ids_in_order(&self) -> &IdOrder {
        &self.order
    }

    /// Record `i` of the batch.
    pub(crate) fn record(&self, i: usize) -> &Record {
        &self.records[i]
    }

    /// Checks the records the reading thread left unchecked, so that `rows` holds them all.
    pub fn parse_rest(&mut self, columns: &[(usize, Field)]) {
        self.parse_until(self.len, columns);
    }

    /// Reads the records [`EpisodeFile::fill_columns`] left, column by column, so that the
    /// two [`slices_mut`](Self::slices_mut) hold them all.
    pub fn read_columns_rest(&mut self, columns: &[(usize, Field)]) {
        self.read_slice(1, self.len, columns);
    }

    /// The batch's records read column by column, in two consecutive slices of rows (the
    /// first read by [`EpisodeFile::fill_columns`], the second by
    /// [`read_columns_rest`](Self::read_columns_rest)); either may be empty.
    pub fn slices_mut(&mut self) -> &mut [ColumnBatch; 2] {
        &mut self.slices
    }

    /// The 1-based line of data row `row` when the batch holds it.
    pub fn line_of(&self, row: usize) -> Option<u64> {
        let i = row.checked_sub(self.first_row)?;
        (i < self.len).then(|| self.records[i].line())
    }

    /// Reads records `from..until` (the first slice's end, or the batch's) into slice
    /// `which` through the core's columnar reader: each field's cells through its rule, the
    /// rows with a problem again whole. At a mapped cell that is not UTF-8 text, the batch ends
    /// before that record with the error (as [`parse_until`](Self::parse_until) ends it).
    pub(crate) fn read_slice(&mut self, which: usize, until: usize, columns: &[(usize, Field)]) {
        let from = if which == 0 { 0 } else { self.split };
        let until = until.clamp(from, self.len);
        // The episode id before the patient id, as the columnar reader wants them.
        let ordered: Vec<(usize, Field)> = columns
            .iter()
            .filter(|c| c.1 == Field::EpisodeId)
            .chain(columns.iter().filter(|c| c.1 != Field::EpisodeId))
            .copied()
            .collect();
        // Every mapped cell, column by column (each column pushed in row order, so nothing is
        // written twice), in one pass over the records, which the columns' loops would otherwise each chase
        // through memory. A record's text is checked once when it is UTF-8 and its cells are
        // cut at character boundaries; otherwise each cell on its own (the row reader's way,
        // which names a cell that is not text: the batch then ends before that record).
        let stride = until - from;
        let mut cells: Vec<Vec<Option<&str>>> =
            ordered.iter().map(|_| Vec::with_capacity(stride)).collect();
        let mut n = stride;
        let mut bad = None;
        for (k, record) in self.records[from..until].iter().enumerate() {
            let whole = std::str::from_utf8(record.as_slice()).ok();
            let mut cut = whole.is_some();
            let (ends, gap) = (record.ends(), record.gap());
            for (column_cells, &(column, _)) in cells.iter_mut().zip(&ordered) {
                // Field `column` lies between the previous field's end (and the gap) and its
                // own end (`Record::range`).
                let cell = match ends.get(column) {
                    Some(&end) => {
                        let start = match column.checked_sub(1) {
                            Some(previous) => ends[previous] + gap,
                            None => 0,
                        };
                        let cell = whole.and_then(|t| t.get(start..end));
                        cut &= cell.is_some();
                        cell
                    }
                    None => None,
                };
                column_cells.push(cell);
            }
            if !cut {
                match fill_raw(&mut RawEpisode::default(), record, columns) {
                    Ok(()) => {
                        for (j, &(column, _)) in ordered.iter().enumerate() {
                            cells[j][k] =
                                record.get(column).and_then(|b| std::str::from_utf8(b).ok());
                        }
                    }
                    Err(e) => {
                        (n, bad) = (k, Some(e));
                        break;
                    }
                }
            }
        }
        if let Some(e) = bad {
            self.len = from + n;
            self.end = Some(e);
        }
        if which == 0 {
            self.split = from + n;
        }
        let slice = &mut self.slices[which];
        slice.start(self.first_row + from, n);
        for (j, &(_, field)) in ordered.iter().enumerate() {
            slice.read(field, cells[j][..n].iter().map(|&c| text_value(c)));
        }
        slice.read_rows(|k, row| {
            for (j, &(_, field)) in ordered.iter().enumerate() {
                row.set(field, text_value(cells[j][k]));
            }
        });
    }
}

/// One checked row of a [`Batch`].
#[derive(Debug, Clone, Copy)]
pub struct BatchRow {
    /// 1-based line in the file where the record starts.
    pub line: u64,
    /// The hash of its episode id, when it has one.
    pub id: Option<IdHash>,
    /// Its values, when no problem was found (repeated ids are not checked yet).
    pub facts: Option<EpisodeFacts>,
    /// The end of its problems in `Batch::problems` (they start where the previous row's end).
    pub problems_end: usize,
}

/// A whole episode file read into the core's [`EpisodeSet`] (the episodes, and the rows that
/// could not be read with their problems and ids), with the line of every row.
#[derive(Debug, Default)]
pub struct Episodes {
    /// The rows, read through the core's input layer.
    pub set: EpisodeSet,
    /// The line of every data row (index: the 0-based row).
    pub lines: Vec<u64>,
}

impl Episodes {
    /// Data rows read (the header is not one).
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// Every problem, in row order.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> + '_ {
        self.set.unreadable().iter().flat_map(|u| &u.problems)
    }

    /// The 1-based line where data row `row` starts.
    pub fn line(&self, row: usize) -> Option<u64> {
        self.lines.get(row).copied()
    }
}

/// Reads every row of an episode file: each is an episode or the problems that keep it from
/// being one (the core's checks, repeated ids included).
///
/// ```
/// use utklar_core::Reason;
///
/// let dir = std::env::temp_dir().join(format!("utklar-csv-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("episodes.csv");
/// std::fs::write(&path, "episode_id,municipality,care_type,ready_at\r\ne1,0880,somatic,2025-03-03\r\ne1,0880,somatic,2025-03-04\r\n")?;
/// let read = utklar_csv::read_episodes(&path)?;
/// assert_eq!((read.set.episodes().len(), read.rows()), (1, 2));
/// let p = read.problems().next().unwrap();
/// assert_eq!((p.row, p.reason, read.line(p.row)), (1, Reason::DuplicateEpisodeId, Some(3)));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_episodes(path: impl AsRef<Path>) -> Result<Episodes, Error> {
    collect(EpisodeFile::open(path)?)
}

/// [`read_episodes`] from any source (a byte slice, standard input, a socket).
pub fn read_episodes_from(source: impl Read) -> Result<Episodes, Error> {
    collect(EpisodeFile::from_reader(source)?)
}

fn collect<R: Read>(mut file: EpisodeFile<R>) -> Result<Episodes, Error> {
    let mut out = Episodes::default();
    out.set.allow_personal_ids(file.allows_personal_ids());
    while let Some((row, line, raw)) = file.next_raw()? {
        out.set.push(row, &raw);
        out.lines.push(line);
    }
    out.set.check_personal_ids().map_err(Error::Refused)?;
    Ok(out)
}
