//! Every Arrow layout read, the errors, and the same rows as text and as typed columns giving
//! the same measures and the same problems.

use std::sync::Arc;

use arrow_array::builder::{StringDictionaryBuilder, UInt32Builder};
use arrow_array::types::{Int16Type, Int32Type, Int8Type, UInt32Type};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Date64Array, DictionaryArray, Float32Array, Float64Array,
    Int16Array, Int32Array, Int64Array, Int8Array, LargeStringArray, NullArray, RecordBatch,
    RecordBatchIterator, StringArray, StringViewArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray, UInt16Array,
    UInt64Array, UInt8Array,
};
use arrow_schema::DataType;
use utklar_arrow::Error;
use utklar_core::input::{EpisodeSet, Row};
use utklar_core::{Field, IndicatorOptions, MeasureSet, NegativeDays, Problem, Reason};

/// Day number of 2025-03-03.
const D: i32 = 20_150;

fn text(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

/// A batch of the required columns (3 rows) with `extra` columns replacing or adding to them.
fn batch(extra: Vec<(&str, ArrayRef)>) -> RecordBatch {
    let mut cols: Vec<(&str, ArrayRef)> = vec![
        ("episode_id", text(&[Some("a"), Some("b"), Some("c")])),
        ("municipality", text(&[Some("0880"); 3])),
        ("care_type", text(&[Some("somatic"); 3])),
        (
            "ready_at",
            text(&[Some("2025-03-03"), Some("2025-03-03"), Some("2025-03-03")]),
        ),
        ("discharged_at", text(&[Some("2025-03-05"); 3])),
    ];
    for (name, a) in extra {
        match cols.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = a,
            None => cols.push((name, a)),
        }
    }
    RecordBatch::try_from_iter(cols).unwrap()
}

fn set_of(b: &RecordBatch) -> EpisodeSet {
    utklar_arrow::read_set(RecordBatchIterator::new([Ok(b.clone())], b.schema())).unwrap()
}

fn measure_of(b: &RecordBatch, opts: &IndicatorOptions) -> Result<MeasureSet, Error> {
    utklar_arrow::measure(RecordBatchIterator::new([Ok(b.clone())], b.schema()), opts)
}

/// The reasons of the unreadable rows, by row.
fn reasons(set: &EpisodeSet) -> Vec<(usize, Reason)> {
    set.unreadable()
        .iter()
        .map(|u| (u.row, u.problems[0].reason))
        .collect()
}

#[test]
fn text_layouts() {
    let ids = [Some("a"), Some("b"), None];
    for a in [
        text(&ids),
        Arc::new(LargeStringArray::from(ids.to_vec())) as ArrayRef,
        Arc::new(StringViewArray::from(ids.to_vec())) as ArrayRef,
    ] {
        let set = set_of(&batch(vec![("episode_id", a)]));
        assert_eq!(set.episodes().len(), 2);
        assert_eq!(reasons(&set), [(2, Reason::MissingField)]);
    }
}

#[test]
fn dictionaries_of_any_index_with_text_or_integer_values() {
    let care: DictionaryArray<Int8Type> = vec!["somatic", "somatic", "psykiatrisk"]
        .into_iter()
        .collect();
    let care16: DictionaryArray<Int16Type> = vec!["somatic", "psychiatric", "dental"]
        .into_iter()
        .collect();
    let mut b = StringDictionaryBuilder::<UInt32Type>::new();
    b.append_value("0880");
    b.append_null();
    b.append_value("0880");
    let muni_u32 = b.finish();
    // pandas' categorical with integer categories: integer dictionary values.
    let muni_int = DictionaryArray::<Int32Type>::try_new(
        Int32Array::from(vec![0, 1, 0]),
        Arc::new(Int64Array::from(vec![880, 999])),
    )
    .unwrap();
    let set = set_of(&batch(vec![
        ("care_type", Arc::new(care)),
        ("municipality", Arc::new(muni_u32)),
    ]));
    assert_eq!(reasons(&set), [(1, Reason::MissingField)]);
    assert_eq!(
        set.episodes()[1].care_type,
        utklar_core::CareType::Psychiatric
    );
    let set = set_of(&batch(vec![
        ("care_type", Arc::new(care16)),
        ("municipality", Arc::new(muni_int)),
    ]));
    assert_eq!(
        reasons(&set),
        [
            (1, Reason::UnknownMunicipality),
            (2, Reason::UnknownCareType)
        ]
    );
    assert_eq!(set.episodes()[0].municipality.code(), 880);
}

#[test]
fn integers_of_any_width_and_floats() {
    let cols: Vec<ArrayRef> = vec![
        Arc::new(Int16Array::from(vec![880, 880, 999])),
        Arc::new(Int32Array::from(vec![880, 880, 999])),
        Arc::new(Int64Array::from(vec![880, 880, 999])),
        Arc::new(UInt16Array::from(vec![880, 880, 999])),
        Arc::new(arrow_array::UInt32Array::from(vec![880, 880, 999])),
        Arc::new(UInt64Array::from(vec![880, 880, u64::MAX])),
        Arc::new(Float64Array::from(vec![880.0, 880.0, 880.5])),
        Arc::new(Float32Array::from(vec![880.0, 880.0, 999.0])),
    ];
    for a in cols {
        let t = a.data_type().clone();
        let set = set_of(&batch(vec![("municipality", a)]));
        assert_eq!(set.episodes()[0].municipality.to_string(), "0880", "{t}");
        assert_eq!(reasons(&set), [(2, Reason::UnknownMunicipality)], "{t}");
    }
    let set = set_of(&batch(vec![
        ("care_type", Arc::new(Int8Array::from(vec![0, 1, 2]))),
        ("age", Arc::new(UInt8Array::from(vec![81, 0, 20]))),
        ("sip_required", Arc::new(Int64Array::from(vec![0, 1, 1]))),
    ]));
    assert_eq!(reasons(&set), [(2, Reason::UnknownCareType)]);
    assert!(set.episodes()[1].sip_required && set.episodes()[0].age == Some(81));
    // Numeric ids are the same ids as their text.
    let set = set_of(&batch(vec![(
        "episode_id",
        Arc::new(Float64Array::from(vec![7.0, f64::NAN, 7.0])),
    )]));
    assert_eq!(
        reasons(&set),
        [(1, Reason::MissingField), (2, Reason::DuplicateEpisodeId)]
    );
    assert_eq!(set.episodes()[0].episode_id, "7");
}

#[test]
fn booleans_as_bool_integers_or_text() {
    let set = set_of(&batch(vec![
        (
            "admission_notice_sent",
            Arc::new(BooleanArray::from(vec![Some(false), None, Some(true)])),
        ),
        (
            "region_blocked",
            text(&[Some("SANT"), Some("FALSKT"), Some("kanske")]),
        ),
    ]));
    let e = set.episodes();
    assert!(!e[0].admission_notice_sent && e[0].region_blocked);
    // An absent flag takes the core's default.
    assert!(e[1].admission_notice_sent && !e[1].region_blocked);
    assert_eq!(reasons(&set), [(2, Reason::UnparseableBoolean)]);
}

#[test]
fn null_typed_and_all_null_columns_are_absent() {
    for a in [
        Arc::new(NullArray::new(3)) as ArrayRef,
        Arc::new(Float64Array::from(vec![None, None, None])),
        Arc::new(Float64Array::from(vec![f64::NAN; 3])),
        Arc::new(TimestampSecondArray::from(vec![None, None, None])),
        Arc::new(BooleanArray::from(vec![None, None, None])),
        text(&[None, None, None]),
    ] {
        let t = a.data_type().clone();
        let set = set_of(&batch(vec![
            ("discharged_at", a.clone()),
            ("home_ready_at", a.clone()),
            ("age", a.clone()),
            ("sip_called", a),
        ]));
        assert_eq!(set.episodes().len(), 3, "{t}");
        assert!(set.episodes()[0].discharged_at.is_none(), "{t}");
    }
    // A required field all null: every row names it.
    let set = set_of(&batch(vec![("ready_at", Arc::new(NullArray::new(3)))]));
    assert_eq!(
        reasons(&set),
        [
            (0, Reason::MissingField),
            (1, Reason::MissingField),
            (2, Reason::MissingField)
        ]
    );
}

#[test]
fn dates_and_timestamps_of_every_unit() {
    let day = i64::from(D);
    // 2025-03-03 10:00:10.75 local (naive) in every unit: the fraction is floored.
    let secs = day * 86_400 + 36_010;
    let naive: Vec<ArrayRef> = vec![
        Arc::new(TimestampSecondArray::from(vec![secs; 3])),
        Arc::new(TimestampMillisecondArray::from(vec![secs * 1000 + 750; 3])),
        Arc::new(TimestampMicrosecondArray::from(vec![
            secs * 1_000_000
                + 750_000;
            3
        ])),
        Arc::new(TimestampNanosecondArray::from(vec![
            secs * 1_000_000_000
                + 750_000_000;
            3
        ])),
    ];
    let text_set = set_of(&batch(vec![(
        "ready_at",
        text(&[Some("2025-03-03T10:00:10"); 3]),
    )]));
    for a in naive {
        let t = a.data_type().clone();
        let set = set_of(&batch(vec![("ready_at", a)]));
        assert_eq!(set.episodes(), text_set.episodes(), "{t}");
    }
    // With a time zone: an instant; 09:00:10Z is 10:00:10 in Stockholm in March.
    let utc = day * 86_400 + 9 * 3600 + 10;
    for a in [
        Arc::new(TimestampSecondArray::from(vec![utc; 3]).with_timezone("UTC")) as ArrayRef,
        Arc::new(
            TimestampMillisecondArray::from(vec![utc * 1000 + 999; 3]).with_timezone("+05:00"),
        ),
        Arc::new(
            TimestampNanosecondArray::from(vec![utc * 1_000_000_000; 3])
                .with_timezone("Europe/Stockholm"),
        ),
    ] {
        let t = a.data_type().clone();
        let set = set_of(&batch(vec![("ready_at", a)]));
        assert_eq!(set.episodes(), text_set.episodes(), "{t}");
    }
    // Admitted 20 seconds after ready, the same day: ready before admission, to the second.
    let set = set_of(&batch(vec![
        (
            "ready_at",
            Arc::new(TimestampSecondArray::from(vec![secs; 3])),
        ),
        (
            "admitted_at",
            Arc::new(TimestampSecondArray::from(vec![secs + 20, secs, secs - 1])),
        ),
    ]));
    assert_eq!(reasons(&set), [(0, Reason::ReadyBeforeAdmission)]);
    // Dates: date32, date64 (milliseconds), out of range.
    let set = set_of(&batch(vec![
        ("ready_at", Arc::new(Date32Array::from(vec![D, D, 60_000]))),
        (
            "discharged_at",
            Arc::new(Date64Array::from(vec![
                day * 86_400_000 + 2 * 86_400_000;
                3
            ])),
        ),
        (
            "planned_discharge_date",
            Arc::new(Date64Array::from(vec![Some(day * 86_400_000), None, None])),
        ),
    ]));
    assert_eq!(set.episodes()[0].ready_days(), Some(2));
    assert_eq!(reasons(&set), [(2, Reason::DateOutOfRange)]);
    assert_eq!(
        set.episodes()[0]
            .planned_discharge_date
            .unwrap()
            .to_string(),
        "2025-03-03"
    );
    // A timestamp far beyond any day number: out of range, no panic.
    let set = set_of(&batch(vec![(
        "ready_at",
        Arc::new(TimestampSecondArray::from(vec![i64::MAX, i64::MIN, secs])),
    )]));
    assert_eq!(
        reasons(&set),
        [(0, Reason::DateOutOfRange), (1, Reason::DateOutOfRange)]
    );
}

#[test]
fn other_types_are_errors_naming_column_and_type() {
    let list = arrow_array::ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1)]),
        None,
        None,
    ]);
    let b = batch(vec![("Age", Arc::new(list))]);
    let e =
        utklar_arrow::read_set(RecordBatchIterator::new([Ok(b.clone())], b.schema())).unwrap_err();
    match &e {
        Error::UnsupportedType { column, data_type } => {
            assert_eq!(column, "Age");
            assert!(matches!(data_type, DataType::List(_)));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string().contains("column `Age` has Arrow type List"),
        "{e}"
    );
    assert!(measure_of(&b, &IndicatorOptions::default()).is_err());
    // An unmapped column of any type is ignored.
    let l2 =
        arrow_array::ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            None::<Vec<Option<i32>>>;
            3
        ]);
    assert_eq!(
        set_of(&batch(vec![("notes", Arc::new(l2))]))
            .episodes()
            .len(),
        3
    );
}

#[test]
fn duplicate_column_names_are_an_error_naming_both() {
    let b = batch(vec![("MUNICIPALITY", text(&[Some("0880"); 3]))]);
    for e in [
        utklar_arrow::read_set(RecordBatchIterator::new([Ok(b.clone())], b.schema())).unwrap_err(),
        measure_of(&b, &IndicatorOptions::default()).unwrap_err(),
    ] {
        let m = e.to_string();
        assert!(
            m.contains("\"municipality\"") && m.contains("\"MUNICIPALITY\""),
            "{m}"
        );
    }
    let b = RecordBatch::try_from_iter([("episode_id", text(&[Some("a")]))]).unwrap();
    let e = measure_of(&b, &IndicatorOptions::default()).unwrap_err();
    assert!(e.to_string().contains("municipality"), "{e}");
}

/// A deterministic generator of messy rows.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// One row's values, written both as text and as typed cells.
struct Spec {
    id: Option<i64>,
    muni: Option<i64>,
    care: Option<i64>,
    ready: Option<i64>,
    discharged: Option<i64>,
    admitted: Option<i64>,
    age: Option<i64>,
    flag: Option<i64>,
}

fn specs(n: usize, seed: u64) -> Vec<Spec> {
    let mut g = Lcg(seed);
    let munis = [880, 180, 1480, 2584, 999, 114];
    (0..n)
        .map(|_| {
            let base = i64::from(D) * 86_400 + g.next(400 * 86_400) as i64 - 200 * 86_400;
            let ready = (g.next(50) > 0).then_some(base);
            let stay = g.next(6 * 86_400) as i64 - 86_400 / 2;
            Spec {
                id: (g.next(200) > 0).then(|| g.next(n as u64 * 8) as i64),
                muni: (g.next(100) > 0).then(|| munis[g.next(6) as usize]),
                care: (g.next(100) > 0).then(|| g.next(21) as i64 / 10),
                ready: if g.next(300) == 0 {
                    Some(5_000_000_000)
                } else {
                    ready
                },
                discharged: (g.next(20) > 0).then_some(base + stay),
                admitted: (g.next(2) == 0).then(|| base - g.next(3 * 86_400) as i64 + 3600),
                age: (g.next(4) > 0).then(|| g.next(160) as i64),
                flag: (g.next(3) > 0).then(|| g.next(21) as i64 / 10),
            }
        })
        .collect()
}

fn iso(secs: i64) -> String {
    let day = secs.div_euclid(86_400);
    let s = secs.rem_euclid(86_400);
    let date = utklar_core::time::date_of_day(i32::try_from(day).unwrap());
    format!("{date}T{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

const CARE: [&str; 3] = ["somatic", "psychiatric", "dental"];

fn text_batch(rows: &[Spec]) -> RecordBatch {
    let col = |f: &dyn Fn(&Spec) -> Option<String>| -> ArrayRef {
        Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    RecordBatch::try_from_iter([
        ("episode_id", col(&|r| r.id.map(|i| i.to_string()))),
        ("municipality", col(&|r| r.muni.map(|m| format!("{m:04}")))),
        (
            "care_type",
            col(&|r| r.care.map(|c| CARE[c as usize].to_string())),
        ),
        ("ready_at", col(&|r| r.ready.map(iso))),
        ("discharged_at", col(&|r| r.discharged.map(iso))),
        ("admitted_at", col(&|r| r.admitted.map(iso))),
        ("age", col(&|r| r.age.map(|a| format!("{a},0")))),
        (
            "sip_required",
            col(&|r| {
                r.flag
                    .map(|f| ["FALSKT", "SANT", "2"][f as usize].to_string())
            }),
        ),
    ])
    .unwrap()
}

fn typed_batch(rows: &[Spec]) -> RecordBatch {
    let care: DictionaryArray<Int8Type> = rows
        .iter()
        .map(|r| r.care.map(|c| CARE[c as usize]))
        .collect();
    let mut muni = UInt32Builder::new();
    for r in rows {
        muni.append_option(r.muni.map(|m| m as u32));
    }
    RecordBatch::try_from_iter([
        (
            "episode_id",
            Arc::new(rows.iter().map(|r| r.id).collect::<Int64Array>()) as ArrayRef,
        ),
        ("municipality", Arc::new(muni.finish())),
        ("care_type", Arc::new(care)),
        (
            "ready_at",
            Arc::new(
                rows.iter()
                    .map(|r| r.ready.map(|s| s * 1000))
                    .collect::<TimestampMillisecondArray>(),
            ),
        ),
        (
            "discharged_at",
            Arc::new(
                rows.iter()
                    .map(|r| r.discharged)
                    .collect::<TimestampSecondArray>(),
            ),
        ),
        (
            "admitted_at",
            Arc::new(
                rows.iter()
                    .map(|r| r.admitted.map(|s| s * 1_000_000))
                    .collect::<TimestampMicrosecondArray>(),
            ),
        ),
        // pandas: an integer column with gaps is float64 with NaN.
        (
            "age",
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|r| r.age.map_or(f64::NAN, |a| a as f64)),
            )),
        ),
        (
            "sip_required",
            Arc::new(rows.iter().map(|r| r.flag).collect::<Int64Array>()),
        ),
    ])
    .unwrap()
}

/// [`text_batch`] with every column dictionary-encoded (as a categorical column arrives): the
/// few-valued columns are read once per dictionary value, the many-valued ones value by value.
fn dictionary_batch(rows: &[Spec]) -> RecordBatch {
    let b = text_batch(rows);
    let columns: Vec<(String, ArrayRef)> = b
        .schema()
        .fields()
        .iter()
        .zip(b.columns())
        .map(|(f, a)| {
            let a = a.as_any().downcast_ref::<StringArray>().unwrap();
            let mut d = StringDictionaryBuilder::<Int32Type>::new();
            for v in a {
                d.append_option(v);
            }
            (f.name().clone(), Arc::new(d.finish()) as ArrayRef)
        })
        .collect();
    RecordBatch::try_from_iter(columns).unwrap()
}

/// The reference: the core's reader over rows of text cells, one by one.
fn reference(rows: &[Spec]) -> EpisodeSet {
    let b = text_batch(rows);
    let cols: Vec<(Field, &StringArray)> = b
        .schema()
        .fields()
        .iter()
        .zip(b.columns())
        .map(|(f, a)| {
            (
                Field::from_column(f.name()).unwrap(),
                a.as_any().downcast_ref::<StringArray>().unwrap(),
            )
        })
        .collect();
    let mut set = EpisodeSet::new();
    for i in 0..b.num_rows() {
        let mut row = Row::default();
        for (f, a) in &cols {
            if a.is_valid(i) {
                row.set(*f, a.value(i));
            }
        }
        set.push(i, &row);
    }
    set
}

use arrow_array::Array;

fn problems(set: &EpisodeSet) -> Vec<Problem> {
    set.unreadable()
        .iter()
        .flat_map(|u| u.problems.clone())
        .collect()
}

#[test]
fn the_same_rows_as_text_and_as_typed_columns_give_the_same_answers() {
    let rows = specs(30_000, 7);
    let reference = reference(&rows);
    assert!(
        reference.unreadable().len() > 1000,
        "the rows are messy enough"
    );
    let all_reasons: std::collections::BTreeSet<Reason> =
        problems(&reference).iter().map(|p| p.reason).collect();
    for r in [
        Reason::MissingField,
        Reason::UnknownMunicipality,
        Reason::UnknownCareType,
        Reason::DateOutOfRange,
        Reason::UnparseableInteger,
        Reason::UnparseableBoolean,
        Reason::DuplicateEpisodeId,
        Reason::DischargeBeforeAdmission,
        Reason::ReadyBeforeAdmission,
    ] {
        assert!(all_reasons.contains(&r), "{r:?} among the rows");
    }
    let (tb, yb, db) = (
        text_batch(&rows),
        typed_batch(&rows),
        dictionary_batch(&rows),
    );
    for b in [&tb, &yb, &db] {
        let set = set_of(b);
        assert_eq!(set.episodes(), reference.episodes());
        assert_eq!(problems(&set), problems(&reference));
    }
    for policy in [NegativeDays::Exclude, NegativeDays::Day0] {
        let opts = IndicatorOptions::default().negative_days(policy).min_age(
            if policy == NegativeDays::Day0 {
                Some(65)
            } else {
                None
            },
        );
        let want = reference.measure(&opts).unwrap();
        assert!(want.report().counted > 5_000, "{:?}", want.report().counted);
        for b in [&tb, &yb, &db] {
            // In several batches, on one thread or several: the same.
            let parts: Vec<RecordBatch> = [0..7000, 7000..7001, 7001..25_000, 25_000..30_000]
                .into_iter()
                .map(|r| b.slice(r.start, r.end - r.start))
                .collect();
            for threads in [1, 2, 3] {
                let got = utklar_arrow::measure_with_threads(
                    RecordBatchIterator::new(parts.clone().into_iter().map(Ok), b.schema()),
                    &opts,
                    threads,
                    false,
                )
                .unwrap();
                assert_eq!(got, want, "{threads} threads");
            }
        }
    }
    // Strict mode fails with every problem, as the core's set does.
    let strict = IndicatorOptions::default().mode(utklar_core::Mode::Strict);
    let (
        Err(Error::Core(utklar_core::Error::Invalid(got))),
        Err(utklar_core::Error::Invalid(want)),
    ) = (measure_of(&yb, &strict), reference.measure(&strict))
    else {
        panic!("strict mode fails");
    };
    assert_eq!(got, want);
}
