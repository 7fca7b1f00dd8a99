//! `utklar_episodes_explain`: one row per row of a set — how the indicators count it and,
//! under an agreement, its place on the invoice (the core's `explain`).

use utklar_core::explain::{Billing, Counting, ExplainRow};
use utklar_core::payment::Amounts;
use utklar_core::time::{day_number, NO_DATE};

use crate::episodes::utklar_episodes;
use crate::error::{boundary, boundary_or, item, utklar_result};
use crate::ffi::{arg_ref, free, into_raw, utklar_str, Out};
use crate::indicators::{core_options, default_options, utklar_period};
use crate::payment::{
    reason_out as not_billed_out, rule_out, utklar_agreement, utklar_amounts,
    utklar_not_billed_reason, utklar_rule,
};
use crate::types::{
    care_type_out, growable, read_growable, reason_out, utklar_care_type, utklar_reason,
    GrowableOut,
};

/// How the indicators take a row.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_counting {
    /// In the measures of its period.
    Counted = 0,
    /// Still in hospital: in no period.
    Open = 1,
    /// Outside the `min_age` restriction.
    OutsideAge = 2,
    /// Left out as bad data (`reason` names the first problem).
    Excluded = 3,
}

/// Where a row stands on the invoice.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_billing {
    /// No agreement was given.
    None = 0,
    /// On an invoice line of its own (`billed_days`, `amount_ore`, `rule`).
    Billed = 1,
    /// Covered by its municipality-period's line (`UTKLAR_RULE_AVERAGE_OVER_THRESHOLD`): the
    /// days and the amount are on that line, not the row's.
    PeriodLine = 2,
    /// Not billed (`not_billed` says why).
    NotBilled = 3,
}

/// One row explained. Members that do not apply: NaN for the floats, `{NULL, 0}` for the
/// id, -1 for dates, and the `has_` flags false.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_explain_row {
    /// `sizeof` this struct as the caller's program knows it; set by the
    /// `utklar_explanation_get_row` macro. Always first: a later version appends members
    /// after the last one and reads or writes only the bytes this size covers.
    pub struct_size: u32,
    /// The row of the set.
    pub row: usize,
    /// The row's episode id (lives as long as the explanation); `{NULL, 0}` when it has none.
    pub episode_id: utklar_str,
    /// Whether the row was read as an episode (`municipality`, `care_type` and the dates are
    /// set); false for a row that could not be read.
    pub read: bool,
    /// The municipality (its code); 0 for a row that could not be read.
    pub municipality: u16,
    /// The care type (when `read`).
    pub care_type: utklar_care_type,
    /// The ready date as a day number; -1 when not read.
    pub ready_day: i32,
    /// The discharge date as a day number; -1 while in hospital or not read.
    pub discharge_day: i32,
    /// How the indicators take the row.
    pub counting: utklar_counting,
    /// The period the indicators count the row in (when `counting` is counted).
    pub period: utklar_period,
    /// Whether `ready_days` is known.
    pub has_ready_days: bool,
    /// Ready days as the indicators count them (counted rows; 0 for negative days under
    /// day 0), else discharge − ready date.
    pub ready_days: i64,
    /// The first problem of an excluded row (when `counting` is excluded).
    pub reason: utklar_reason,
    /// Where the row stands on the invoice.
    pub billing: utklar_billing,
    /// Whether `invoice_period` is set.
    pub has_invoice_period: bool,
    /// The invoice's period of the row's municipality and care type.
    pub invoice_period: utklar_period,
    /// Billed care days (billed rows); NaN otherwise.
    pub billed_days: f64,
    /// The amount in öre (billed rows); 0 otherwise.
    pub amount_ore: i64,
    /// The rule (billed and period-line rows).
    pub rule: utklar_rule,
    /// Why the row is not billed (not-billed rows).
    pub not_billed: utklar_not_billed_reason,
    /// The mean that decided the municipality-period (average and mixed models); NaN
    /// otherwise.
    pub mean_days: f64,
    /// The threshold (average and mixed models); NaN otherwise.
    pub threshold: f64,
    /// 1 when the municipality-period was liable, 0 when not, -1 when no average applies.
    pub triggered: i32,
}

growable!(
    utklar_explain_row,
    168,
    "call utklar_explanation_get_row (the header's macro passes sizeof)"
);

/// Every row of a set explained. Opaque; free with `utklar_explanation_free`.
#[allow(non_camel_case_types)]
pub struct utklar_explanation {
    rows: Vec<ExplainRow>,
    amount_ore: i64,
}

/// Explains every row of an episode set into a new `*out`: how the indicators take it under
/// `*options` (NULL: the defaults; its `mode` and `group_by` are not used: bad rows are rows
/// of the explanation, with their reason) and, when `agreement` is not NULL, its place on the
/// invoice, priced with `amounts` (NULL: the sourced national amounts). Fails as
/// `utklar_episodes_invoice` does (`UTKLAR_RESULT_MISSING_AMOUNT`, personal identity
/// numbers).
#[no_mangle]
pub extern "C" fn utklar_episodes_explain(
    episodes: *const utklar_episodes,
    options: *const crate::indicators::utklar_indicator_options,
    agreement: *const utklar_agreement,
    amounts: *const utklar_amounts,
    out: *mut *mut utklar_explanation,
) -> utklar_result {
    boundary(|| {
        let set = arg_ref(episodes, "episodes")?;
        let o = if options.is_null() {
            default_options()
        } else {
            read_growable(options, default_options(), "options")?
        };
        let out = Out::new(out, "out")?;
        let opts = core_options(&o)?;
        let national = Amounts::national();
        let amounts = if amounts.is_null() {
            &national
        } else {
            &arg_ref(amounts, "amounts")?.inner
        };
        let agreement = if agreement.is_null() {
            None
        } else {
            Some(&arg_ref(agreement, "agreement")?.inner)
        };
        let x = set.set.explain(&opts, agreement.map(|a| (a, amounts)))?;
        let amount_ore = x
            .invoice
            .as_ref()
            .map_or(0, utklar_core::Invoice::amount_ore);
        out.write(into_raw(utklar_explanation {
            rows: x.rows,
            amount_ore,
        }));
        Ok(())
    })
}

/// The number of rows of an explanation (the set's rows; 0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_explanation_len(explanation: *const utklar_explanation) -> usize {
    boundary_or(0, || {
        arg_ref(explanation, "explanation").map_or(0, |x| x.rows.len())
    })
}

/// Writes the invoice's total in öre to `*out`: the rows' own amounts plus the
/// municipality-period lines; 0 without an agreement.
#[no_mangle]
pub extern "C" fn utklar_explanation_amount_ore(
    explanation: *const utklar_explanation,
    out: *mut i64,
) -> utklar_result {
    boundary(|| {
        let x = arg_ref(explanation, "explanation")?;
        Out::new(out, "out")?.write(x.amount_ore);
        Ok(())
    })
}

const NO_PERIOD: utklar_period = utklar_period {
    kind: crate::types::utklar_period_kind::Month,
    year: 0,
    number: 0,
    first_day: NO_DATE,
    days: 0,
};

/// Writes row `index` (rows in the set's order) to `*out`; `UTKLAR_RESULT_OUT_OF_RANGE` past
/// the end.
///
/// Called through the header's macro `utklar_explanation_get_row(...)`, which passes
/// `sizeof(utklar_explain_row)` as `size`; a `size` smaller than the first published layout
/// fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_explanation_get_row_sized(
    explanation: *const utklar_explanation,
    index: usize,
    out: *mut utklar_explain_row,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let x = arg_ref(explanation, "explanation")?;
        let out = GrowableOut::new(out, size, "out")?;
        let r = item(&x.rows, index)?;
        out.write(utklar_explain_row {
            struct_size: 0,
            row: r.row,
            episode_id: utklar_str::of_opt(r.episode_id.as_deref()),
            read: r.municipality.is_some(),
            municipality: r.municipality.map_or(0, utklar_core::Municipality::code),
            care_type: r.care_type.map_or(utklar_care_type::Somatic, care_type_out),
            ready_day: r.ready_date.map_or(NO_DATE, day_number),
            discharge_day: r.discharge_date.map_or(NO_DATE, day_number),
            counting: match r.counting {
                Counting::Counted => utklar_counting::Counted,
                Counting::Open => utklar_counting::Open,
                Counting::OutsideAge => utklar_counting::OutsideAge,
                Counting::Excluded => utklar_counting::Excluded,
            },
            period: r.period.map_or(NO_PERIOD, utklar_period::of),
            has_ready_days: r.ready_days.is_some(),
            ready_days: r.ready_days.unwrap_or(0),
            reason: r.reason.map_or(utklar_reason::Other, reason_out),
            billing: match r.billing {
                None => utklar_billing::None,
                Some(Billing::Billed) => utklar_billing::Billed,
                Some(Billing::PeriodLine) => utklar_billing::PeriodLine,
                Some(Billing::NotBilled) => utklar_billing::NotBilled,
            },
            has_invoice_period: r.invoice_period.is_some(),
            invoice_period: r.invoice_period.map_or(NO_PERIOD, utklar_period::of),
            billed_days: r.billed_days.unwrap_or(f64::NAN),
            amount_ore: r.amount_ore.unwrap_or(0),
            rule: r.rule.map_or(utklar_rule::Other, rule_out),
            not_billed: r
                .not_billed
                .map_or(utklar_not_billed_reason::Other, not_billed_out),
            mean_days: r.mean_days.unwrap_or(f64::NAN),
            threshold: r.threshold.unwrap_or(f64::NAN),
            triggered: r.triggered.map_or(-1, i32::from),
        });
        Ok(())
    })
}

/// Frees an explanation; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_explanation_free(explanation: *mut utklar_explanation) {
    boundary_or((), || free(explanation));
}
