//! Result tables, handed to Python through the Arrow C stream interface.
//!
//! The compiled module builds each result as one Arrow record batch and wraps it in
//! [`ArrowTable`], an object with `__arrow_c_stream__`; the Python layer turns it into a
//! pyarrow Table, a polars DataFrame or a pandas DataFrame, whichever the caller gave. A value
//! that cannot be computed is an Arrow null (pandas shows NaN), never 0.

use std::ffi::CString;
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, RecordBatch, RecordBatchIterator};
use arrow_schema::{DataType, Field as ArrowField, Schema, TimeUnit};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// A result table exporting itself through `__arrow_c_stream__`.
#[pyclass(module = "utklar._utklar", frozen)]
pub struct ArrowTable {
    batch: RecordBatch,
}

#[pymethods]
impl ArrowTable {
    /// Exports the table as an Arrow C stream (the Arrow PyCapsule interface). A requested
    /// schema is ignored, as the interface allows.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(vec![Ok(self.batch.clone())], self.batch.schema());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        let name = CString::new("arrow_array_stream").expect("no NUL");
        PyCapsule::new(py, stream, Some(name))
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// Column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }
}

/// Builds a table column by column.
#[derive(Default)]
pub struct TableBuilder {
    fields: Vec<ArrowField>,
    arrays: Vec<ArrayRef>,
}

impl TableBuilder {
    fn push(&mut self, name: &str, dt: DataType, array: ArrayRef) {
        self.fields.push(ArrowField::new(name, dt, true));
        self.arrays.push(array);
    }

    /// A text column.
    pub fn text<S: AsRef<str>>(&mut self, name: &str, values: impl IntoIterator<Item = Option<S>>) {
        let mut b = StringBuilder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(name, DataType::Utf8, Arc::new(b.finish()));
    }

    /// An integer column.
    pub fn int(&mut self, name: &str, values: impl IntoIterator<Item = Option<i64>>) {
        let mut b = Int64Builder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(name, DataType::Int64, Arc::new(b.finish()));
    }

    /// A float column; `None` is null.
    pub fn float(&mut self, name: &str, values: impl IntoIterator<Item = Option<f64>>) {
        let mut b = Float64Builder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(name, DataType::Float64, Arc::new(b.finish()));
    }

    /// A boolean column.
    pub fn boolean(&mut self, name: &str, values: impl IntoIterator<Item = Option<bool>>) {
        let mut b = BooleanBuilder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(name, DataType::Boolean, Arc::new(b.finish()));
    }

    /// A date column of day numbers.
    pub fn date(&mut self, name: &str, values: impl IntoIterator<Item = Option<i32>>) {
        let mut b = Date32Builder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(name, DataType::Date32, Arc::new(b.finish()));
    }

    /// A naive (Swedish local time) timestamp column in microseconds.
    pub fn timestamp(&mut self, name: &str, values: impl IntoIterator<Item = Option<i64>>) {
        let mut b = TimestampMicrosecondBuilder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(
            name,
            DataType::Timestamp(TimeUnit::Microsecond, None),
            Arc::new(b.finish()),
        );
    }

    /// The table.
    pub fn finish(self) -> ArrowTable {
        let schema = Arc::new(Schema::new(self.fields));
        let batch = RecordBatch::try_new(schema, self.arrays)
            .expect("every column has the same length and its declared type");
        ArrowTable { batch }
    }
}
