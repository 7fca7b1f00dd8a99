//! The Arrow input layer (utklar-arrow): record batches of fuzzed schemas — any of the column
//! types the crate reads and some it refuses, names that are a field's in any case or none,
//! two columns naming one field, nulls anywhere, dictionaries with keys out of range, all-null
//! columns, one or two batches — read three ways: into an [`EpisodeSet`] then measured, and
//! measured straight from the stream on one thread and on two.
//!
//! The input: a header byte (rows, batches), a column count, then per column a name byte, a
//! type byte and, per row, a validity bit and a value drawn from the bytes that follow (zeros
//! when they run out).
//!
//! Checks: no panic; the three ways agree (the same measures, exclusions and problems, or
//! errors of the same kind); every exclusion report balances and accounts for every row.
#![no_main]

use std::sync::Arc;

use arrow_array::types::{Int16Type, Int32Type, Int8Type, UInt32Type};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Date64Array, DictionaryArray, Float32Array, Float64Array,
    Int16Array, Int32Array, Int64Array, Int8Array, LargeStringArray, NullArray, RecordBatch,
    RecordBatchIterator, StringArray, StringViewArray, Time32SecondArray,
    TimestampMicrosecondArray, TimestampMillisecondArray, TimestampNanosecondArray,
    TimestampSecondArray, UInt16Array, UInt64Array, UInt8Array,
};
use arrow_schema::{ArrowError, Field as ArrowField, Schema};
use libfuzzer_sys::fuzz_target;
use utklar_core::{Field, IndicatorOptions, Mode, NegativeDays, PeriodKind};

/// 2025-01-01T00:00:00 in seconds since the epoch.
const SECOND_2025: i64 = 1_735_689_600;
/// 2025-01-01 as days since the epoch.
const DAY_2025: i32 = 20_089;

/// The bytes of the input, read from the front; zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    /// Whether the next cell is valid (not null): four times in five.
    fn valid(&mut self) -> bool {
        self.u8() % 5 != 0
    }

    fn i16(&mut self) -> i16 {
        i16::from_le_bytes([self.u8(), self.u8()])
    }

    fn i64(&mut self) -> i64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.u8();
        }
        i64::from_le_bytes(b)
    }

    /// Mostly values near 2025 (where valid data is), sometimes any `i64`.
    fn seconds(&mut self) -> i64 {
        match self.u8() % 4 {
            0 => self.i64(),
            _ => SECOND_2025 + i64::from(self.i16()) * 3_600 + i64::from(self.u8() % 60),
        }
    }

    fn day(&mut self) -> i32 {
        DAY_2025 + i32::from(self.i16() / 64)
    }

    /// Short text: one of the field's typical spellings, or raw bytes cut to valid UTF-8.
    fn text(&mut self) -> String {
        const WORDS: [&str; 16] = [
            "0880",
            "880",
            "somatic",
            "psykiatrisk",
            "2025-03-03",
            "2025-03-03T10:00:30",
            "2025-03-05 14:00",
            "SANT",
            "FALSKT",
            "true",
            "86,0",
            "",
            "19121212-1212",
            "121212+1212",
            "e1",
            "9999",
        ];
        let tag = self.u8();
        if tag < 200 {
            return WORDS[usize::from(tag) % WORDS.len()].to_string();
        }
        let n = usize::from(self.u8() % 24);
        let bytes: Vec<u8> = (0..n).map(|_| self.u8()).collect();
        match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                String::from_utf8_lossy(&e.into_bytes()[..valid]).into_owned()
            }
        }
    }
}

/// A column name: a field's name in any case, an unknown name, or an empty one.
fn name(b: &mut Bytes) -> String {
    let tag = b.u8();
    let fields = Field::ALL;
    let i = usize::from(tag) % (fields.len() + 2);
    match fields.get(i) {
        Some(f) if tag & 0x80 != 0 => f.as_str().to_uppercase(),
        Some(f) => f.as_str().to_string(),
        None if i == fields.len() => "hospital".to_string(),
        None => String::new(),
    }
}

/// A column of `rows` values of the type chosen by `tag`, with nulls where the input says.
fn column(b: &mut Bytes, tag: u8, rows: usize) -> ArrayRef {
    macro_rules! of {
        ($array:ty, $value:expr) => {{
            let values: Vec<_> = (0..rows)
                .map(|_| if b.valid() { Some($value) } else { None })
                .collect();
            Arc::new(<$array>::from(values)) as ArrayRef
        }};
    }
    match tag % 24 {
        0 => of!(StringArray, b.text()),
        1 => of!(LargeStringArray, b.text()),
        2 => {
            let v: Vec<Option<String>> = (0..rows).map(|_| b.valid().then(|| b.text())).collect();
            Arc::new(StringViewArray::from_iter(v)) as ArrayRef
        }
        3 => of!(Int64Array, b.i64()),
        4 => of!(Int64Array, i64::from(b.i16())),
        5 => of!(Int32Array, i32::from(b.i16()) * 4),
        6 => of!(Int16Array, b.i16()),
        7 => of!(Int8Array, b.u8() as i8),
        8 => of!(UInt8Array, b.u8()),
        9 => of!(UInt16Array, b.i16() as u16),
        10 => of!(UInt64Array, b.i64() as u64),
        11 => of!(Float64Array, f64::from_bits(b.i64() as u64)),
        12 => of!(Float64Array, f64::from(b.i16()) / 2.0),
        13 => of!(Float32Array, f32::from(b.i16()) / 4.0),
        14 => of!(BooleanArray, b.u8() & 1 == 1),
        15 => of!(Date32Array, b.day()),
        16 => of!(
            Date64Array,
            i64::from(b.day()) * 86_400_000 + i64::from(b.i16())
        ),
        17 => of!(TimestampSecondArray, b.seconds()),
        18 => of!(TimestampMillisecondArray, b.seconds().wrapping_mul(1_000)),
        19 => Arc::new(
            TimestampMicrosecondArray::from(
                (0..rows)
                    .map(|_| b.valid().then(|| b.seconds().wrapping_mul(1_000_000)))
                    .collect::<Vec<_>>(),
            )
            .with_timezone("Europe/Stockholm"),
        ) as ArrayRef,
        20 => of!(TimestampNanosecondArray, b.i64()),
        21 => Arc::new(NullArray::new(rows)) as ArrayRef,
        // Dictionaries of text or of integers, with keys that may be out of range (the
        // crate refuses those; it must not panic on them).
        22 => {
            let words = StringArray::from(vec!["0880", "somatic", "2025-03-03", "x"]);
            let keys: Vec<Option<i8>> = (0..rows)
                .map(|_| b.valid().then(|| (b.u8() % 5) as i8))
                .collect();
            match DictionaryArray::<Int8Type>::try_new(keys.into(), Arc::new(words)) {
                Ok(d) => Arc::new(d) as ArrayRef,
                Err(_) => Arc::new(NullArray::new(rows)) as ArrayRef,
            }
        }
        _ => {
            let kind = b.u8();
            let values: ArrayRef = Arc::new(Int32Array::from(vec![880, 65, 1, 1_000]));
            let keys: Vec<Option<i16>> = (0..rows)
                .map(|_| b.valid().then(|| i16::from(b.u8() % 4)))
                .collect();
            let d: ArrayRef = if kind & 1 == 0 {
                Arc::new(DictionaryArray::<Int16Type>::new(keys.into(), values))
            } else {
                let keys: Vec<Option<u32>> =
                    keys.into_iter().map(|k| k.map(|k| k as u32)).collect();
                Arc::new(DictionaryArray::<UInt32Type>::new(keys.into(), values))
            };
            d
        }
    }
}

/// Now and then a type the crate does not read (a time of day, a dictionary of floats), which
/// must be an error naming the column; rare, so that most inputs are readable.
fn unsupported(b: &mut Bytes, rows: usize) -> Option<ArrayRef> {
    match b.u8() {
        254 => Some(Arc::new(Time32SecondArray::from(vec![3_600; rows]))),
        255 => Some(Arc::new(DictionaryArray::<Int32Type>::new(
            vec![Some(0); rows].into(),
            Arc::new(Float64Array::from(vec![1.5])),
        ))),
        _ => None,
    }
}

/// The batches of the input and their schema, or `None` when Arrow itself refuses them.
fn batches(data: &[u8]) -> Option<(Arc<Schema>, Vec<RecordBatch>)> {
    let mut b = Bytes(data);
    let head = b.u8();
    let rows = usize::from(head % 32);
    let two = head & 0x80 != 0;
    let ncols = usize::from(b.u8() % 18);
    let mut fields = Vec::with_capacity(ncols);
    let mut plans = Vec::with_capacity(ncols);
    for _ in 0..ncols {
        let name = name(&mut b);
        let tag = b.u8();
        plans.push((name, tag));
    }
    let make = |b: &mut Bytes| -> Vec<ArrayRef> {
        plans
            .iter()
            .map(|(_, tag)| unsupported(b, rows).unwrap_or_else(|| column(b, *tag, rows)))
            .collect()
    };
    let first = make(&mut b);
    for ((name, _), a) in plans.iter().zip(&first) {
        fields.push(ArrowField::new(name.clone(), a.data_type().clone(), true));
    }
    let schema = Arc::new(Schema::new(fields));
    let mut out = vec![RecordBatch::try_new(schema.clone(), first).ok()?];
    if two {
        let second = make(&mut b);
        // A second batch whose types differ from the schema is refused by Arrow; skip it.
        if let Ok(batch) = RecordBatch::try_new(schema.clone(), second) {
            out.push(batch);
        }
    }
    Some((schema, out))
}

fn stream(
    schema: &Arc<Schema>,
    batches: &[RecordBatch],
) -> RecordBatchIterator<std::vec::IntoIter<Result<RecordBatch, ArrowError>>> {
    let items: Vec<Result<RecordBatch, ArrowError>> = batches.iter().cloned().map(Ok).collect();
    RecordBatchIterator::new(items.into_iter(), schema.clone())
}

fuzz_target!(|data: &[u8]| {
    let Some((schema, batches)) = batches(data) else {
        return;
    };
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let allow = data.first().is_some_and(|h| h & 0x40 != 0);
    for opts in [
        IndicatorOptions::default(),
        IndicatorOptions::default()
            .period(PeriodKind::Quarter)
            .negative_days(NegativeDays::Day0)
            .min_age(Some(65))
            .mode(Mode::Lenient),
    ] {
        let via_set = utklar_arrow::read_set_with(stream(&schema, &batches), allow)
            .map_err(|e| e.to_string())
            .and_then(|set| set.measure(&opts).map_err(|e| e.to_string()));
        let one = utklar_arrow::measure_with_threads(stream(&schema, &batches), &opts, 1, allow)
            .map_err(|e| e.to_string());
        let two = utklar_arrow::measure_with_threads(stream(&schema, &batches), &opts, 2, allow)
            .map_err(|e| e.to_string());
        if let Ok(m) = &one {
            assert!(m.report().balances(), "{:?}", m.report());
            assert_eq!(m.report().rows_in, rows as u64);
        }
        assert_eq!(one, two, "one thread and two disagree");
        match (&via_set, &one) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "the set and the stream disagree"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!(
                "one way failed and the other did not: {:?} / {:?}",
                a.as_ref().err(),
                b.as_ref().err()
            ),
        }
    }
});
