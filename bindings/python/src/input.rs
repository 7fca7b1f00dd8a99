//! Reading episode tables through the Arrow C stream interface (`__arrow_c_stream__`).
//!
//! pyarrow tables and record batches, polars data frames and pandas (2.2+) data frames all
//! export themselves as an `ArrowArrayStream` in a PyCapsule. We import the stream with
//! arrow-array's FFI module (no pyarrow needed) and read it batch by batch, never converting a
//! row to Python objects and never copying the table.
//!
//! Each cell is decoded into what the core's columnar entry point wants (day numbers, minutes,
//! codes); text cells are parsed by the core's own functions ([`Municipality::from_str`],
//! [`CareType::from_str`], [`time::parse_notice`], [`validate::parse_bool`],
//! [`validate::parse_age`]). A cell that cannot be read becomes a [`Problem`] naming the row,
//! the column and the reason.

use std::str::FromStr;

use arrow_array::array::{
    Array, BooleanArray, Date32Array, Date64Array, Float32Array, Float64Array, LargeStringArray,
    StringArray, StringViewArray,
};
use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::RecordBatch;
use arrow_schema::{DataType, SchemaRef, TimeUnit};
use chrono::{DateTime, NaiveDate, NaiveTime};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use utklar_core::time::{self, NoticeTime, TimeError};
use utklar_core::validate::{self, Field, Problem, Reason};
use utklar_core::{CareType, Municipality};

use crate::errors::invalid_argument;

/// Opens the Arrow C stream of a table-like Python object.
pub fn open_stream(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<RecordBatchStreamReader> {
    let py = obj.py();
    if !obj.hasattr("__arrow_c_stream__")? {
        let tname = obj
            .get_type()
            .name()
            .map_or_else(|_| "?".to_string(), |n| n.to_string());
        return Err(invalid_argument(
            py,
            what,
            format!(
                "expected a pyarrow Table, a polars DataFrame or a pandas (2.2+) DataFrame \
                 (an object with __arrow_c_stream__), got {tname}; for a polars LazyFrame call .collect() first"
            ),
        ));
    }
    let capsule = obj.call_method0("__arrow_c_stream__")?;
    let capsule = capsule
        .cast::<PyCapsule>()
        .map_err(|_| invalid_argument(py, what, "__arrow_c_stream__ did not return a PyCapsule"))?;
    let ptr = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
    // SAFETY: the capsule is named "arrow_array_stream", so by the Arrow PyCapsule interface
    // its pointer is a valid, aligned, initialised `struct ArrowArrayStream`. `from_raw`
    // moves the stream out and sets the capsule's copy's release callback to NULL, so the
    // capsule's destructor will not release it a second time.
    #[allow(unsafe_code)]
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
    RecordBatchStreamReader::try_new(stream)
        .map_err(|e| invalid_argument(py, what, format!("cannot read its Arrow stream: {e}")))
}

/// Which input column holds each episode field (docs/episodes.md).
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    index: [Option<usize>; 14],
}

impl ColumnMap {
    /// Maps column names (case-insensitive) to fields; other columns are ignored (pandas'
    /// index columns, the user's own columns).
    pub fn new(schema: &SchemaRef) -> Self {
        let mut index = [None; 14];
        for (i, f) in schema.fields().iter().enumerate() {
            if let Some(field) = Field::from_column(f.name()) {
                index[field as usize].get_or_insert(i);
            }
        }
        ColumnMap { index }
    }

    /// The column of a field.
    pub fn get(&self, field: Field) -> Option<usize> {
        self.index[field as usize]
    }

    /// Fails with an error naming every missing required column.
    pub fn require(&self, py: Python<'_>, fields: &[Field]) -> PyResult<()> {
        let missing: Vec<&str> = fields
            .iter()
            .filter(|f| self.get(**f).is_none())
            .map(|f| f.as_str())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(invalid_argument(
                py,
                "episodes",
                format!(
                    "missing required column(s) {}: an episode table needs episode_id, municipality, \
                     care_type and ready_at (docs/episodes.md); discharged_at, admitted_at, age and the flags are optional",
                    missing.join(", ")
                ),
            ))
        }
    }
}

/// Text columns of the three Arrow string layouts.
#[derive(Clone, Copy)]
enum Text<'a> {
    Utf8(&'a StringArray),
    Large(&'a LargeStringArray),
    View(&'a StringViewArray),
}

impl<'a> Text<'a> {
    fn of(a: &'a dyn Array) -> Option<Self> {
        match a.data_type() {
            DataType::Utf8 => Some(Text::Utf8(a.as_string::<i32>())),
            DataType::LargeUtf8 => Some(Text::Large(a.as_string::<i64>())),
            DataType::Utf8View => Some(Text::View(a.as_string_view())),
            _ => None,
        }
    }

    fn len(&self) -> usize {
        match self {
            Text::Utf8(a) => a.len(),
            Text::Large(a) => a.len(),
            Text::View(a) => a.len(),
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Text::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// One input column of one batch, by physical kind.
enum Col<'a> {
    Absent,
    Text(Text<'a>),
    /// A dictionary-encoded text column (pandas categoricals, polars `Categorical`/`Enum`):
    /// per-row keys into the dictionary's values.
    Dict {
        keys: Vec<usize>,
        array: &'a dyn Array,
        values: Text<'a>,
    },
    Date32(&'a Date32Array),
    Date64(&'a Date64Array),
    /// Timestamps: raw values, their nulls, units per second, and whether they are instants
    /// (a time zone is set) to be converted to Swedish local time.
    Timestamp {
        nulls: Option<&'a arrow_buffer::NullBuffer>,
        values: &'a [i64],
        per_sec: i64,
        zoned: bool,
    },
    Int(Ints<'a>),
    Float(Vec<Option<f64>>),
    Bool(&'a BooleanArray),
}

/// An integer column as `i64`: an `int64` column borrowed as is, other widths converted.
struct Ints<'a> {
    values: std::borrow::Cow<'a, [i64]>,
    /// The null mask, `None` when there is no null.
    nulls: Option<&'a arrow_buffer::NullBuffer>,
}

impl Ints<'_> {
    #[inline]
    fn get(&self, i: usize) -> Option<i64> {
        if self.nulls.is_some_and(|n| n.is_null(i)) {
            None
        } else {
            Some(self.values[i])
        }
    }

    fn len(&self) -> usize {
        self.values.len()
    }
}

/// The null mask of an array, `None` when it has no null (the Arrow C interface may export
/// an all-valid mask).
fn nulls_of(a: &dyn Array) -> Option<&arrow_buffer::NullBuffer> {
    a.nulls().filter(|n| n.null_count() > 0)
}

/// An integer column of any width as `i64` (u64 beyond i64 saturates).
macro_rules! ints {
    ($a:expr, $t:ty) => {
        Col::Int(Ints {
            values: std::borrow::Cow::Owned(
                $a.as_primitive::<$t>()
                    .values()
                    .iter()
                    .map(|&x| i64::try_from(x).unwrap_or(i64::MAX))
                    .collect(),
            ),
            nulls: nulls_of($a),
        })
    };
}

impl<'a> Col<'a> {
    fn of(batch: &'a RecordBatch, index: Option<usize>, field: Field) -> Result<Self, String> {
        let Some(i) = index else {
            return Ok(Col::Absent);
        };
        let a: &'a dyn Array = batch.column(i).as_ref();
        let col = Self::of_array(a).map_err(|t| unsupported(field, &t))?;
        let usable = match (&col, field) {
            (Col::Absent | Col::Text(_) | Col::Dict { .. }, _)
            | (
                Col::Int(_),
                Field::EpisodeId | Field::PatientId | Field::Municipality | Field::CareType,
            ) => true,
            (Col::Int(_) | Col::Float(_), f) => f == Field::Age || is_flag(f),
            (Col::Bool(_), f) => is_flag(f),
            (Col::Date32(_) | Col::Date64(_) | Col::Timestamp { .. }, f) => matches!(
                f,
                Field::AdmittedAt
                    | Field::ReadyAt
                    | Field::DischargedAt
                    | Field::HomeReadyAt
                    | Field::PlannedDischargeDate
            ),
        };
        if usable {
            Ok(col)
        } else {
            Err(unsupported(field, a.data_type()))
        }
    }

    fn of_array(a: &'a dyn Array) -> Result<Self, DataType> {
        if let Some(t) = Text::of(a) {
            return Ok(Col::Text(t));
        }
        Ok(match a.data_type() {
            DataType::Null => Col::Absent,
            DataType::Dictionary(_, _) => {
                let Some(d) = a.as_any_dictionary_opt() else {
                    return Err(a.data_type().clone());
                };
                let values = Text::of(d.values().as_ref()).ok_or_else(|| a.data_type().clone())?;
                Col::Dict {
                    keys: d.normalized_keys(),
                    array: a,
                    values,
                }
            }
            DataType::Date32 => Col::Date32(a.as_primitive()),
            DataType::Date64 => Col::Date64(a.as_primitive()),
            DataType::Timestamp(unit, tz) => {
                let per_sec = match unit {
                    TimeUnit::Second => 1,
                    TimeUnit::Millisecond => 1_000,
                    TimeUnit::Microsecond => 1_000_000,
                    TimeUnit::Nanosecond => 1_000_000_000,
                };
                let values: &[i64] = match unit {
                    TimeUnit::Second => a
                        .as_primitive::<arrow_array::types::TimestampSecondType>()
                        .values(),
                    TimeUnit::Millisecond => a
                        .as_primitive::<arrow_array::types::TimestampMillisecondType>()
                        .values(),
                    TimeUnit::Microsecond => a
                        .as_primitive::<arrow_array::types::TimestampMicrosecondType>()
                        .values(),
                    TimeUnit::Nanosecond => a
                        .as_primitive::<arrow_array::types::TimestampNanosecondType>()
                        .values(),
                };
                Col::Timestamp {
                    nulls: nulls_of(a),
                    values,
                    per_sec,
                    zoned: tz.is_some(),
                }
            }
            DataType::Int8 => ints!(a, Int8Type),
            DataType::Int16 => ints!(a, Int16Type),
            DataType::Int32 => ints!(a, Int32Type),
            DataType::Int64 => Col::Int(Ints {
                values: std::borrow::Cow::Borrowed(a.as_primitive::<Int64Type>().values()),
                nulls: nulls_of(a),
            }),
            DataType::UInt8 => ints!(a, UInt8Type),
            DataType::UInt16 => ints!(a, UInt16Type),
            DataType::UInt32 => ints!(a, UInt32Type),
            DataType::UInt64 => ints!(a, UInt64Type),
            DataType::Float64 => {
                let f: &Float64Array = a.as_primitive();
                Col::Float(f.iter().collect())
            }
            DataType::Float32 => {
                let f: &Float32Array = a.as_primitive();
                Col::Float(f.iter().map(|v| v.map(f64::from)).collect())
            }
            DataType::Boolean => Col::Bool(a.as_boolean()),
            other => return Err(other.clone()),
        })
    }

    #[inline]
    fn text(&self, i: usize) -> Option<&'a str> {
        match self {
            Col::Text(t) => t.get(i),
            Col::Dict {
                keys,
                array,
                values,
            } => {
                if array.is_null(i) {
                    None
                } else {
                    values.get(keys[i])
                }
            }
            _ => None,
        }
    }

    #[inline]
    fn is_null(&self, i: usize) -> bool {
        match self {
            Col::Absent => true,
            Col::Text(_) | Col::Dict { .. } => self.text(i).is_none_or(blank),
            Col::Date32(a) => a.is_null(i),
            Col::Date64(a) => a.is_null(i),
            Col::Timestamp { nulls, .. } => nulls.is_some_and(|n| n.is_null(i)),
            Col::Int(v) => v.get(i).is_none(),
            Col::Float(v) => v[i].is_none_or(f64::is_nan),
            Col::Bool(a) => a.is_null(i),
        }
    }
}

fn is_flag(f: Field) -> bool {
    matches!(
        f,
        Field::AdmissionNoticeSent | Field::SipRequired | Field::SipCalled | Field::RegionBlocked
    )
}

fn unsupported(field: Field, t: &DataType) -> String {
    let hint = match field {
        Field::EpisodeId | Field::PatientId => "use text or integers",
        Field::Municipality => "use the 4-digit code as text (\"0880\") or an integer (880)",
        Field::CareType => "use text (somatic/psychiatric) or the code 0/1",
        Field::PlannedDischargeDate => "use a date, a timestamp or YYYY-MM-DD text",
        Field::Age => "use integers (or whole floats, or text)",
        Field::AdmissionNoticeSent
        | Field::SipRequired
        | Field::SipCalled
        | Field::RegionBlocked => "use booleans, 0/1 or true/false text",
        _ => {
            "use a date, a timestamp (naive = Swedish local time, or with a time zone) or ISO text"
        }
    };
    format!("column `{field}` has Arrow type {t}, which utklar cannot read: {hint}")
}

/// A notice time decoded from a cell: day number, second of the day (−1 unknown) and
/// nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    /// Days since 1970-01-01.
    pub day: i32,
    /// Seconds after midnight, −1 when the time of day is unknown.
    pub sec: i32,
    /// Nanoseconds within the second.
    pub nano: u32,
}

impl Cell {
    fn of_notice(t: NoticeTime) -> Self {
        use chrono::Timelike;
        Cell {
            day: t.day(),
            sec: t.time.map_or(-1, |t| t.num_seconds_from_midnight() as i32),
            nano: t.time.map_or(0, |t| t.nanosecond()),
        }
    }

    /// Minutes after midnight or [`time::NO_TIME`].
    pub fn minute(self) -> i32 {
        if self.sec < 0 {
            time::NO_TIME
        } else {
            self.sec / 60
        }
    }

    /// As a [`NoticeTime`] (the day must be in range).
    pub fn notice(self) -> NoticeTime {
        let date = time::date_of_day(self.day);
        match (self.sec >= 0)
            .then(|| NaiveTime::from_num_seconds_from_midnight_opt(self.sec as u32, self.nano))
            .flatten()
        {
            Some(t) => NoticeTime::at(date, t),
            None => NoticeTime::date(date),
        }
    }
}

/// A municipality text through the core's parser.
fn parse_municipality(text: Option<&str>) -> Result<u16, Reason> {
    match text.map(Municipality::from_str) {
        Some(Ok(m)) => Ok(m.code()),
        Some(Err(_)) => Err(Reason::UnknownMunicipality),
        None => Err(Reason::MissingField),
    }
}

/// A care-type text through the core's parser.
fn parse_care_type(text: Option<&str>) -> Result<u8, Reason> {
    match text.map(CareType::from_str) {
        Some(Ok(c)) => Ok(c as u8),
        Some(Err(_)) => Err(Reason::UnknownCareType),
        None => Err(Reason::MissingField),
    }
}

/// The arguments of [`naive_timestamps`]: nulls, values, first row, field, required.
type TimestampArgs<'a> = (
    Option<&'a arrow_buffer::NullBuffer>,
    &'a [i64],
    usize,
    Field,
    bool,
);

/// Naive timestamps (`PER_SEC` units per second) to day numbers and minutes; the constant unit
/// lets the compiler turn the divisions into multiplications.
fn naive_timestamps<const PER_SEC: i64>(
    (nulls, values, offset, f, required): TimestampArgs<'_>,
    days: &mut Vec<i32>,
    minutes: &mut Vec<i32>,
    probs: &mut Vec<Problem>,
) {
    let per_day = 86_400 * PER_SEC;
    let per_min = 60 * PER_SEC;
    let from = days.len();
    days.resize(from + values.len(), 0);
    minutes.resize(from + values.len(), 0);
    // One pass that assumes the usual column, every value (null slots included) from 1970 on:
    // unsigned division by constants written out in the loop (multiplications once compiled),
    // no check per row. The OR of all values then tells whether the assumption held and every
    // day number fits; if not, the column is decoded again with floor division or row by row.
    let mut all = 0u64;
    for ((d, m), &v) in days[from..]
        .iter_mut()
        .zip(&mut minutes[from..])
        .zip(values)
    {
        let v = v as u64;
        all |= v;
        *d = (v / (86_400 * PER_SEC) as u64) as i32;
        *m = ((v % (86_400 * PER_SEC) as u64) / (60 * PER_SEC) as u64) as i32;
    }
    let fast = nonnegative_fit::<PER_SEC>(all) || {
        let fit = timestamps_fit::<PER_SEC>(values);
        if fit {
            for ((d, m), &v) in days[from..]
                .iter_mut()
                .zip(&mut minutes[from..])
                .zip(values)
            {
                *d = v.div_euclid(86_400 * PER_SEC) as i32;
                *m = (v.rem_euclid(86_400 * PER_SEC) / (60 * PER_SEC)) as i32;
            }
        }
        fit
    };
    if fast {
        // The null rows, if any, are marked absent.
        if let Some(n) = nulls {
            for i in (0..values.len()).filter(|&i| n.is_null(i)) {
                if required {
                    problem(probs, offset + i, f, Reason::MissingField);
                }
                days[from + i] = time::NO_DATE;
                minutes[from + i] = time::NO_TIME;
            }
        }
        return;
    }
    days.truncate(from);
    minutes.truncate(from);
    for (i, &v) in values.iter().enumerate() {
        if nulls.is_some_and(|n| n.is_null(i)) {
            if required {
                problem(probs, offset + i, f, Reason::MissingField);
            }
            days.push(time::NO_DATE);
            minutes.push(time::NO_TIME);
        } else if let Ok(d) = i32::try_from(v.div_euclid(per_day)) {
            days.push(d);
            minutes.push((v.rem_euclid(per_day) / per_min) as i32);
        } else {
            problem(probs, offset + i, f, Reason::DateOutOfRange);
            days.push(time::NO_DATE);
            minutes.push(time::NO_TIME);
        }
    }
}

/// Whether the day number of every value (`PER_SEC` units per second) fits an `i32`: the
/// smallest and the largest do (day numbers grow with the value).
fn timestamps_fit<const PER_SEC: i64>(values: &[i64]) -> bool {
    let (lo, hi) = values
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let fits = |v: i64| i32::try_from(v.div_euclid(86_400 * PER_SEC)).is_ok();
    values.is_empty() || (fits(lo) && fits(hi))
}

/// Whether values whose bitwise OR is `all` are all non-negative with day numbers that fit
/// an `i32`: the OR is at least each of them, and has the sign bit of any negative one.
fn nonnegative_fit<const PER_SEC: i64>(all: u64) -> bool {
    i64::try_from(all).is_ok_and(|a| i32::try_from(a / (86_400 * PER_SEC)).is_ok())
}

/// [`nonnegative_fit`], else [`timestamps_fit`], of a whole column.
fn column_fits<const PER_SEC: i64>(values: &[i64]) -> bool {
    nonnegative_fit::<PER_SEC>(values.iter().fold(0, |a, &v| a | v as u64))
        || timestamps_fit::<PER_SEC>(values)
}

/// A text of 1 to 16 bytes as a value compared in a few integer comparisons (no `memcmp`):
/// its length and its first and last 8 (or 4) bytes, which overlap when shorter than 16 (or 8).
#[derive(Clone, Copy, PartialEq, Eq)]
struct ShortKey(u64, u64, usize);

impl ShortKey {
    #[inline]
    fn of(b: &[u8]) -> Option<Self> {
        let n = b.len();
        let u64_at = |i: usize| {
            b.get(i..i + 8)
                .and_then(|s| s.try_into().ok())
                .map(u64::from_le_bytes)
        };
        let u32_at = |i: usize| {
            b.get(i..i + 4)
                .and_then(|s| s.try_into().ok())
                .map(u32::from_le_bytes)
        };
        match n {
            8..=16 => Some(ShortKey(u64_at(0)?, u64_at(n - 8)?, n)),
            4..=7 => Some(ShortKey(
                u64::from(u32_at(0)?),
                u64::from(u32_at(n - 4)?),
                n,
            )),
            1..=3 => Some(ShortKey(
                u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
                0,
                n,
            )),
            _ => None,
        }
    }
}

/// Calls `f(i, bytes)` for every row of a text column (`None` for a null): one loop per Arrow
/// layout, reading the offsets directly and skipping the null checks when there is no null.
#[inline]
fn for_text<'a>(t: Text<'a>, mut f: impl FnMut(usize, Option<&'a [u8]>)) {
    fn offsets<'a, O: arrow_array::OffsetSizeTrait>(
        a: &'a arrow_array::GenericStringArray<O>,
        f: &mut impl FnMut(usize, Option<&'a [u8]>),
    ) {
        if a.null_count() == 0 {
            let data = a.value_data();
            for (i, w) in a.value_offsets().windows(2).enumerate() {
                f(i, data.get(w[0].as_usize()..w[1].as_usize()));
            }
        } else {
            for i in 0..a.len() {
                f(i, a.is_valid(i).then(|| a.value(i).as_bytes()));
            }
        }
    }
    match t {
        Text::Utf8(a) => offsets(a, &mut f),
        Text::Large(a) => offsets(a, &mut f),
        Text::View(a) => {
            for i in 0..a.len() {
                f(i, a.is_valid(i).then(|| a.value(i).as_bytes()));
            }
        }
    }
}

/// Whether a text cell is blank (empty or whitespace), quickly for the usual non-blank cell.
#[inline]
pub fn blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_graphic() => false,
        Some(_) => s.trim().is_empty(),
    }
}

fn time_reason(e: &TimeError) -> Reason {
    if matches!(e, TimeError::OutOfRange) {
        Reason::DateOutOfRange
    } else {
        Reason::UnparseableDate
    }
}

/// Day numbers far outside i32 are reported as out of range; the core checks the 1990–2100
/// range itself.
fn day_of(secs: i64) -> Result<(i32, i32), Reason> {
    let day = secs.div_euclid(86_400);
    let sec = secs.rem_euclid(86_400) as i32;
    i32::try_from(day)
        .map(|d| (d, sec))
        .map_err(|_| Reason::DateOutOfRange)
}

/// The results of a core parser, remembered per distinct short text (up to 15 bytes) in a
/// small direct-mapped cache, so the parser runs about once per distinct spelling in a slice
/// rather than once per row.
/// The slots are allocated on first use (most slices never need them).
struct Memo<T> {
    empty: T,
    slots: std::cell::RefCell<Vec<(u128, T)>>,
}

const MEMO_BITS: u32 = 10;

impl<T: Copy> Memo<T> {
    fn new(empty: T) -> Self {
        Memo {
            empty,
            slots: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// The cached result for `text`, computing it with `parse` on a miss.
    #[inline]
    fn lookup(slots: &mut [(u128, T)], text: &str, parse: impl FnOnce(&str) -> T) -> T {
        let b = text.as_bytes();
        if b.is_empty() || b.len() > 15 {
            return parse(text);
        }
        let mut k = [0u8; 16];
        k[..b.len()].copy_from_slice(b);
        k[15] = b.len() as u8; // never 0 for a non-empty text: 0 marks an empty slot
        let key = u128::from_le_bytes(k);
        let h = ((key as u64) ^ ((key >> 64) as u64).rotate_left(29))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            >> (64 - MEMO_BITS);
        let slot = &mut slots[h as usize];
        if slot.0 == key {
            return slot.1;
        }
        let v = parse(text);
        *slot = (key, v);
        v
    }

    #[inline]
    fn get(&self, text: &str, parse: impl FnOnce(&str) -> T) -> T {
        let mut slots = self.slots.borrow_mut();
        if slots.is_empty() {
            slots.resize(1 << MEMO_BITS, (0, self.empty));
        }
        Self::lookup(&mut slots, text, parse)
    }
}

/// The columns of one record batch, typed, with the decoding rules of docs/episodes.md.
pub struct Batch<'a> {
    cols: [Col<'a>; 14],
    /// Dictionary columns: each dictionary value decoded once per slice.
    muni_dict: Option<Vec<Result<u16, Reason>>>,
    care_dict: Option<Vec<Result<u8, Reason>>>,
    /// Municipality and care-type texts already parsed in this slice.
    muni_memo: Memo<Result<u16, Reason>>,
    care_memo: Memo<Result<u8, Reason>>,
    /// Number of rows.
    pub len: usize,
}

impl<'a> Batch<'a> {
    /// Types the columns of a batch; an error naming a column of an unusable type.
    pub fn new(batch: &'a RecordBatch, map: &ColumnMap) -> Result<Self, (Field, String)> {
        let mut cols: [Col<'a>; 14] = std::array::from_fn(|_| Col::Absent);
        for f in Field::ALL {
            cols[f as usize] = Col::of(batch, map.get(f), f).map_err(|m| (f, m))?;
        }
        let dict = |f: Field| match &cols[f as usize] {
            Col::Dict { values, .. } => Some(*values),
            _ => None,
        };
        let muni_dict = dict(Field::Municipality)
            .map(|v| (0..v.len()).map(|k| parse_municipality(v.get(k))).collect());
        let care_dict = dict(Field::CareType)
            .map(|v| (0..v.len()).map(|k| parse_care_type(v.get(k))).collect());
        Ok(Batch {
            cols,
            muni_dict,
            care_dict,
            muni_memo: Memo::new(Err(Reason::MissingField)),
            care_memo: Memo::new(Err(Reason::MissingField)),
            len: batch.num_rows(),
        })
    }

    fn col(&self, f: Field) -> &Col<'a> {
        &self.cols[f as usize]
    }

    /// Whether a text cell (an id) has a value: not null, not blank.
    pub fn has_text(&self, f: Field, i: usize) -> bool {
        match self.col(f) {
            Col::Int(v) => v.get(i).is_some(),
            c => c.text(i).is_some_and(|s| !blank(s)),
        }
    }

    /// A text cell (ids): text as is, integers formatted.
    pub fn text(&self, f: Field, i: usize) -> Option<std::borrow::Cow<'a, str>> {
        match self.col(f) {
            Col::Int(v) => v.get(i).map(|x| std::borrow::Cow::Owned(x.to_string())),
            c => c
                .text(i)
                .filter(|s| !blank(s))
                .map(|s| std::borrow::Cow::Borrowed(s.trim())),
        }
    }

    /// The municipality's numeric code.
    pub fn municipality(&self, i: usize) -> Result<u16, Reason> {
        let c = self.col(Field::Municipality);
        if let Col::Text(t) = c {
            return match t.get(i) {
                Some(s) if !s.trim().is_empty() => {
                    self.muni_memo.get(s, |s| parse_municipality(Some(s)))
                }
                _ => Err(Reason::MissingField),
            };
        }
        if c.is_null(i) {
            return Err(Reason::MissingField);
        }
        match c {
            Col::Int(v) => match v.get(i) {
                Some(code) if (0..10_000).contains(&code) => Ok(code as u16),
                _ => Err(Reason::UnknownMunicipality),
            },
            Col::Dict { keys, .. } => match &self.muni_dict {
                Some(d) => d[keys[i]],
                None => parse_municipality(c.text(i)),
            },
            _ => match c.text(i) {
                Some(t) => self.muni_memo.get(t, |t| parse_municipality(Some(t))),
                None => Err(Reason::MissingField),
            },
        }
    }

    /// The care type code (0 somatic, 1 psychiatric).
    pub fn care_type(&self, i: usize) -> Result<u8, Reason> {
        let c = self.col(Field::CareType);
        if let Col::Text(t) = c {
            return match t.get(i) {
                Some(s) if !s.trim().is_empty() => {
                    self.care_memo.get(s, |s| parse_care_type(Some(s)))
                }
                _ => Err(Reason::MissingField),
            };
        }
        if c.is_null(i) {
            return Err(Reason::MissingField);
        }
        match c {
            Col::Int(v) => v
                .get(i)
                .and_then(|x| u8::try_from(x).ok())
                .and_then(CareType::from_code)
                .map(|c| c as u8)
                .ok_or(Reason::UnknownCareType),
            Col::Dict { keys, .. } => match &self.care_dict {
                Some(d) => d[keys[i]],
                None => parse_care_type(c.text(i)),
            },
            _ => {
                let Some(text) = c.text(i) else {
                    return Err(Reason::MissingField);
                };
                self.care_memo.get(text, |t| parse_care_type(Some(t)))
            }
        }
    }

    /// A date or datetime cell; `Ok(None)` when absent.
    pub fn notice(&self, f: Field, i: usize) -> Result<Option<Cell>, Reason> {
        let c = self.col(f);
        if c.is_null(i) {
            return Ok(None);
        }
        match c {
            Col::Date32(a) => Ok(Some(Cell {
                day: a.value(i),
                sec: -1,
                nano: 0,
            })),
            Col::Date64(a) => {
                let (day, _) = day_of(a.value(i).div_euclid(1000))?;
                Ok(Some(Cell {
                    day,
                    sec: -1,
                    nano: 0,
                }))
            }
            Col::Timestamp {
                values,
                per_sec,
                zoned,
                ..
            } => {
                let v = values[i];
                let secs = v.div_euclid(*per_sec);
                let nano = (v.rem_euclid(*per_sec) * (1_000_000_000 / per_sec)) as u32;
                if *zoned {
                    let utc = DateTime::from_timestamp(secs, 0)
                        .ok_or(Reason::DateOutOfRange)?
                        .naive_utc();
                    let local = time::utc_to_stockholm(utc);
                    let (day, sec) = day_of(local.and_utc().timestamp())?;
                    Ok(Some(Cell { day, sec, nano }))
                } else {
                    let (day, sec) = day_of(secs)?;
                    Ok(Some(Cell { day, sec, nano }))
                }
            }
            Col::Text(_) | Col::Dict { .. } => match c.text(i).map(time::parse_notice) {
                Some(Ok(t)) => Ok(Some(Cell::of_notice(t))),
                Some(Err(e)) => Err(time_reason(&e)),
                None => Ok(None),
            },
            _ => Err(Reason::UnparseableDate),
        }
    }

    /// A date cell (`planned_discharge_date`); a datetime gives its date.
    pub fn date(&self, f: Field, i: usize) -> Result<Option<NaiveDate>, Reason> {
        Ok(self.date_day(f, i)?.map(time::date_of_day))
    }

    /// A date cell as a day number in 1990–2100 (checked without building a date value).
    pub fn date_day(&self, f: Field, i: usize) -> Result<Option<i32>, Reason> {
        let c = self.col(f);
        if let Col::Text(_) | Col::Dict { .. } = c {
            return match c.text(i).filter(|s| !s.trim().is_empty()) {
                None => Ok(None),
                Some(s) => time::parse_date(s)
                    .map(|d| Some(time::day_number(d)))
                    .map_err(|e| time_reason(&e)),
            };
        }
        match self.notice(f, i)? {
            None => Ok(None),
            Some(cell) if time::day_in_range(cell.day) => Ok(Some(cell.day)),
            Some(_) => Err(Reason::DateOutOfRange),
        }
    }

    /// The age; `Ok(None)` when absent.
    pub fn age(&self, i: usize) -> Result<Option<u16>, Reason> {
        let c = self.col(Field::Age);
        if c.is_null(i) {
            return Ok(None);
        }
        match c {
            Col::Int(v) => match v.get(i) {
                Some(a) if (0..=150).contains(&a) => Ok(Some(a as u16)),
                _ => Err(Reason::UnparseableInteger),
            },
            Col::Float(v) => match v[i] {
                Some(a) if a.fract() == 0.0 && (0.0..=150.0).contains(&a) => Ok(Some(a as u16)),
                _ => Err(Reason::UnparseableInteger),
            },
            Col::Text(_) | Col::Dict { .. } => validate::parse_age(c.text(i).unwrap_or("")),
            _ => Err(Reason::UnparseableInteger),
        }
    }

    /// Decodes the municipality column into `out` (numeric codes; 0 where a problem is
    /// pushed), a tight loop per Arrow layout.
    pub fn municipality_column(&self, offset: usize, out: &mut Vec<u16>, probs: &mut Vec<Problem>) {
        let f = Field::Municipality;
        out.reserve(self.len);
        if let Col::Text(t) = self.col(f) {
            let known = Municipality::code_index_table();
            let t = *t;
            for_text(
                t,
                #[inline(always)]
                |i, bytes| {
                    // A cell of 3–4 digits naming a known code (the core's digit rule and table)
                    // needs no string; anything else goes through the core's parser.
                    let r = match bytes.and_then(Municipality::code_of_digits) {
                        Some(code) if known[code as usize] != u16::MAX => Ok(code),
                        _ => match t.get(i) {
                            Some(s) if !blank(s) => {
                                self.muni_memo.get(s, |s| parse_municipality(Some(s)))
                            }
                            _ => Err(Reason::MissingField),
                        },
                    };
                    out.push(r.unwrap_or_else(|r| {
                        problem(probs, offset + i, f, r);
                        0
                    }));
                },
            );
            return;
        }
        for i in 0..self.len {
            out.push(self.municipality(i).unwrap_or_else(|r| {
                problem(probs, offset + i, f, r);
                0
            }));
        }
    }

    /// Decodes the care-type column into `out` (0/1; 0 where a problem is pushed).
    pub fn care_type_column(&self, offset: usize, out: &mut Vec<u8>, probs: &mut Vec<Problem>) {
        let f = Field::CareType;
        out.reserve(self.len);
        if let Col::Text(t) = self.col(f) {
            let t = *t;
            // The results for the last two distinct spellings met: a care-type column has
            // about two, so the core's parser runs a few times per slice.
            // Only readable spellings are remembered; the pick between the two is branch-free
            // (the care types of consecutive rows alternate unpredictably).
            let mut recent: [(Option<ShortKey>, u8); 2] = [(None, 0); 2];
            for_text(
                t,
                #[inline(always)]
                |i, bytes| {
                    let key = bytes.and_then(ShortKey::of);
                    let (hit0, hit1) = (key == recent[0].0, key == recent[1].0);
                    let r = if key.is_some() && (hit0 | hit1) {
                        Ok(if hit0 { recent[0].1 } else { recent[1].1 })
                    } else {
                        let r = match t.get(i) {
                            Some(s) if !blank(s) => parse_care_type(Some(s)),
                            _ => Err(Reason::MissingField),
                        };
                        if let (Some(_), Ok(code)) = (key, r) {
                            recent[1] = recent[0];
                            recent[0] = (key, code);
                        }
                        r
                    };
                    out.push(r.unwrap_or_else(|r| {
                        problem(probs, offset + i, f, r);
                        0
                    }));
                },
            );
            return;
        }
        for i in 0..self.len {
            out.push(self.care_type(i).unwrap_or_else(|r| {
                problem(probs, offset + i, f, r);
                0
            }));
        }
    }

    /// Decodes the age column into `out` (−1 when absent or unreadable; a problem is pushed
    /// for an unreadable cell): an `int64` column without nulls, all in 0–150, is copied in
    /// one pass.
    pub fn age_column(&self, offset: usize, out: &mut Vec<i32>, probs: &mut Vec<Problem>) {
        out.reserve(self.len);
        match self.col(Field::Age) {
            Col::Absent => {
                out.resize(out.len() + self.len, -1);
                return;
            }
            Col::Int(Ints {
                values,
                nulls: None,
            }) if values.iter().all(|a| (0..=150).contains(a)) => {
                out.extend(values.iter().map(|&a| a as i32));
                return;
            }
            _ => {}
        }
        for i in 0..self.len {
            let age = self.age(i).unwrap_or_else(|r| {
                problem(probs, offset + i, Field::Age, r);
                None
            });
            out.push(age.map_or(-1, i32::from));
        }
    }

    /// Pushes a missing-field problem for every row whose text cell (an id) has no value.
    pub fn check_present(&self, f: Field, offset: usize, probs: &mut Vec<Problem>) {
        if let Col::Text(t) = self.col(f) {
            for_text(
                *t,
                #[inline(always)]
                |i, bytes| {
                    // A cell starting with a visible ASCII character is not blank.
                    if !bytes.is_some_and(|b| b.first().is_some_and(u8::is_ascii_graphic))
                        && !self.has_text(f, i)
                    {
                        problem(probs, offset + i, f, Reason::MissingField);
                    }
                },
            );
            return;
        }
        for i in 0..self.len {
            if !self.has_text(f, i) {
                problem(probs, offset + i, f, Reason::MissingField);
            }
        }
    }

    /// Pushes a problem for every date/datetime cell that cannot be read (an absent cell is
    /// no problem): naive timestamps whose day numbers all fit (null slots included) are
    /// checked at once.
    pub fn check_notice(&self, f: Field, offset: usize, probs: &mut Vec<Problem>) {
        if !self.can_fail(f) {
            return;
        }
        if let Col::Timestamp {
            values,
            per_sec,
            zoned: false,
            ..
        } = self.col(f)
        {
            // Any i64 count of microseconds or nanoseconds is a day number that fits an i32
            // (±106 751 991 days at most): such a column cannot fail and is not read.
            let fit = match *per_sec {
                1 => column_fits::<1>(values),
                1_000 => column_fits::<1_000>(values),
                _ => true,
            };
            if fit {
                return;
            }
        }
        for i in 0..self.len {
            if let Err(r) = self.notice(f, i) {
                problem(probs, offset + i, f, r);
            }
        }
    }

    /// Pushes a problem for every date cell that cannot be read or is out of range: an Arrow
    /// `date32` column without nulls is checked by its smallest and largest day.
    pub fn check_date(&self, f: Field, offset: usize, probs: &mut Vec<Problem>) {
        match self.col(f) {
            Col::Absent => return,
            Col::Date32(a) if a.null_count() == 0 => {
                let v = a.values();
                let (lo, hi) = v
                    .iter()
                    .fold((i32::MAX, i32::MIN), |(lo, hi), &d| (lo.min(d), hi.max(d)));
                if v.is_empty() || (time::day_in_range(lo) && time::day_in_range(hi)) {
                    return;
                }
            }
            _ => {}
        }
        for i in 0..self.len {
            if let Err(r) = self.date_day(f, i) {
                problem(probs, offset + i, f, r);
            }
        }
    }

    /// Decodes a date/datetime column into day numbers and minutes ([`time::NO_DATE`] /
    /// [`time::NO_TIME`] when absent); a missing required value or an unreadable cell pushes a
    /// problem. Arrow dates and naive timestamps decode in a tight loop.
    pub fn notice_column(
        &self,
        f: Field,
        required: bool,
        offset: usize,
        days: &mut Vec<i32>,
        minutes: &mut Vec<i32>,
        probs: &mut Vec<Problem>,
    ) {
        let missing = |probs: &mut Vec<Problem>, i: usize| {
            if required {
                problem(probs, offset + i, f, Reason::MissingField);
            }
        };
        match self.col(f) {
            Col::Absent => {
                for i in 0..self.len {
                    missing(probs, i);
                }
                days.resize(days.len() + self.len, time::NO_DATE);
                minutes.resize(minutes.len() + self.len, time::NO_TIME);
            }
            Col::Date32(a) => {
                for i in 0..self.len {
                    if a.is_null(i) {
                        missing(probs, i);
                        days.push(time::NO_DATE);
                    } else {
                        days.push(a.value(i));
                    }
                }
                minutes.resize(minutes.len() + self.len, time::NO_TIME);
            }
            Col::Timestamp {
                nulls,
                values,
                per_sec,
                zoned: false,
            } => {
                let args = (*nulls, &values[..self.len], offset, f, required);
                match *per_sec {
                    1 => naive_timestamps::<1>(args, days, minutes, probs),
                    1_000 => naive_timestamps::<1_000>(args, days, minutes, probs),
                    1_000_000 => naive_timestamps::<1_000_000>(args, days, minutes, probs),
                    _ => naive_timestamps::<1_000_000_000>(args, days, minutes, probs),
                }
            }
            _ => {
                for i in 0..self.len {
                    let (d, m) = match self.notice(f, i) {
                        Ok(Some(c)) => (c.day, c.minute()),
                        Ok(None) => {
                            missing(probs, i);
                            (time::NO_DATE, time::NO_TIME)
                        }
                        Err(r) => {
                            problem(probs, offset + i, f, r);
                            (time::NO_DATE, time::NO_TIME)
                        }
                    };
                    days.push(d);
                    minutes.push(m);
                }
            }
        }
    }

    /// Whether reading a field's cells can fail (text, numbers); absent columns, booleans and
    /// Arrow dates cannot.
    pub fn can_fail(&self, f: Field) -> bool {
        !matches!(self.col(f), Col::Absent | Col::Bool(_) | Col::Date32(_))
    }

    /// A flag; `Ok(None)` when absent (the caller applies the default).
    pub fn flag(&self, f: Field, i: usize) -> Result<Option<bool>, Reason> {
        let c = self.col(f);
        if c.is_null(i) {
            return Ok(None);
        }
        match c {
            Col::Bool(a) => Ok(Some(a.value(i))),
            Col::Int(v) => match v.get(i) {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(Reason::UnparseableBoolean),
            },
            Col::Float(v) => match v[i] {
                Some(0.0) => Ok(Some(false)),
                Some(1.0) => Ok(Some(true)),
                _ => Err(Reason::UnparseableBoolean),
            },
            Col::Text(_) | Col::Dict { .. } => validate::parse_bool(c.text(i).unwrap_or("")),
            _ => Err(Reason::UnparseableBoolean),
        }
    }
}

/// Pushes a problem of row `row` in `field`.
pub fn problem(out: &mut Vec<Problem>, row: usize, field: Field, reason: Reason) {
    out.push(Problem { row, field, reason });
}

/// The cells of a small reference column (population, beds) as text, for the core's text
/// readers: text as is, integers and floats formatted.
pub fn cells_as_text(a: &dyn Array) -> Result<Vec<Option<String>>, String> {
    if let Some(t) = Text::of(a) {
        return Ok((0..a.len()).map(|i| t.get(i).map(str::to_string)).collect());
    }
    let fmt_int = |v: Vec<Option<i64>>| v.into_iter().map(|x| x.map(|x| x.to_string())).collect();
    Ok(match a.data_type() {
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => {
            let Ok(Col::Int(v)) = Col::of_array(a) else {
                return Err(format!("cannot read a column of type {}", a.data_type()));
            };
            fmt_int((0..v.len()).map(|i| v.get(i)).collect())
        }
        DataType::Float64 | DataType::Float32 => {
            let Ok(Col::Float(v)) = Col::of_array(a) else {
                return Err(format!("cannot read a column of type {}", a.data_type()));
            };
            v.into_iter()
                .map(|x| x.filter(|f| !f.is_nan()).map(|f| f.to_string()))
                .collect()
        }
        other => {
            return Err(format!(
                "cannot read a column of type {other}: use numbers or text"
            ))
        }
    })
}
