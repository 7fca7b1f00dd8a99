//! One accessor per input column, chosen once per batch by the column's Arrow type, that
//! yields the core's typed cell ([`Value`]) of any row.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, LargeStringArray, StringArray, StringViewArray};
use arrow_buffer::{BooleanBuffer, NullBuffer};
use arrow_schema::{DataType, TimeUnit};
use utklar_core::input::{ColumnBatch, IdRun, Value};
use utklar_core::Field;

use crate::Error;

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The cells of one column of one batch.
pub(crate) struct Cells<'a> {
    /// The null mask, `None` when the column has no null.
    nulls: Option<&'a NullBuffer>,
    kind: Kind<'a>,
    /// A dictionary's values read once as the cells of the column's field, when the
    /// dictionary is much smaller than the column ([`Cells::read_dictionary_once`]).
    outcomes: Option<ColumnBatch>,
}

/// The physical layouts read, each turned into a [`Value`] without a copy of the column.
enum Kind<'a> {
    /// A null-typed or all-null column.
    Absent,
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    View(&'a StringViewArray),
    /// A dictionary: every row's key into the dictionary's `size` values (checked to be in
    /// range).
    Dict {
        keys: Vec<usize>,
        values: Box<Cells<'a>>,
        size: usize,
    },
    I8(&'a [i8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
    /// Values beyond `i64::MAX` are read as `i64::MAX` (no municipality, age or flag is that
    /// large; such an id is no id anyone writes).
    U64(&'a [u64]),
    F32(&'a [f32]),
    F64(&'a [f64]),
    Bool(&'a BooleanBuffer),
    Date32(&'a [i32]),
    /// Milliseconds since the epoch; the day is the floor.
    Date64(&'a [i64]),
    /// Timestamps in units of `1 / per_sec` seconds, floored to the whole second; naive ones
    /// are Swedish local civil time, zoned ones instants.
    Timestamp {
        values: &'a [i64],
        per_sec: i64,
        zoned: bool,
    },
}

/// A day number as an `i32`, saturating (a day that far out is out of range for every rule).
#[inline]
fn day_of(days: i64) -> i32 {
    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
}

impl<'a> Cells<'a> {
    /// The accessor of `array`, the column named `name` (for the error when its type is not
    /// one that is read).
    pub(crate) fn of(array: &'a dyn Array, name: &str) -> Result<Self, Error> {
        let unsupported = || Error::UnsupportedType {
            column: name.to_string(),
            data_type: array.data_type().clone(),
        };
        let nulls = array.nulls().filter(|n| n.null_count() > 0);
        let all_null = |n: Option<&NullBuffer>| n.is_some_and(|n| n.null_count() == n.len());
        let kind = match array.data_type() {
            DataType::Null => Kind::Absent,
            DataType::Utf8 => Kind::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Kind::LargeUtf8(array.as_string::<i64>()),
            DataType::Utf8View => Kind::View(array.as_string_view()),
            DataType::Dictionary(index, value) => {
                let dict = array.as_any_dictionary_opt().ok_or_else(unsupported)?;
                let ok_index = index.is_integer();
                let ok_value = matches!(
                    value.as_ref(),
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
                ) || value.is_integer();
                if !ok_index || !ok_value {
                    return Err(unsupported());
                }
                let values = dict.values();
                let inner = Cells::of(values.as_ref(), name)?;
                let keys = dict.normalized_keys();
                // A key outside the dictionary can only be in a null slot of a valid array;
                // such a slot is never read, but it must not point out of range either.
                let n = values.len();
                let keys = keys
                    .into_iter()
                    .enumerate()
                    .map(|(i, k)| {
                        if k < n {
                            Ok(k)
                        } else if nulls.is_some_and(|m| m.is_null(i)) {
                            Ok(0)
                        } else {
                            Err(unsupported())
                        }
                    })
                    .collect::<Result<Vec<usize>, Error>>()?;
                Kind::Dict {
                    keys,
                    values: Box::new(inner),
                    size: n,
                }
            }
            DataType::Int8 => Kind::I8(array.as_primitive::<Int8Type>().values()),
            DataType::Int16 => Kind::I16(array.as_primitive::<Int16Type>().values()),
            DataType::Int32 => Kind::I32(array.as_primitive::<Int32Type>().values()),
            DataType::Int64 => Kind::I64(array.as_primitive::<Int64Type>().values()),
            DataType::UInt8 => Kind::U8(array.as_primitive::<UInt8Type>().values()),
            DataType::UInt16 => Kind::U16(array.as_primitive::<UInt16Type>().values()),
            DataType::UInt32 => Kind::U32(array.as_primitive::<UInt32Type>().values()),
            DataType::UInt64 => Kind::U64(array.as_primitive::<UInt64Type>().values()),
            DataType::Float32 => Kind::F32(array.as_primitive::<Float32Type>().values()),
            DataType::Float64 => Kind::F64(array.as_primitive::<Float64Type>().values()),
            DataType::Boolean => Kind::Bool(array.as_boolean().values()),
            DataType::Date32 => Kind::Date32(array.as_primitive::<Date32Type>().values()),
            DataType::Date64 => Kind::Date64(array.as_primitive::<Date64Type>().values()),
            DataType::Timestamp(unit, tz) => {
                let (values, per_sec): (&[i64], i64) = match unit {
                    TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().values(), 1),
                    TimeUnit::Millisecond => (
                        array.as_primitive::<TimestampMillisecondType>().values(),
                        1_000,
                    ),
                    TimeUnit::Microsecond => (
                        array.as_primitive::<TimestampMicrosecondType>().values(),
                        1_000_000,
                    ),
                    TimeUnit::Nanosecond => (
                        array.as_primitive::<TimestampNanosecondType>().values(),
                        1_000_000_000,
                    ),
                };
                Kind::Timestamp {
                    values,
                    per_sec,
                    zoned: tz.is_some(),
                }
            }
            _ => return Err(unsupported()),
        };
        // An all-null column of any type read is absent in every row.
        if all_null(nulls) {
            return Ok(Cells {
                nulls: None,
                kind: Kind::Absent,
                outcomes: None,
            });
        }
        Ok(Cells {
            nulls,
            kind,
            outcomes: None,
        })
    }

    /// For a dictionary-encoded column of `field` with at most half as many values as the
    /// column has rows: reads the values once, through the field's rule, so that
    /// [`feed`](Self::feed) hands the slice each row's outcome by its key
    /// ([`ColumnBatch::read_dictionary`]) instead of running the rule on every row.
    pub(crate) fn read_dictionary_once(&mut self, field: Field, rows: usize) {
        let Kind::Dict { values, size, .. } = &self.kind else {
            return;
        };
        let n = *size;
        if field == Field::PatientId || n.saturating_mul(2) > rows {
            return;
        }
        let mut outcomes = ColumnBatch::new();
        outcomes.start(0, n);
        values.feed(field, 0, n, &mut outcomes);
        self.outcomes = Some(outcomes);
    }

    /// The cell of row `i` (`i` below the column's length).
    #[inline]
    pub(crate) fn value(&self, i: usize) -> Value<'a> {
        if self.nulls.is_some_and(|n| n.is_null(i)) {
            return Value::Absent;
        }
        match &self.kind {
            Kind::Absent => Value::Absent,
            Kind::Utf8(a) => Value::Text(a.value(i)),
            Kind::LargeUtf8(a) => Value::Text(a.value(i)),
            Kind::View(a) => Value::Text(a.value(i)),
            Kind::Dict { keys, values, .. } => values.value(keys[i]),
            Kind::I8(v) => Value::Int(i64::from(v[i])),
            Kind::I16(v) => Value::Int(i64::from(v[i])),
            Kind::I32(v) => Value::Int(i64::from(v[i])),
            Kind::I64(v) => Value::Int(v[i]),
            Kind::U8(v) => Value::Int(i64::from(v[i])),
            Kind::U16(v) => Value::Int(i64::from(v[i])),
            Kind::U32(v) => Value::Int(i64::from(v[i])),
            Kind::U64(v) => Value::Int(i64::try_from(v[i]).unwrap_or(i64::MAX)),
            Kind::F32(v) => Value::Float(f64::from(v[i])),
            Kind::F64(v) => Value::Float(v[i]),
            Kind::Bool(b) => Value::Bool(b.value(i)),
            Kind::Date32(v) => Value::Date(v[i]),
            Kind::Date64(v) => Value::Date(day_of(v[i].div_euclid(DAY * 1_000))),
            Kind::Timestamp {
                values,
                per_sec,
                zoned,
            } => {
                let secs = values[i].div_euclid(*per_sec);
                if *zoned {
                    Value::Instant(secs)
                } else {
                    Value::DateTime {
                        day: day_of(secs.div_euclid(DAY)),
                        second: secs.rem_euclid(DAY) as i32,
                    }
                }
            }
        }
    }

    /// Gives rows `from..to` of the column to `batch` as the cells of `field`: one loop per
    /// layout ([`each`](Self::each)), unless the dictionary's outcomes or the column's domain
    /// settle it.
    pub(crate) fn feed(&self, field: Field, from: usize, to: usize, batch: &mut ColumnBatch) {
        if let (Some(outcomes), Kind::Dict { keys, .. }) = (&self.outcomes, &self.kind) {
            // A null row's key is past the dictionary: an absent cell.
            let keys = keys[from..to].iter().enumerate().map(|(j, &k)| {
                if self.nulls.is_some_and(|n| n.is_null(from + j)) {
                    usize::MAX
                } else {
                    k
                }
            });
            if batch.read_dictionary(field, outcomes, keys) {
                return;
            }
        }
        // A column of two values and absent, or of absent only: the field's rule may settle
        // it at once.
        let settled = match self.kind {
            Kind::Absent => batch.read_domain(field, &[Value::Absent]),
            Kind::Bool(_) => batch.read_domain(
                field,
                &[Value::Bool(false), Value::Bool(true), Value::Absent],
            ),
            _ => false,
        };
        if !settled {
            self.each(from, to, &mut ReadInto { field, batch });
        }
    }

    /// Hands rows `from..to` of the column to `sink` in one call: one loop per layout, each
    /// making the row's [`Value`] inline (no accessor chosen per cell), the column's nulls
    /// absent.
    pub(crate) fn each(&self, from: usize, to: usize, sink: &mut impl Take) {
        // The cells of a layout, with the column's nulls absent.
        macro_rules! take {
            ($cells:expr) => {{
                let cells = $cells;
                match self.nulls {
                    None => sink.take(cells),
                    Some(n) => {
                        let valid = n.inner().slice(from, to - from);
                        sink.take(cells.zip(valid.iter()).map(|(v, valid)| {
                            if valid {
                                v
                            } else {
                                Value::Absent
                            }
                        }))
                    }
                }
            }};
        }
        macro_rules! ints {
            ($v:expr) => {
                take!($v[from..to].iter().map(|&x| Value::Int(i64::from(x))))
            };
        }
        // Naive timestamps in units of 1/PER seconds, floored to the second. Divisions by
        // constants are multiplications; those of a time after 1970 are unsigned ones, and
        // the day and the second are found from the day's units, not from the seconds.
        #[inline]
        fn naive<const PER: i64>(x: i64) -> Value<'static> {
            match u64::try_from(x) {
                Ok(u) => {
                    let per_day = (DAY * PER) as u64;
                    Value::DateTime {
                        day: day_of((u / per_day) as i64),
                        second: ((u % per_day) / PER as u64) as i32,
                    }
                }
                Err(_) => {
                    let secs = x.div_euclid(PER);
                    Value::DateTime {
                        day: day_of(secs.div_euclid(DAY)),
                        second: secs.rem_euclid(DAY) as i32,
                    }
                }
            }
        }
        match &self.kind {
            Kind::Absent => sink.take(std::iter::repeat_n(Value::Absent, to - from)),
            Kind::Utf8(a) => take!((from..to).map(|i| Value::Text(a.value(i)))),
            Kind::LargeUtf8(a) => take!((from..to).map(|i| Value::Text(a.value(i)))),
            Kind::View(a) => take!((from..to).map(|i| Value::Text(a.value(i)))),
            Kind::Dict { keys, values, .. } => {
                take!(keys[from..to].iter().map(|&k| values.value(k)));
            }
            Kind::I8(v) => ints!(v),
            Kind::I16(v) => ints!(v),
            Kind::I32(v) => ints!(v),
            Kind::I64(v) => ints!(v),
            Kind::U8(v) => ints!(v),
            Kind::U16(v) => ints!(v),
            Kind::U32(v) => ints!(v),
            Kind::U64(v) => {
                take!(v[from..to]
                    .iter()
                    .map(|&x| Value::Int(i64::try_from(x).unwrap_or(i64::MAX))));
            }
            Kind::F32(v) => take!(v[from..to].iter().map(|&x| Value::Float(f64::from(x)))),
            Kind::F64(v) => take!(v[from..to].iter().map(|&x| Value::Float(x))),
            Kind::Bool(b) => {
                let b = b.slice(from, to - from);
                take!(b.iter().map(Value::Bool));
            }
            Kind::Date32(v) => take!(v[from..to].iter().map(|&d| Value::Date(d))),
            Kind::Date64(v) => take!(v[from..to]
                .iter()
                .map(|&ms| Value::Date(day_of(ms.div_euclid(DAY * 1_000))))),
            Kind::Timestamp {
                values,
                per_sec,
                zoned: true,
            } => take!(values[from..to]
                .iter()
                .map(|&x| Value::Instant(x.div_euclid(*per_sec)))),
            Kind::Timestamp {
                values,
                per_sec,
                zoned: false,
            } => {
                let v = &values[from..to];
                match *per_sec {
                    1 => take!(v.iter().map(|&x| naive::<1>(x))),
                    1_000 => take!(v.iter().map(|&x| naive::<1_000>(x))),
                    1_000_000 => take!(v.iter().map(|&x| naive::<1_000_000>(x))),
                    _ => take!(v.iter().map(|&x| naive::<1_000_000_000>(x))),
                }
            }
        }
    }
}

/// What takes the cells of a run of rows of one column in one call ([`Cells::each`]), so that
/// its loop is compiled once for each layout.
pub(crate) trait Take {
    /// Takes the cells, in row order.
    fn take<'v>(&mut self, cells: impl Iterator<Item = Value<'v>>);
}

/// The cells of `field` for a slice of the columnar reader ([`ColumnBatch::read`]).
struct ReadInto<'b> {
    field: Field,
    batch: &'b mut ColumnBatch,
}

impl Take for ReadInto<'_> {
    fn take<'v>(&mut self, cells: impl Iterator<Item = Value<'v>>) {
        self.batch.read(self.field, cells);
    }
}

/// Episode-id cells onto a run ([`IdRun::push_episode_ids`]), noting where they start.
pub(crate) struct EpisodeIds<'r> {
    pub(crate) run: &'r mut IdRun,
    pub(crate) at: usize,
}

impl Take for EpisodeIds<'_> {
    fn take<'v>(&mut self, cells: impl Iterator<Item = Value<'v>>) {
        self.at = self.run.push_episode_ids(cells);
    }
}

/// The patient-id cells of the rows of a run from `at` on ([`IdRun::push_patient_ids`]).
pub(crate) struct PatientIds<'r> {
    pub(crate) run: &'r mut IdRun,
    pub(crate) at: usize,
}

impl Take for PatientIds<'_> {
    fn take<'v>(&mut self, cells: impl Iterator<Item = Value<'v>>) {
        self.run.push_patient_ids(self.at, cells);
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::{
        Array, TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
        TimestampSecondArray,
    };
    use utklar_core::input::Value;

    use super::{Cells, Take};

    /// The cells a loop is handed.
    struct Collect<'c>(Vec<Value<'c>>);

    impl Take for Collect<'_> {
        fn take<'v>(&mut self, cells: impl Iterator<Item = Value<'v>>) {
            // Timestamps borrow nothing: their cells live as long as any.
            self.0.extend(cells.map(|v| match v {
                Value::DateTime { day, second } => Value::DateTime { day, second },
                Value::Absent => Value::Absent,
                _ => panic!("a naive timestamp gave {v:?}"),
            }));
        }
    }

    /// A layout's loop makes each naive timestamp's cell as the row accessor does (its
    /// arithmetic for times after 1970 is its own): around midnight, the epoch, far out and
    /// at the ends of `i64`, in every unit, with a null among them.
    #[test]
    fn the_loops_timestamps_are_the_accessors() {
        let day = 86_400_i64;
        let mut secs: Vec<i64> = vec![0, 1, -1, day - 1, day, day + 1, -day, -day - 1];
        secs.extend([20_150 * day, 20_150 * day - 1, 20_150 * day + 45_296]);
        secs.extend([i64::MAX, i64::MIN, i64::MAX - 1, i64::MIN + 1]);
        secs.extend([i64::MAX / 1000, i64::MIN / 1000]);
        for per in [1_i64, 1_000, 1_000_000, 1_000_000_000] {
            // The seconds in this unit, and a unit either side of each.
            let mut values: Vec<Option<i64>> = Vec::new();
            for &s in &secs {
                let x = s.saturating_mul(per);
                values.extend([
                    Some(x),
                    Some(x.saturating_sub(1)),
                    Some(x.saturating_add(1)),
                ]);
            }
            values.push(None);
            let array: Box<dyn Array> = match per {
                1 => Box::new(TimestampSecondArray::from(values)),
                1_000 => Box::new(TimestampMillisecondArray::from(values)),
                1_000_000 => Box::new(TimestampMicrosecondArray::from(values)),
                _ => Box::new(TimestampNanosecondArray::from(values)),
            };
            let cells = Cells::of(array.as_ref(), "ready_at").unwrap();
            let n = array.len();
            let mut got = Collect(Vec::new());
            cells.each(0, n, &mut got);
            let want: Vec<Value<'_>> = (0..n).map(|i| cells.value(i)).collect();
            assert_eq!(got.0, want, "unit 1/{per} s");
        }
    }
}
