//! Records of a CSV file, with their lines: the file mechanics below the episode rows.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Range;
use std::path::Path;

use csv_core::ReadRecordResult;

use crate::Error;

/// The largest record read, in bytes of cell content: a longer one is
/// [`Error::RecordTooLong`] (a file with no line ends, an unclosed quote), never an
/// unbounded allocation.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Bytes read from the source at a time.
const BUFFER: usize = 1 << 18;

/// The longest line read without the parser ([`CsvReader::fast_record`]).
const FAST_LINE: usize = 4096;

/// One record: its cells as bytes and the line where it starts (the header is line 1).
///
/// Reused from record to record by [`CsvReader::read_record`], so reading allocates nothing
/// per row.
#[derive(Debug, Clone, Default)]
pub struct Record {
    data: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
    /// Bytes between one field's end and the next one's start in `data`: 0 (the parser's
    /// records) or 1 (a delimiter, in lines copied whole).
    gap: usize,
    line: u64,
}

impl Record {
    /// An empty record.
    pub fn new() -> Self {
        Record::default()
    }

    /// The 1-based line of the file where the record starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.fields
    }

    /// Whether the record has no fields (only before the first read).
    pub fn is_empty(&self) -> bool {
        self.fields == 0
    }

    /// Field `i`'s bytes (quotes removed), `None` past the end.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.range(i).map(|r| &self.data[r])
    }

    /// Where field `i` lies in [`as_slice`](Self::as_slice).
    pub fn range(&self, i: usize) -> Option<Range<usize>> {
        if i >= self.fields {
            return None;
        }
        let start = if i == 0 {
            0
        } else {
            self.ends[i - 1] + self.gap
        };
        Some(start..self.ends[i])
    }

    /// Where each field ends in [`as_slice`](Self::as_slice) (field `i` starts
    /// [`gap`](Self::gap) bytes after field `i - 1` ends, the first at 0).
    pub fn ends(&self) -> &[usize] {
        &self.ends[..self.fields]
    }

    /// The bytes between two fields in [`as_slice`](Self::as_slice): 0, or 1 when the record
    /// holds its line as written, the delimiters between the fields (always ASCII, so a valid
    /// UTF-8 `as_slice` has valid UTF-8 fields).
    pub fn gap(&self) -> usize {
        self.gap
    }

    /// Every field's bytes, one after the other (with [`gap`](Self::gap) bytes between two).
    pub fn as_slice(&self) -> &[u8] {
        let end = if self.fields == 0 {
            0
        } else {
            self.ends[self.fields - 1]
        };
        &self.data[..end]
    }

    /// The fields, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        (0..self.fields).filter_map(|i| self.get(i))
    }
}

/// A CSV file as utklar reads it: UTF-8 with or without a byte-order mark, the delimiter
/// (`,`, `;` or tab) detected from the header line, LF or CRLF line ends, a header row, and
/// every record with as many fields as the header.
///
/// ```
/// use utklar_csv::{CsvReader, Record};
///
/// let mut csv = CsvReader::from_bytes(b"\xEF\xBB\xBFa;b\r\n1;\"two\r\nlines\"\r\n3;4\r\n")?;
/// assert_eq!(csv.header(), ["a", "b"]);
/// assert_eq!(csv.delimiter(), b';');
/// let mut record = Record::new();
/// assert!(csv.read_record(&mut record)?);
/// assert_eq!((record.line(), record.get(1)), (2, Some(&b"two\r\nlines"[..])));
/// assert!(csv.read_record(&mut record)?);
/// assert_eq!(record.line(), 4);
/// assert!(!csv.read_record(&mut record)?);
/// # Ok::<(), utklar_csv::Error>(())
/// ```
pub struct CsvReader<R> {
    source: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
    done: bool,
    /// The last byte read was a '\r' ending a line: a '\n' right after it ends no other.
    after_cr: bool,
    /// The parser (boxed: its tables are a few kilobytes, better not moved with the reader).
    core: Box<csv_core::Reader>,
    delimiter: u8,
    header: Vec<String>,
    bytes: u64,
    size: Option<u64>,
}

impl CsvReader<File> {
    /// Opens a file and reads its header.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(Error::open)?;
        if meta.is_dir() {
            return Err(Error::Directory);
        }
        let file = File::open(path).map_err(Error::open)?;
        let mut csv = CsvReader::new(file)?;
        csv.size = Some(meta.len());
        Ok(csv)
    }
}

impl<'a> CsvReader<&'a [u8]> {
    /// Reads CSV text held in memory.
    pub fn from_bytes(data: &'a [u8]) -> Result<Self, Error> {
        let mut csv = CsvReader::new(data)?;
        csv.size = Some(data.len() as u64);
        Ok(csv)
    }
}

impl<R: Read> CsvReader<R> {
    /// Reads from any source: skips a byte-order mark, detects the delimiter and reads the
    /// header.
    pub fn new(source: R) -> Result<Self, Error> {
        let mut csv = CsvReader {
            source,
            buf: vec![0; BUFFER],
            pos: 0,
            end: 0,
            eof: false,
            done: false,
            after_cr: false,
            core: Box::new(csv_core::Reader::new()),
            delimiter: b',',
            header: Vec::new(),
            bytes: 0,
            size: None,
        };
        // Enough of the file to see its first line (or the first BUFFER bytes of it).
        while csv.end < 4096 && !csv.eof {
            csv.read_more()?;
        }
        let head = &csv.buf[..csv.end];
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(Error::Utf16);
        }
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            csv.pos = 3;
            csv.bytes = 3;
        }
        let head = &csv.buf[csv.pos..csv.end];
        if head.iter().all(u8::is_ascii_whitespace) && csv.eof {
            return Err(Error::Empty);
        }
        csv.delimiter = detect_delimiter(head);
        *csv.core = csv_core::ReaderBuilder::new()
            .delimiter(csv.delimiter)
            .build();
        let mut record = Record::new();
        if !csv.read_any(&mut record)? {
            return Err(Error::Empty);
        }
        csv.header = record
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .trim()
                    .chars()
                    .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
                    .collect()
            })
            .collect();
        if csv.header.iter().all(String::is_empty) {
            return Err(Error::Empty);
        }
        Ok(csv)
    }

    /// The column names, as written (surrounding spaces removed).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The delimiter detected: `b','`, `b';'` or `b'\t'`.
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Bytes of the file read so far (up to the end of the last record).
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// The file's size in bytes, when known (a file or a buffer; not a pipe).
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Sets the size reported by [`size`](Self::size) (for a progress bar).
    pub fn set_size(&mut self, size: Option<u64>) {
        self.size = size;
    }

    /// The same reader over a boxed source, so that files, standard input and buffers can be
    /// handled as one type.
    pub fn boxed<'a>(self) -> CsvReader<Box<dyn Read + Send + 'a>>
    where
        R: Send + 'a,
    {
        CsvReader {
            source: Box::new(self.source),
            buf: self.buf,
            pos: self.pos,
            end: self.end,
            eof: self.eof,
            done: self.done,
            after_cr: self.after_cr,
            core: self.core,
            delimiter: self.delimiter,
            header: self.header,
            bytes: self.bytes,
            size: self.size,
        }
    }

    /// Reads the next record into `record`: `Ok(false)` at the end of the file. A record
    /// with more or fewer fields than the header is [`Error::FieldCount`].
    pub fn read_record(&mut self, record: &mut Record) -> Result<bool, Error> {
        if !self.read_any(record)? {
            return Ok(false);
        }
        if record.len() != self.header.len() {
            self.done = true;
            return Err(Error::FieldCount {
                line: record.line,
                expected: self.header.len(),
                found: record.len(),
            });
        }
        Ok(true)
    }

    /// Appends to the buffer what the source gives (once); sets `eof` when it gives nothing.
    fn read_more(&mut self) -> Result<(), Error> {
        if self.pos == self.end {
            self.pos = 0;
            self.end = 0;
        }
        loop {
            match self.source.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(source) => {
                    self.done = true;
                    return Err(Error::Io {
                        line: Some(self.core.line()),
                        source,
                    });
                }
            }
        }
    }

    /// The next record of any length but [`MAX_RECORD_BYTES`].
    fn read_any(&mut self, record: &mut Record) -> Result<bool, Error> {
        record.fields = 0;
        if self.done {
            return Ok(false);
        }
        // Line ends before the record. The parser counts a '\n' when it consumes one, and a
        // record ending in "\r\n" ends at the '\r': its '\n' would be counted as the next
        // record's, one line too late (rust-csv#395). Skipped here, they are counted here:
        // "\r\n", '\n' and a lone '\r' (old Macintosh files) each end one line.
        loop {
            if self.pos == self.end {
                if self.eof {
                    break;
                }
                self.read_more()?;
                continue;
            }
            match self.buf[self.pos] {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' => self.core.set_line(self.core.line() + 1),
                b'\r' => {
                    self.core.set_line(self.core.line() + 1);
                    self.after_cr = true;
                }
                _ => break,
            }
            self.pos += 1;
            self.bytes += 1;
        }
        self.after_cr = false;
        let line = self.core.line();
        if self.fast_record(record, line) {
            return Ok(true);
        }
        let (mut out, mut ends) = (0, 0);
        record.gap = 0;
        loop {
            let (result, nin, nout, nend) = self.core.read_record(
                &self.buf[self.pos..self.end],
                &mut record.data[out..],
                &mut record.ends[ends..],
            );
            self.pos += nin;
            self.bytes += nin as u64;
            out += nout;
            ends += nend;
            match result {
                ReadRecordResult::InputEmpty => {
                    if out > MAX_RECORD_BYTES || ends > MAX_RECORD_BYTES {
                        return Err(self.too_long(line));
                    }
                    if !self.eof {
                        self.read_more()?;
                    }
                }
                ReadRecordResult::OutputFull => {
                    if record.data.len() > MAX_RECORD_BYTES {
                        return Err(self.too_long(line));
                    }
                    let n = (record.data.len() * 2).max(256);
                    record.data.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    if record.ends.len() > MAX_RECORD_BYTES {
                        return Err(self.too_long(line));
                    }
                    let n = (record.ends.len() * 2).max(16);
                    record.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    // A record ended by a '\r' (of "\r\n", or alone) ends its line there.
                    if nin > 0 && self.buf[self.pos - 1] == b'\r' {
                        self.core.set_line(self.core.line() + 1);
                        self.after_cr = true;
                    }
                    record.fields = ends;
                    record.line = line;
                    return Ok(true);
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }

    /// The common record read without the parser: a whole line in the buffer, ended by `\n`
    /// (or `\r\n`), with no quote and no other `\r`. Its cells are the bytes between
    /// delimiters, exactly what the parser makes of such a line. The line end, and any quote
    /// or `\r` before it, are found with `memchr3` (SIMD, one pass), the delimiters eight
    /// bytes at a time ([`byte_mask`]), where the parser
    /// steps through a table byte by byte; the line is copied once, delimiters and all
    /// ([`Record::gap`] is then 1). Anything else (a quote, a lone `\r`, a line not yet read to
    /// its end) is left to the parser: `false`, nothing consumed.
    #[inline]
    fn fast_record(&mut self, record: &mut Record, line: u64) -> bool {
        let rest = &self.buf[self.pos..self.end];
        // The line end, or a quote or '\r' before it (one SIMD pass): a '\r' is fine only
        // right before the '\n' that ends the line; anything else is the parser's.
        let nl = match memchr::memchr3(b'\n', b'"', b'\r', rest) {
            Some(at) if rest[at] == b'\n' => at,
            Some(at) if rest[at] == b'\r' && rest.get(at + 1) == Some(&b'\n') => at + 1,
            _ => return false,
        };
        let mut text = &rest[..nl];
        if let [head @ .., b'\r'] = text {
            text = head;
        }
        // Long lines go to the parser (this path keeps room for a cell per byte).
        if text.len() > FAST_LINE {
            return false;
        }
        // The cells' ends, in the room the record has (grown and scanned again in the rare
        // line with more cells).
        let delimiter = self.delimiter;
        let scan = |ends: &mut [usize]| {
            let mut fields = 0;
            let mut cells = |word: u64, at: usize| {
                let mut delims = byte_mask(word, delimiter);
                while delims != 0 {
                    if let Some(end) = ends.get_mut(fields) {
                        *end = at + (delims.trailing_zeros() / 8) as usize;
                    }
                    fields += 1;
                    delims &= delims - 1;
                }
            };
            let mut chunks = text.chunks_exact(8);
            let mut at = 0;
            for chunk in &mut chunks {
                cells(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])), at);
                at += 8;
            }
            // The last bytes, padded with zeros (no delimiter): the line's last eight bytes
            // shifted down past those already scanned (no variable-length copy), or, in a
            // line shorter than eight bytes, byte by byte.
            let rest = chunks.remainder();
            if !rest.is_empty() {
                let word = match text.len().checked_sub(8) {
                    Some(from) => {
                        let tail = text[from..].try_into().unwrap_or([0; 8]);
                        u64::from_le_bytes(tail) >> (8 * (8 - rest.len()))
                    }
                    None => rest
                        .iter()
                        .rev()
                        .fold(0u64, |w, &b| (w << 8) | u64::from(b)),
                };
                cells(word, at);
            }
            fields
        };
        if record.ends.len() < 16 {
            record.ends.resize(16, 0);
        }
        let mut fields = scan(&mut record.ends);
        if fields >= record.ends.len() {
            record.ends.resize((fields + 1).next_power_of_two(), 0);
            fields = scan(&mut record.ends);
        }
        record.ends[fields] = text.len();
        if record.data.len() < text.len() {
            record
                .data
                .resize(text.len().next_power_of_two().max(256), 0);
        }
        record.data[..text.len()].copy_from_slice(text);
        record.fields = fields + 1;
        record.gap = 1;
        record.line = line;
        self.pos += nl + 1;
        self.bytes += nl as u64 + 1;
        self.core.set_line(line + 1);
        true
    }

    fn too_long(&mut self, line: u64) -> Error {
        self.done = true;
        Error::RecordTooLong {
            line,
            limit: MAX_RECORD_BYTES,
        }
    }
}

/// Picks the delimiter from the header line: the most frequent of `,`, `;` and tab outside
/// quotes (comma when none occurs).
pub(crate) fn detect_delimiter(header: &[u8]) -> u8 {
    let (mut comma, mut semi, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            b'\t' if !quoted => tab += 1,
            b'\n' | b'\r' if !quoted => break,
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

/// The bytes of `word` equal to `b`: 0x80 in each such byte, 0 elsewhere (exact: no carry
/// crosses a byte).
#[inline]
fn byte_mask(word: u64, b: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let x = word ^ (ONES * u64::from(b));
    !(((x & LOW7) + LOW7) | x | LOW7)
}

#[cfg(test)]
mod tests {
    use super::byte_mask;

    #[test]
    fn byte_masks_are_exact() {
        let bytes = [0u8, 1, b',', b';', 0x7F, 0x80, 0xAC, 0xFF];
        for &b in &bytes {
            for w in [0u64, u64::MAX, 0x2C01_2C00_FF2C_802C, 0x0101_0101_0101_0101] {
                let word = w ^ u64::from(b).rotate_left(8 * u32::from(b % 8));
                let want = (0..8).fold(0u64, |m, i| {
                    m | (u64::from(word.to_le_bytes()[i] == b) << (8 * i + 7))
                });
                assert_eq!(byte_mask(word, b), want, "{word:#x} {b:#x}");
            }
        }
    }
}
