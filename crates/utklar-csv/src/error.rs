//! Why a file cannot be read.

use std::fmt;
use std::io;

/// A file that cannot be read as a whole: it cannot be opened, has no usable header, or a
/// record in it is not a CSV record of the header's shape. (A row whose *values* are wrong is
/// no error: it is a [`utklar_core::Problem`] of that row.)
///
/// The messages name the line (the header is line 1, as a spreadsheet numbers its rows) and
/// the column, never a cell's content, and not the file: the caller puts its name in front.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The file cannot be opened or read; `line` is where reading stopped, when it had
    /// started.
    Io {
        /// The line being read, `None` when the file could not be opened.
        line: Option<u64>,
        /// What the system said.
        source: io::Error,
    },
    /// The path names a directory.
    Directory,
    /// The file starts with a UTF-16 byte-order mark.
    Utf16,
    /// The file has no bytes, or only blank lines.
    Empty,
    /// The first line names none of the expected columns: it looks like data, and a header
    /// row naming the columns is required.
    NoHeader {
        /// The required columns.
        required: Vec<&'static str>,
    },
    /// A required column is not in the header.
    MissingColumn {
        /// The column's name.
        column: &'static str,
        /// The header's column names, a name that is a personal identity number masked
        /// (the first line of a file without a header is a row of data).
        header: Vec<String>,
    },
    /// Two header columns name the same field (names are matched case-insensitively).
    DuplicateColumn {
        /// The field both name.
        field: &'static str,
        /// The first column's name, as written.
        first: String,
        /// The second column's name, as written.
        second: String,
    },
    /// A record has more or fewer fields than the header.
    FieldCount {
        /// The line where the record starts.
        line: u64,
        /// The header's number of columns.
        expected: usize,
        /// The record's number of fields.
        found: usize,
    },
    /// A record is longer than [`crate::MAX_RECORD_BYTES`] (an unterminated quote, or not a
    /// CSV file).
    RecordTooLong {
        /// The line where the record starts.
        line: u64,
        /// The limit in bytes.
        limit: usize,
    },
    /// A cell is not UTF-8 text.
    NotUtf8 {
        /// The line where the record starts.
        line: u64,
        /// The column's name.
        column: String,
    },
    /// A population or beds row the core refuses.
    Value {
        /// The line where the record starts.
        line: u64,
        /// The core's reason.
        error: utklar_core::Error,
    },
    /// The file as a whole is refused by the core: ids that look like personal identity
    /// numbers ([`utklar_core::Error::PersonalData`], naming the column and how many, never a
    /// value), unless the reader allows them.
    Refused(utklar_core::Error),
    /// A file of a kind utklar does not read (Parquet, a zip that is no workbook, a PDF), or
    /// reads only with a feature this build lacks.
    Unsupported {
        /// What the file is, by its first bytes.
        kind: crate::FileKind,
    },
    /// A sheet was named for a file that has no sheets.
    SheetOfNonSpreadsheet {
        /// What the file is.
        kind: crate::FileKind,
    },
    /// The workbook has no sheet of that name.
    NoSheet {
        /// The name asked for.
        sheet: String,
        /// The workbook's sheets.
        sheets: Vec<String>,
    },
    /// A workbook that cannot be read (damaged, encrypted, or not what its first bytes say).
    Workbook {
        /// What the spreadsheet reader said.
        message: String,
    },
    /// A population or beds file with a header and no rows.
    NoRows {
        /// What the rows would be: `"population"` or `"beds"`.
        what: &'static str,
    },
}

impl Error {
    /// The line the error is about, when it is about one.
    pub fn line(&self) -> Option<u64> {
        match self {
            Error::Io { line, .. } => *line,
            Error::FieldCount { line, .. }
            | Error::RecordTooLong { line, .. }
            | Error::NotUtf8 { line, .. }
            | Error::Value { line, .. } => Some(*line),
            _ => None,
        }
    }

    pub(crate) fn open(source: io::Error) -> Self {
        Error::Io { line: None, source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { line: None, source } => match source.kind() {
                io::ErrorKind::NotFound => f.write_str("no such file"),
                io::ErrorKind::PermissionDenied => f.write_str("permission denied"),
                _ => write!(f, "cannot be read ({source})"),
            },
            Error::Io {
                line: Some(line),
                source,
            } => write!(f, "read error at line {line}: {source}"),
            Error::Directory => f.write_str("is a directory, not a CSV file"),
            Error::Utf16 => f.write_str("the file is UTF-16; save it as CSV UTF-8"),
            Error::Empty => {
                f.write_str("the file is empty; it needs a header row naming the columns")
            }
            Error::NoHeader { required } => write!(
                f,
                "no header row: the first line names none of the columns ({}), so it is \
                 taken for data; the first line must name the columns",
                required.join(", ")
            ),
            Error::MissingColumn { column, header } => {
                let found = header.join(", ");
                let found = if found.chars().count() > 120 {
                    format!("{}…", found.chars().take(120).collect::<String>())
                } else {
                    found
                };
                write!(
                    f,
                    "required column `{column}` is missing (the header has: {found})"
                )
            }
            Error::DuplicateColumn {
                field,
                first,
                second,
            } => write!(
                f,
                "columns `{first}` and `{second}` both name `{field}` (column names are \
                 matched case-insensitively); keep one"
            ),
            Error::FieldCount {
                line,
                expected,
                found,
            } => write!(
                f,
                "line {line} has {found} fields but the header has {expected}; check the \
                 delimiters and quotes on that line"
            ),
            Error::RecordTooLong { line, limit } => write!(
                f,
                "line {line}: a record longer than {limit} bytes (an unclosed quote, or not \
                 a CSV file)"
            ),
            Error::NotUtf8 { line, column } => write!(
                f,
                "line {line}, column `{column}` is not UTF-8 text; save the file as CSV UTF-8"
            ),
            Error::Value { line, error } => write!(f, "line {line}: {error}"),
            Error::NoRows { what } => write!(f, "no {what} rows after the header"),
            Error::Refused(error) => write!(f, "{error}"),
            Error::Unsupported { kind } => {
                use crate::FileKind as K;
                match kind {
                    K::Gzip | K::Xlsx | K::Ods | K::Xls => write!(
                        f,
                        "is {}, which this build of utklar does not read (it needs the `{}` \
                         feature); save it as CSV",
                        kind.describe(),
                        if *kind == K::Gzip { "gzip" } else { "xlsx" }
                    ),
                    _ => write!(f, "is {}; save it as CSV or xlsx", kind.describe()),
                }
            }
            Error::SheetOfNonSpreadsheet { kind } => write!(
                f,
                "is {}, which has no sheets; a sheet can be chosen in a spreadsheet only",
                kind.describe()
            ),
            Error::NoSheet { sheet, sheets } => write!(
                f,
                "has no sheet `{sheet}` (its sheets: {})",
                sheets.join(", ")
            ),
            Error::Workbook { message } => {
                write!(f, "cannot be read as a spreadsheet ({message})")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Value { error, .. } | Error::Refused(error) => Some(error),
            _ => None,
        }
    }
}

/// A header's names for a message: any that is a personal identity number masked.
pub(crate) fn shown_header(header: &[String]) -> Vec<String> {
    header
        .iter()
        .map(|h| utklar_core::personal_id::shown(h).to_string())
        .collect()
}
