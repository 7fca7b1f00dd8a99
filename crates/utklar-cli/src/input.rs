//! Reading CSV files as docs/episodes.md describes them: UTF-8 with or without a byte-order mark,
//! comma- or semicolon-separated (detected from the header line), CRLF or LF line ends, a header
//! naming the columns in any order (case-insensitive), extra columns ignored.
//!
//! Files are read one record at a time and never held whole in memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use utklar_core::validate::{EpisodeFacts, EpisodeReader, Field, IdHash, RawEpisode};
use utklar_core::{Beds, Episode, Population, Problem};

use crate::fail::Failure;

/// The name `-` reads standard input.
pub const STDIN: &str = "-";

/// An open CSV file: its reader, its header and what is needed for messages and progress.
pub struct CsvInput {
    /// The file name as the user gave it (for messages).
    pub label: String,
    /// The record reader, positioned after the header.
    pub reader: csv::Reader<BufReader<Box<dyn Read + Send>>>,
    /// The column names, as written in the header.
    pub headers: Vec<String>,
    /// The file size in bytes, when known (for the progress bar).
    pub size: Option<u64>,
}

fn open_error(label: &str, e: &io::Error) -> Failure {
    let what = match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => format!("cannot be read ({e})"),
    };
    Failure::usage(format!("{label}: {what}"))
}

/// Picks the delimiter from the header line: the most frequent of `,`, `;` and tab outside
/// quotes (comma when none occurs).
fn detect_delimiter(header: &[u8]) -> u8 {
    let (mut comma, mut semi, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            b'\t' if !quoted => tab += 1,
            b'\n' if !quoted => break,
            _ => {}
        }
    }
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

/// Opens `path` (or standard input for `-`), skips a byte-order mark, detects the delimiter and
/// reads the header. Exit status 2 with one line naming the file when that fails.
pub fn open_csv(path: &Path) -> Result<CsvInput, Failure> {
    let label = path.display().to_string();
    let (source, size): (Box<dyn Read + Send>, Option<u64>) = if path.as_os_str() == STDIN {
        (Box::new(io::stdin()), None)
    } else {
        let meta = std::fs::metadata(path).map_err(|e| open_error(&label, &e))?;
        if meta.is_dir() {
            return Err(Failure::usage(format!(
                "{label}: is a directory, not a CSV file"
            )));
        }
        let file = File::open(path).map_err(|e| open_error(&label, &e))?;
        (Box::new(file), Some(meta.len()))
    };
    let mut buf = BufReader::with_capacity(1 << 16, source);
    let head = buf.fill_buf().map_err(|e| open_error(&label, &e))?;
    let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(Failure::usage(format!(
            "{label}: the file is UTF-16; save it as CSV UTF-8"
        )));
    }
    let start = if bom { 3 } else { 0 };
    let delimiter = detect_delimiter(&head[start..]);
    let empty = head[start..].iter().all(u8::is_ascii_whitespace);
    if empty {
        return Err(Failure::usage(format!(
            "{label}: the file is empty; it needs a header row naming the columns"
        )));
    }
    buf.consume(start);
    // The CSV reader's own buffer is larger than `buf`'s, so once the header's bytes are used
    // it reads the file straight into it instead of through a second copy.
    let mut reader = csv::ReaderBuilder::new()
        .buffer_capacity(1 << 18)
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(buf);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| Failure::usage(format!("{label}: cannot read the header row ({e})")))?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .chars()
                .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
                .collect()
        })
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(Failure::usage(format!(
            "{label}: no header row; the first line must name the columns"
        )));
    }
    Ok(CsvInput {
        label,
        reader,
        headers,
        size,
    })
}

impl CsvInput {
    /// The index of each wanted column (matched case-insensitively, surrounding spaces
    /// ignored); exit status 2 naming the first required column that is missing.
    pub fn columns(
        &self,
        wanted: &[&str],
        required: &[&str],
    ) -> Result<Vec<Option<usize>>, Failure> {
        let mut out = vec![None; wanted.len()];
        for (i, h) in self.headers.iter().enumerate() {
            if let Some(w) = wanted.iter().position(|w| w.eq_ignore_ascii_case(h)) {
                if out[w].is_some() {
                    return Err(Failure::usage(format!(
                        "{}: column `{}` appears twice in the header",
                        self.label, wanted[w]
                    )));
                }
                out[w] = Some(i);
            }
        }
        for r in required {
            let w = wanted
                .iter()
                .position(|w| w == r)
                .expect("required ⊆ wanted");
            if out[w].is_none() {
                return Err(self.missing_column(r));
            }
        }
        Ok(out)
    }

    fn missing_column(&self, name: &str) -> Failure {
        let found = self.headers.join(", ");
        let found = if found.chars().count() > 120 {
            format!("{}…", found.chars().take(120).collect::<String>())
        } else {
            found
        };
        Failure::usage(format!(
            "{}: required column `{name}` is missing (the header has: {found})",
            self.label
        ))
    }

    /// An error reading record data, naming the file and line.
    pub fn read_error(&self, e: &csv::Error) -> Failure {
        match e.kind() {
            csv::ErrorKind::Io(io) => Failure::usage(format!("{}: read error: {io}", self.label)),
            _ => Failure::usage(format!("{}: {e}", self.label)),
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }
}

/// Turns the records of an episode file into episodes or problems, one at a time.
pub struct EpisodeSource {
    /// The open file.
    pub input: CsvInput,
    fields: Vec<(usize, Field)>,
    reader: EpisodeReader,
    record: csv::ByteRecord,
    row: usize,
}

/// One record read: its 0-based data-row number, its line in the file (1-based, the header is
/// line 1) and the episode or the problems found in it.
pub struct Item {
    /// 0-based data row (the header is not a row).
    pub row: usize,
    /// 1-based line in the file where the record starts.
    pub line: u64,
    /// The episode, or every problem of the row.
    pub result: Result<Episode, Vec<Problem>>,
}

impl EpisodeSource {
    /// Opens an episode file and checks its header for the required columns (docs/episodes.md).
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let input = open_csv(path)?;
        let mut fields = Vec::new();
        let mut seen = Vec::new();
        for (i, h) in input.headers.iter().enumerate() {
            if let Some(f) = Field::from_column(h) {
                if seen.contains(&f) {
                    return Err(Failure::usage(format!(
                        "{}: column `{f}` appears twice in the header",
                        input.label
                    )));
                }
                seen.push(f);
                fields.push((i, f));
            }
        }
        for r in Field::REQUIRED {
            if !seen.contains(&r) {
                return Err(input.missing_column(r.as_str()));
            }
        }
        Ok(EpisodeSource {
            input,
            fields,
            reader: EpisodeReader::new(),
            record: csv::ByteRecord::new(),
            row: 0,
        })
    }

    /// The next record, `None` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<Item>, Failure> {
        let Some((row, line)) = self.advance()? else {
            return Ok(None);
        };
        let raw = raw_of(&self.record, &self.fields, &self.input.label, line)?;
        let result = self.reader.read(row, &raw);
        Ok(Some(Item { row, line, result }))
    }

    /// Reads the next record into `self.record`: its data row and file line, `None` at the end.
    fn advance(&mut self) -> Result<Option<(usize, u64)>, Failure> {
        match self.input.reader.read_byte_record(&mut self.record) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => return Err(self.input.read_error(&e)),
        }
        let row = self.row;
        self.row += 1;
        let line = self
            .record
            .position()
            .map_or(row as u64 + 2, csv::Position::line);
        Ok(Some((row, line)))
    }

    /// Reads up to `max` records into `batch` (emptied first) and checks the first `parse` of
    /// them (see [`Batch::parse_rest`] for the others). Returns `true` when the file is done: at
    /// its end, or at an error, which is put in `batch.end` after the rows read before it.
    pub fn fill(&mut self, batch: &mut Batch, max: usize, parse: usize) -> bool {
        batch.len = 0;
        batch.rows.clear();
        batch.problems.clear();
        batch.end = None;
        batch.first_row = self.row;
        let mut done = false;
        while batch.len < max {
            if batch.records.len() == batch.len {
                batch.records.push((0, csv::ByteRecord::new()));
            }
            let record = &mut batch.records[batch.len].1;
            match self.input.reader.read_byte_record(record) {
                Ok(true) => {}
                Ok(false) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    batch.end = Some(self.input.read_error(&e));
                    done = true;
                    break;
                }
            }
            let row = self.row;
            self.row += 1;
            batch.records[batch.len].0 = record
                .position()
                .map_or(row as u64 + 2, csv::Position::line);
            batch.len += 1;
        }
        batch.bytes = self.input.bytes_read();
        batch.parse_until(parse.min(batch.len), &self.fields, &self.input.label);
        done || batch.end.is_some()
    }

    /// The columns read, and the file name: what [`Batch::parse_rest`] needs.
    pub fn layout(&self) -> (Vec<(usize, Field)>, String) {
        (self.fields.clone(), self.input.label.clone())
    }
}

/// The fields of the current record, as text; exit status 2 naming the line and column when
/// one is not UTF-8.
fn raw_of<'r>(
    record: &'r csv::ByteRecord,
    fields: &[(usize, Field)],
    label: &str,
    line: u64,
) -> Result<RawEpisode<'r>, Failure> {
    let mut raw = RawEpisode::default();
    // Fast path: one UTF-8 check of the whole record, then each field sliced out of it (a
    // slice of valid text cut at character boundaries is valid text, so this accepts exactly
    // what checking field by field accepts). Otherwise field by field, for the message.
    if let Ok(text) = std::str::from_utf8(record.as_slice()) {
        let cut = fields.iter().try_for_each(|&(i, f)| {
            if let Some(range) = record.range(i) {
                raw.set(f, text.get(range).ok_or(())?);
            }
            Ok::<(), ()>(())
        });
        if cut.is_ok() {
            return Ok(raw);
        }
        raw.clear();
    }
    for &(i, f) in fields {
        if let Some(bytes) = record.get(i) {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                Failure::usage(format!(
                    "{label}: line {line}, column `{f}` is not UTF-8 text; save the file as CSV UTF-8"
                ))
            })?;
            raw.set(f, text);
        }
    }
    Ok(raw)
}

/// Records read by [`EpisodeSource::fill`] and checked but for repeated ids, by the reading
/// thread or, for the rest, by [`Batch::parse_rest`]; reused from batch to batch, so reading
/// allocates nothing per row.
#[derive(Default)]
pub struct Batch {
    /// The 0-based data row of the first record.
    pub first_row: usize,
    /// Bytes of the file read after the last record (for the progress bar).
    pub bytes: u64,
    /// The records (their first `len`), each with the 1-based line where it starts.
    records: Vec<(u64, csv::ByteRecord)>,
    /// Records read.
    len: usize,
    /// The rows checked so far, in file order.
    pub rows: Vec<BatchRow>,
    /// The problems of every row, in order (`BatchRow::problems_end` marks each row's end).
    pub problems: Vec<Problem>,
    /// The error that stopped reading after these records (exit status 2).
    pub end: Option<Failure>,
}

impl Batch {
    /// Checks the records from `rows.len()` up to `until`; at a cell that is not UTF-8 text,
    /// drops that record and those after it and ends the batch with the error.
    fn parse_until(&mut self, until: usize, fields: &[(usize, Field)], label: &str) {
        while self.rows.len() < until {
            let i = self.rows.len();
            let (line, record) = &self.records[i];
            let raw = match raw_of(record, fields, label, *line) {
                Ok(raw) => raw,
                Err(e) => {
                    self.len = i;
                    self.end = Some(e);
                    return;
                }
            };
            let (id, facts) =
                EpisodeReader::read_facts(self.first_row + i, &raw, &mut self.problems);
            self.rows.push(BatchRow {
                line: *line,
                id,
                facts,
                problems_end: self.problems.len(),
            });
        }
    }

    /// Checks the records the reading thread left unchecked, so that `rows` holds them all.
    pub fn parse_rest(&mut self, fields: &[(usize, Field)], label: &str) {
        self.parse_until(self.len, fields, label);
    }
}

/// One checked row of a [`Batch`].
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

/// Reads a population file (`municipality,year,pop_total,pop_65plus`).
pub fn read_population(path: &Path) -> Result<Population, Failure> {
    let mut input = open_csv(path)?;
    let names = ["municipality", "year", "pop_total", "pop_65plus"];
    let cols = input.columns(&names, &names)?;
    let cols: Vec<usize> = cols.into_iter().map(|c| c.expect("required")).collect();
    let mut pop = Population::new();
    let mut rec = csv::ByteRecord::new();
    loop {
        match input.reader.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(input.read_error(&e)),
        }
        let line = rec.position().map_or(0, csv::Position::line);
        let cell = |i: usize| String::from_utf8_lossy(rec.get(cols[i]).unwrap_or_default());
        pop.insert_text(&cell(0), &cell(1), &cell(2), &cell(3))
            .map_err(|e| Failure::usage(format!("{}: line {line}: {e}", input.label)))?;
    }
    if pop.is_empty() {
        return Err(Failure::usage(format!(
            "{}: no population rows after the header",
            input.label
        )));
    }
    Ok(pop)
}

/// Reads a beds file (`county,period,available_beds`).
pub fn read_beds(path: &Path) -> Result<Beds, Failure> {
    let mut input = open_csv(path)?;
    let names = ["county", "period", "available_beds"];
    let cols = input.columns(&names, &names)?;
    let cols: Vec<usize> = cols.into_iter().map(|c| c.expect("required")).collect();
    let mut beds = Beds::new();
    let mut rec = csv::ByteRecord::new();
    let mut rows = 0usize;
    loop {
        match input.reader.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(input.read_error(&e)),
        }
        rows += 1;
        let line = rec.position().map_or(0, csv::Position::line);
        let cell = |i: usize| String::from_utf8_lossy(rec.get(cols[i]).unwrap_or_default());
        beds.insert_text(&cell(0), &cell(1), &cell(2))
            .map_err(|e| Failure::usage(format!("{}: line {line}: {e}", input.label)))?;
    }
    if rows == 0 {
        return Err(Failure::usage(format!(
            "{}: no beds rows after the header",
            input.label
        )));
    }
    Ok(beds)
}

#[cfg(test)]
mod tests {
    use super::detect_delimiter;

    #[test]
    fn delimiter_is_detected_from_the_header() {
        assert_eq!(detect_delimiter(b"a,b,c\n1;2;3"), b',');
        assert_eq!(detect_delimiter(b"a;b;c\r\n1,5;2,5;3"), b';');
        assert_eq!(detect_delimiter(b"\"a;x\",b,c\n"), b',');
        assert_eq!(detect_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }
}
