//! Arrow record batches, in whatever layout users produce, read through utklar-core's one
//! input layer.
//!
//! Every column a field's name maps to (case-insensitively, see [`ColumnMap`]) is read with an
//! accessor chosen once per batch by its Arrow type, which yields the core's typed cell
//! ([`Value`]) of each row; the core's rules (`utklar_core::input::value`) turn the cells into
//! an episode or into problems. Nothing here knows a default, a limit or an order check.
//!
//! Types read, and the cell each gives:
//!
//! | Arrow type | cell |
//! |---|---|
//! | `Utf8`, `LargeUtf8`, `Utf8View` | [`Value::Text`] |
//! | `Dictionary(any integer index, string or integer values)` | the value's cell |
//! | `Int8` … `Int64`, `UInt8` … `UInt64` | [`Value::Int`] (a `UInt64` above `i64::MAX` saturates) |
//! | `Float32`, `Float64` | [`Value::Float`] (NaN is absent) |
//! | `Boolean` | [`Value::Bool`] |
//! | `Date32`, `Date64` | [`Value::Date`] |
//! | `Timestamp(any unit, no time zone)` | [`Value::DateTime`]: Swedish local civil time, floored to the second |
//! | `Timestamp(any unit, a time zone)` | [`Value::Instant`]: floored to the second |
//! | `Null`, and any column above whose every value is null | [`Value::Absent`] |
//!
//! Any other type is an [`Error::UnsupportedType`] naming the column and the type (never a
//! cell's value). A null is absent whatever the type.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{ArrayRef, Int64Array, RecordBatch, RecordBatchIterator, StringArray};
//! use arrow_array::{TimestampSecondArray, Float64Array};
//! use utklar_core::{IndicatorOptions, Reason};
//!
//! // How pandas reads a CSV export: numeric codes, an all-empty optional column as NaN.
//! let columns: Vec<(&str, ArrayRef)> = vec![
//!     ("episode_id", Arc::new(Int64Array::from(vec![1, 2, 3]))),
//!     ("municipality", Arc::new(Int64Array::from(vec![880, 880, 999]))),
//!     ("care_type", Arc::new(StringArray::from(vec!["somatic"; 3]))),
//!     // 2025-03-03 10:15 and 2025-03-05 14:00, naive: Swedish local time.
//!     ("ready_at", Arc::new(TimestampSecondArray::from(vec![1_740_996_900; 3]))),
//!     ("discharged_at", Arc::new(TimestampSecondArray::from(vec![1_741_183_200; 3]))),
//!     ("age", Arc::new(Float64Array::from(vec![f64::NAN; 3]))),
//! ];
//! let batch = RecordBatch::try_from_iter(columns)?;
//! let schema = batch.schema();
//! let set = utklar_arrow::measure(
//!     RecordBatchIterator::new([Ok(batch)], schema),
//!     &IndicatorOptions::default(),
//! )?;
//! assert_eq!(set.report().counted, 2);
//! assert_eq!(set.report().count(Reason::UnknownMunicipality), 1);
//! assert_eq!(set.total().ready_days, 4);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, DataType, Schema};
use utklar_core::input::{ColumnBatch, ColumnMap, EpisodeSet, IdRun, Row, Value};
use utklar_core::{Field, IndicatorOptions, MeasureSet};

mod cells;
mod measure;

use cells::Cells;
pub use measure::{measure, measure_with_threads};

/// What can go wrong reading Arrow data.
#[derive(Debug)]
pub enum Error {
    /// The core refused the data or the call (two columns naming one field, a required
    /// column missing, strict mode with bad rows, …).
    Core(utklar_core::Error),
    /// The Arrow stream failed.
    Arrow(ArrowError),
    /// A column of a field has a type that is not read (see the crate's table of types).
    UnsupportedType {
        /// The column's name, as in the schema.
        column: String,
        /// Its type.
        data_type: DataType,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Core(e) => e.fmt(f),
            Error::Arrow(e) => write!(f, "cannot read the Arrow data: {e}"),
            Error::UnsupportedType { column, data_type } => write!(
                f,
                "column `{column}` has Arrow type {data_type}, which cannot be read: use text, \
                 integers, floats, booleans, dates or timestamps (naive = Swedish local time, or \
                 with a time zone), or a dictionary of text or integers"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Core(e) => Some(e),
            Error::Arrow(e) => Some(e),
            Error::UnsupportedType { .. } => None,
        }
    }
}

impl From<utklar_core::Error> for Error {
    fn from(e: utklar_core::Error) -> Self {
        Error::Core(e)
    }
}

impl From<ArrowError> for Error {
    fn from(e: ArrowError) -> Self {
        Error::Arrow(e)
    }
}

/// The map of a schema's columns to fields, with every required field present: an error names
/// two columns that name one field, or the first required field no column holds.
///
/// ```
/// use arrow_schema::{DataType, Field, Schema};
///
/// let col = |n: &str| Field::new(n, DataType::Utf8, true);
/// let schema = Schema::new(vec![col("episode_id"), col("MUNICIPALITY"), col("municipality")]);
/// assert!(utklar_arrow::column_map(&schema).unwrap_err().to_string().contains("two columns"));
/// ```
pub fn column_map(schema: &Schema) -> Result<ColumnMap, Error> {
    let map = ColumnMap::new(schema.fields().iter().map(|f| f.name()))?;
    map.require()?;
    Ok(map)
}

/// The cells of the mapped columns of one record batch, ready to fill input rows.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, DictionaryArray, RecordBatch, StringArray};
/// use arrow_array::types::Int8Type;
/// use utklar_core::input::{ColumnMap, Row, Value};
/// use utklar_core::Field;
///
/// let care: DictionaryArray<Int8Type> = vec!["somatic", "psychiatric"].into_iter().collect();
/// let batch = RecordBatch::try_from_iter([
///     ("care_type", Arc::new(care) as ArrayRef),
///     ("notes", Arc::new(StringArray::from(vec!["x", "y"])) as ArrayRef),
/// ])?;
/// let map = ColumnMap::new(batch.schema().fields().iter().map(|f| f.name()))?;
/// let cols = utklar_arrow::BatchCells::new(&batch, &map)?;
/// let mut row = Row::default();
/// cols.fill(1, &mut row);
/// assert_eq!(row.value(Field::CareType), Value::Text("psychiatric"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BatchCells<'a> {
    cells: Vec<(Field, Cells<'a>)>,
    len: usize,
}

impl<'a> BatchCells<'a> {
    /// The accessors of `batch`'s columns that `map` maps to fields; an error names a column
    /// whose type is not read.
    pub fn new(batch: &'a RecordBatch, map: &ColumnMap) -> Result<Self, Error> {
        let schema = batch.schema_ref();
        let mut cells = Vec::new();
        for (index, field) in map.fields() {
            let (Some(array), Some(f)) = (batch.columns().get(index), schema.fields().get(index))
            else {
                return Err(Error::Arrow(ArrowError::SchemaError(format!(
                    "a record batch has {} columns, fewer than its stream's schema",
                    batch.num_columns()
                ))));
            };
            let mut column = Cells::of(array.as_ref(), f.name())?;
            column.read_dictionary_once(field, batch.num_rows());
            cells.push((field, column));
        }
        Ok(BatchCells {
            cells,
            len: batch.num_rows(),
        })
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the batch has no row.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The cell of `field` in row `i` ([`Value::Absent`] when no column holds the field, or
    /// `i` is past the end).
    pub fn value(&self, field: Field, i: usize) -> Value<'a> {
        if i >= self.len {
            return Value::Absent;
        }
        self.column(field).map_or(Value::Absent, |c| c.value(i))
    }

    /// The cells of the column that holds `field`, if any.
    fn column(&self, field: Field) -> Option<&Cells<'a>> {
        self.cells.iter().find(|(f, _)| *f == field).map(|(_, c)| c)
    }

    /// Reads rows `from..to` of the batch into `batch` (started for `to - from` rows), column by
    /// column, then the rows the columns could not settle as whole rows
    /// ([`ColumnBatch::read_rows`]). Nothing when the range is not within the batch.
    pub fn feed(&self, from: usize, to: usize, batch: &mut ColumnBatch) {
        if from > to || to > self.len {
            return;
        }
        for (field, cells) in &self.cells {
            cells.feed(*field, from, to, batch);
        }
        batch.read_rows(|i, row| self.fill(from + i, row));
    }

    /// Pushes rows `from..to` of the batch onto `run` by their `episode_id` and `patient_id`
    /// cells, as [`IdRun::push`] would row by row, a column at a time
    /// ([`IdRun::push_episode_ids`], [`IdRun::push_patient_ids`]); nothing when the range is
    /// not within the batch.
    pub fn push_ids(&self, from: usize, to: usize, run: &mut IdRun) {
        if from > to || to > self.len {
            return;
        }
        let at = match self.column(Field::EpisodeId) {
            Some(e) => {
                let mut sink = cells::EpisodeIds { run, at: 0 };
                e.each(from, to, &mut sink);
                sink.at
            }
            None => run.push_episode_ids(std::iter::repeat_n(Value::Absent, to - from)),
        };
        if let Some(p) = self.column(Field::PatientId) {
            p.each(from, to, &mut cells::PatientIds { run, at });
        }
    }

    /// Sets every mapped field of `row` to its cell in row `i` of the batch (fields without
    /// a column are left as they are); nothing when `i` is past the end.
    #[inline]
    pub fn fill(&self, i: usize, row: &mut Row<'a>) {
        if i >= self.len {
            return;
        }
        for (field, cells) in &self.cells {
            row.set(*field, cells.value(i));
        }
    }
}

/// Reads every row of a stream into an [`EpisodeSet`] (episodes at their input rows, the
/// unreadable rows with their problems and ids), the input of the core's measures, invoices,
/// comparisons and sweeps over a data set. Rows are numbered from 0 across the batches.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, RecordBatchIterator, StringArray, UInt16Array};
/// use utklar_core::Reason;
///
/// let text = |v: Vec<&str>| Arc::new(StringArray::from(v)) as ArrayRef;
/// let batch = RecordBatch::try_from_iter([
///     ("episode_id", text(vec!["a", "a"])),
///     ("municipality", Arc::new(UInt16Array::from(vec![880, 880])) as ArrayRef),
///     ("care_type", text(vec!["somatic", "somatic"])),
///     ("ready_at", text(vec!["2025-03-03", "2025-03-04"])),
/// ])?;
/// let schema = batch.schema();
/// let set = utklar_arrow::read_set(RecordBatchIterator::new([Ok(batch)], schema))?;
/// assert_eq!(set.episodes()[0].municipality.to_string(), "0880");
/// assert_eq!(set.unreadable()[0].problems[0].reason, Reason::DuplicateEpisodeId);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_set(reader: impl RecordBatchReader) -> Result<EpisodeSet, Error> {
    read_set_with(reader, false)
}

/// [`read_set`], with ids that look like personal identity numbers let through when
/// `allow_personal_ids` (otherwise every computation over the set refuses them).
pub fn read_set_with(
    reader: impl RecordBatchReader,
    allow_personal_ids: bool,
) -> Result<EpisodeSet, Error> {
    let map = column_map(&reader.schema())?;
    let mut set = EpisodeSet::new();
    set.allow_personal_ids(allow_personal_ids);
    let mut offset = 0usize;
    for batch in reader {
        let batch = batch?;
        let cells = BatchCells::new(&batch, &map)?;
        let mut row = Row::default();
        for i in 0..cells.len() {
            cells.fill(i, &mut row);
            set.push(offset + i, &row);
        }
        offset += cells.len();
    }
    Ok(set)
}

/// [`measure`] of in-memory batches sharing `schema`.
pub fn measure_batches(
    schema: arrow_schema::SchemaRef,
    batches: &[RecordBatch],
    opts: &IndicatorOptions,
) -> Result<MeasureSet, Error> {
    measure(
        arrow_array::RecordBatchIterator::new(batches.iter().cloned().map(Ok), schema),
        opts,
    )
}

/// [`read_set_with`], each episode carrying its cells in the caller's columns `also_by`
/// (`hospital`; see [`utklar_core::input::AlsoBy`]: read by the id rule, personal identity
/// numbers in them refused like ids), for [`EpisodeSet::indicators_also_by`]. A name the
/// schema lacks, or one of the fields, is the core's `InvalidArgument`.
pub fn read_set_also(
    reader: impl RecordBatchReader,
    allow_personal_ids: bool,
    also_by: &[String],
) -> Result<EpisodeSet, Error> {
    let schema = reader.schema();
    let map = column_map(&schema)?;
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let also = utklar_core::input::AlsoBy::new(also_by, &names)?;
    let mut set = EpisodeSet::new();
    set.allow_personal_ids(allow_personal_ids);
    set.set_also_names(also.names().to_vec());
    let mut offset = 0usize;
    for batch in reader {
        let batch = batch?;
        let cells = BatchCells::new(&batch, &map)?;
        let extra: Vec<cells::Cells<'_>> = also
            .columns()
            .iter()
            .map(|&c| {
                let array = batch.columns().get(c).ok_or_else(|| {
                    Error::Arrow(ArrowError::SchemaError(
                        "a record batch has fewer columns than its stream's schema".into(),
                    ))
                })?;
                cells::Cells::of(array.as_ref(), names[c])
            })
            .collect::<Result<_, _>>()?;
        let mut row = Row::default();
        for i in 0..cells.len() {
            cells.fill(i, &mut row);
            set.push_also(offset + i, &row, &also, extra.iter().map(|c| c.value(i)));
        }
        offset += cells.len();
    }
    Ok(set)
}
