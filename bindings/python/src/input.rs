//! Reading tables through the Arrow C stream interface (`__arrow_c_stream__`).
//!
//! pyarrow tables and record batches, polars data frames and pandas (2.2+) data frames all
//! export themselves as an `ArrowArrayStream` in a PyCapsule. We import the stream with
//! arrow-array's FFI module (no pyarrow needed) and hand it to `utklar-arrow`, which reads it
//! batch by batch through the core's input layer, never converting a row to Python objects
//! and never copying the table.

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::Array;
use arrow_schema::DataType;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

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

/// The cells of a small reference column (population, beds) as text, for the core's text
/// readers: text as is, integers and floats written out, nulls and NaN absent.
pub fn cells_as_text(a: &dyn Array) -> Result<Vec<Option<String>>, String> {
    let n = a.len();
    let valid = |i: usize| a.is_valid(i);
    macro_rules! each {
        ($arr:expr) => {{
            let arr = $arr;
            (0..n)
                .map(|i| valid(i).then(|| arr.value(i).to_string()))
                .collect()
        }};
    }
    Ok(match a.data_type() {
        DataType::Utf8 => each!(a.as_string::<i32>()),
        DataType::LargeUtf8 => each!(a.as_string::<i64>()),
        DataType::Utf8View => each!(a.as_string_view()),
        DataType::Int8 => each!(a.as_primitive::<Int8Type>()),
        DataType::Int16 => each!(a.as_primitive::<Int16Type>()),
        DataType::Int32 => each!(a.as_primitive::<Int32Type>()),
        DataType::Int64 => each!(a.as_primitive::<Int64Type>()),
        DataType::UInt8 => each!(a.as_primitive::<UInt8Type>()),
        DataType::UInt16 => each!(a.as_primitive::<UInt16Type>()),
        DataType::UInt32 => each!(a.as_primitive::<UInt32Type>()),
        DataType::UInt64 => each!(a.as_primitive::<UInt64Type>()),
        DataType::Float32 | DataType::Float64 => {
            let f: Vec<Option<f64>> = if let DataType::Float32 = a.data_type() {
                a.as_primitive::<Float32Type>()
                    .iter()
                    .map(|v| v.map(f64::from))
                    .collect()
            } else {
                a.as_primitive::<Float64Type>().iter().collect()
            };
            f.into_iter()
                .map(|x| x.filter(|f| !f.is_nan()).map(|f| f.to_string()))
                .collect()
        }
        DataType::Null => vec![None; n],
        other => {
            return Err(format!(
                "cannot read a column of type {other}: use numbers or text"
            ))
        }
    })
}
