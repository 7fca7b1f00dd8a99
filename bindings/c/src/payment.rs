//! Payment liability: agreements (presets or TOML), amounts per year, invoices.

use std::ffi::c_char;

use utklar_core::payment::{self, Agreement, Amounts, Invoice, NotBilledReason, Rule};
use utklar_core::Mode;

use crate::episodes::utklar_episodes;
use crate::error::{boundary, boundary_or, item, utklar_result, CError};
use crate::ffi::{arg_mut, arg_ref, arg_str, free, into_raw, utklar_str, write_text, Out};
use crate::indicators::utklar_period;
use crate::types::{care_type_out, growable, utklar_care_type, GrowableOut};

/// The `row` of an invoice line that covers a municipality and period rather than one episode.
pub const UTKLAR_NO_ROW: usize = usize::MAX;

/// The rule that billed an invoice line.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_rule {
    /// Individual model: the episode's days past the grace days.
    Individual = 0,
    /// Average or mixed model, liable period: the episode's days past the grace days.
    AveragePerEpisode = 1,
    /// Average or mixed model, liable period: `(mean − threshold) × count` days for the
    /// municipality and period (a line with no episode, `row` = `UTKLAR_NO_ROW`).
    AverageOverThreshold = 2,
    /// Mixed model: an episode past the individual ceiling, its days past the ceiling.
    IndividualCeiling = 3,
    /// A rule this version of the C API does not know.
    Other = 255,
}

/// Why an episode was not billed.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_not_billed_reason {
    /// Still in hospital.
    Open = 0,
    /// Bad data: an episode id seen on an earlier row (the first row is billed).
    DuplicateEpisodeId = 1,
    /// Bad data: discharged before the ready date.
    NegativeDays = 2,
    /// Bad data: discharge or ready notice before admission.
    InvalidDates = 3,
    /// No admission notice was sent (law 5 kap. 3 §).
    MissingAdmissionNotice = 4,
    /// A SIP was required and not called (law 5 kap. 3 §).
    SipNotCalled = 5,
    /// Discharge was blocked by the region's own open care (law 5 kap. 5 §).
    RegionBlocked = 6,
    /// Discharged within the grace days.
    WithinGrace = 7,
    /// Average model: the municipality's period was not liable.
    AverageNotExceeded = 8,
    /// Bad data: a row that could not be read as an episode (a required field missing, an
    /// unreadable value, an unknown municipality or care type); lenient invoices only.
    InvalidRow = 9,
    /// Every care day past the grace days lies before the law (or the rule's `law_from`)
    /// applied to the care type.
    BeforeLaw = 10,
    /// A reason this version of the C API does not know.
    Other = 255,
}

pub(crate) fn rule_out(r: Rule) -> utklar_rule {
    match r {
        Rule::Individual => utklar_rule::Individual,
        Rule::AveragePerEpisode => utklar_rule::AveragePerEpisode,
        Rule::AverageOverThreshold => utklar_rule::AverageOverThreshold,
        Rule::IndividualCeiling => utklar_rule::IndividualCeiling,
        _ => utklar_rule::Other,
    }
}

pub(crate) fn reason_out(r: NotBilledReason) -> utklar_not_billed_reason {
    match r {
        NotBilledReason::Open => utklar_not_billed_reason::Open,
        NotBilledReason::DuplicateEpisodeId => utklar_not_billed_reason::DuplicateEpisodeId,
        NotBilledReason::NegativeDays => utklar_not_billed_reason::NegativeDays,
        NotBilledReason::InvalidDates => utklar_not_billed_reason::InvalidDates,
        NotBilledReason::MissingAdmissionNotice => utklar_not_billed_reason::MissingAdmissionNotice,
        NotBilledReason::SipNotCalled => utklar_not_billed_reason::SipNotCalled,
        NotBilledReason::RegionBlocked => utklar_not_billed_reason::RegionBlocked,
        NotBilledReason::WithinGrace => utklar_not_billed_reason::WithinGrace,
        NotBilledReason::AverageNotExceeded => utklar_not_billed_reason::AverageNotExceeded,
        NotBilledReason::InvalidRow => utklar_not_billed_reason::InvalidRow,
        NotBilledReason::BeforeLaw => utklar_not_billed_reason::BeforeLaw,
        _ => utklar_not_billed_reason::Other,
    }
}

fn reason_in(v: u32) -> Result<NotBilledReason, CError> {
    NotBilledReason::ALL
        .into_iter()
        .find(|r| reason_out(*r) as u32 == v)
        .ok_or_else(|| CError::Argument {
            name: "reason",
            message: format!("{v} is not a utklar_not_billed_reason value"),
        })
}

const RULES: [Rule; 4] = [
    Rule::Individual,
    Rule::AveragePerEpisode,
    Rule::AverageOverThreshold,
    Rule::IndividualCeiling,
];

/// An agreement on payment liability. Opaque; create with `utklar_agreement_preset` or
/// `utklar_agreement_from_toml`, free with `utklar_agreement_free`.
#[allow(non_camel_case_types)]
pub struct utklar_agreement {
    pub(crate) inner: Agreement,
}

/// Amounts per care day by year, in öre. Opaque; create with `utklar_amounts_new` or
/// `utklar_amounts_new_empty`, free with `utklar_amounts_free`.
#[allow(non_camel_case_types)]
pub struct utklar_amounts {
    pub(crate) inner: Amounts,
}

/// An invoice. Opaque; free with `utklar_invoice_free`.
#[allow(non_camel_case_types)]
pub struct utklar_invoice {
    /// The core's invoice of the set: positions are the set's rows, not-billed rows in row
    /// order.
    inner: Invoice,
    rows_in: u64,
    rows_not_read: u64,
}

/// The number of preset agreements.
#[no_mangle]
pub extern "C" fn utklar_preset_count() -> usize {
    boundary_or(0, || payment::preset_names().len())
}

/// Writes the name of preset `index` (`"statutory"`, `"kalmar"`, `"vgr"`, `"sormland"`) to
/// `*out`, a static string; `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
#[no_mangle]
pub extern "C" fn utklar_preset_name(index: usize, out: *mut utklar_str) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        let names = payment::preset_names();
        let name = item(&names, index)?;
        out.write(utklar_str::of(name));
        Ok(())
    })
}

/// Loads the preset agreement named by the UTF-8 text `name` (`name_len` bytes, any case)
/// into a new `*out`. Fails with `UTKLAR_RESULT_UNKNOWN_PRESET` for a name that is not a
/// preset.
#[no_mangle]
pub extern "C" fn utklar_agreement_preset(
    name: *const c_char,
    name_len: usize,
    out: *mut *mut utklar_agreement,
) -> utklar_result {
    boundary(|| {
        let name = arg_str(name, name_len, "name")?;
        let out = Out::new(out, "out")?;
        let inner = Agreement::preset(name)?;
        out.write(into_raw(utklar_agreement { inner }));
        Ok(())
    })
}

/// Reads an agreement from TOML text (`toml_len` bytes of UTF-8; the form of the presets)
/// into a new `*out`. Fails with `UTKLAR_RESULT_INVALID_AGREEMENT` when the TOML cannot be
/// read or a field is unknown, of the wrong type or contradictory; the last error message
/// names the field.
#[no_mangle]
pub extern "C" fn utklar_agreement_from_toml(
    toml: *const c_char,
    toml_len: usize,
    out: *mut *mut utklar_agreement,
) -> utklar_result {
    boundary(|| {
        let text = arg_str(toml, toml_len, "toml")?;
        let out = Out::new(out, "out")?;
        let inner = Agreement::from_toml(text)?;
        out.write(into_raw(utklar_agreement { inner }));
        Ok(())
    })
}

/// Writes the agreement's short name (`"kalmar"`) to `*out`; it lives as long as the
/// agreement.
#[no_mangle]
pub extern "C" fn utklar_agreement_name(
    agreement: *const utklar_agreement,
    out: *mut utklar_str,
) -> utklar_result {
    boundary(|| {
        let a = arg_ref(agreement, "agreement")?;
        Out::new(out, "out")?.write(utklar_str::of(&a.inner.name));
        Ok(())
    })
}

/// Writes the agreement as TOML (what `utklar_agreement_from_toml` reads) and a NUL into `buf`
/// (`len` bytes), its length without the NUL into `*out_n`. See the buffer convention.
#[no_mangle]
pub extern "C" fn utklar_agreement_to_toml(
    agreement: *const utklar_agreement,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> utklar_result {
    boundary(|| {
        let a = arg_ref(agreement, "agreement")?;
        write_text(&a.inner.to_toml()?, buf, len, out_n)
    })
}

/// Frees an agreement; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_agreement_free(agreement: *mut utklar_agreement) {
    boundary_or((), || free(agreement));
}

/// Creates in `*out` the sourced national amounts per care day: 2019 7 800 kr, 2020 8 200 kr,
/// 2022 9 300 kr, 2024 11 600 kr. Any other year must be set with `utklar_amounts_set`.
#[no_mangle]
pub extern "C" fn utklar_amounts_new(out: *mut *mut utklar_amounts) -> utklar_result {
    boundary(|| {
        Out::new(out, "out")?.write(into_raw(utklar_amounts {
            inner: Amounts::national(),
        }));
        Ok(())
    })
}

/// Creates in `*out` a table with no amounts at all.
#[no_mangle]
pub extern "C" fn utklar_amounts_new_empty(out: *mut *mut utklar_amounts) -> utklar_result {
    boundary(|| {
        Out::new(out, "out")?.write(into_raw(utklar_amounts {
            inner: Amounts::empty(),
        }));
        Ok(())
    })
}

/// Sets (or overrides) the amount per care day of `year`, in öre (10 900 kr is 1 090 000).
/// Fails with `UTKLAR_RESULT_INVALID_ARGUMENT` for a negative amount or a year outside
/// 1990–2100.
#[no_mangle]
pub extern "C" fn utklar_amounts_set(
    amounts: *mut utklar_amounts,
    year: i32,
    ore: i64,
) -> utklar_result {
    boundary(|| {
        let a = arg_mut(amounts, "amounts")?;
        a.inner.set(year, ore)?;
        Ok(())
    })
}

/// Writes the amount per care day of `year` in öre to `*out`. Fails with
/// `UTKLAR_RESULT_MISSING_AMOUNT` when the year has none.
#[no_mangle]
pub extern "C" fn utklar_amounts_get(
    amounts: *const utklar_amounts,
    year: i32,
    out: *mut i64,
) -> utklar_result {
    boundary(|| {
        let a = arg_ref(amounts, "amounts")?;
        let out = Out::new(out, "out")?;
        out.write(a.inner.get(year)?);
        Ok(())
    })
}

/// Frees an amounts table; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_amounts_free(amounts: *mut utklar_amounts) {
    boundary_or((), || free(amounts));
}

/// Computes the invoice of an episode set under `agreement` into a new `*out`, pricing each
/// billed day at its own year's amount from `amounts` (NULL: the sourced national amounts).
///
/// Every row of the set is billed or not billed with a reason (repeated ids, negative days
/// and dates before admission are not-billed reasons). Rows that could not be read as episodes
/// at all (an unknown municipality, a missing or out-of-range date, …): under
/// `UTKLAR_MODE_STRICT` they fail the call with `UTKLAR_RESULT_INVALID_ROWS`; under
/// `UTKLAR_MODE_LENIENT` they are not billed, with the reason of their first problem
/// (`UTKLAR_NOT_BILLED_REASON_INVALID_ROW` for most), as the command line does, and counted in
/// the summary's `rows_not_read`.
/// Fails with `UTKLAR_RESULT_MISSING_AMOUNT` when a billed day falls in a year without an
/// amount (the message names the year).
#[no_mangle]
pub extern "C" fn utklar_episodes_invoice(
    episodes: *const utklar_episodes,
    agreement: *const utklar_agreement,
    amounts: *const utklar_amounts,
    mode: u32,
    out: *mut *mut utklar_invoice,
) -> utklar_result {
    boundary(|| {
        let set = arg_ref(episodes, "episodes")?;
        let a = arg_ref(agreement, "agreement")?;
        let mode = crate::types::mode(mode)?;
        let out = Out::new(out, "out")?;
        let national;
        let amounts = if amounts.is_null() {
            national = Amounts::national();
            &national
        } else {
            &arg_ref(amounts, "amounts")?.inner
        };
        // Strict mode fails on any row that could not be read.
        set.set.checked_episodes(mode == Mode::Strict)?;
        let unread = set.set.unreadable();
        let inner = set.set.invoice(&a.inner, amounts)?;
        out.write(into_raw(utklar_invoice {
            inner,
            rows_in: set.set.rows_in(),
            rows_not_read: unread.len() as u64,
        }));
        Ok(())
    })
}

/// The account and the sums of an invoice: `billed_episodes + not_billed == episodes_in ==
/// rows_in`; `rows_not_read` of the not-billed rows could not be read as episodes.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_invoice_summary {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_invoice_get_summary` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// Rows of the episode set.
    pub rows_in: u64,
    /// Rows that could not be read as episodes (lenient mode), not billed as bad data.
    pub rows_not_read: u64,
    /// Episodes (rows) accounted for by the invoice.
    pub episodes_in: u64,
    /// Episodes covered by a line.
    pub billed_episodes: u64,
    /// Episodes not billed (each with its reason).
    pub not_billed: u64,
    /// Billed care days (fractional only under `excess_over_threshold`).
    pub billed_days: f64,
    /// The total amount in öre.
    pub amount_ore: i64,
}

/// One invoice line: a billed episode, or a municipality and period under
/// `excess_over_threshold`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_invoice_line {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_invoice_get_line` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// The billed episode's id (lives as long as the invoice); `{NULL, 0}` for a municipality
    /// and period line.
    pub episode_id: utklar_str,
    /// The episode's row in the set; `UTKLAR_NO_ROW` for a municipality and period line.
    pub row: usize,
    /// The municipality that pays (its code).
    pub municipality: u16,
    /// The care type.
    pub care_type: utklar_care_type,
    /// The period of discharge.
    pub period: utklar_period,
    /// Billed care days.
    pub billed_days: f64,
    /// The amount in öre, rounded once for the line.
    pub amount_ore: i64,
    /// The rule that billed the line.
    pub rule: utklar_rule,
    /// Episodes the line covers (1 for an episode line).
    pub episodes: u64,
}

/// The totals and the evaluation of one municipality, care type and period.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_invoice_total {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_invoice_get_total` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// The municipality (its code).
    pub municipality: u16,
    /// The care type.
    pub care_type: utklar_care_type,
    /// The period.
    pub period: utklar_period,
    /// Billed care days.
    pub billed_days: f64,
    /// The amount in öre.
    pub amount_ore: i64,
    /// The mean that decided the period; NaN for the individual model or no episodes.
    pub mean_days: f64,
    /// The threshold; NaN for the individual model.
    pub threshold: f64,
    /// 1 when the period was liable, 0 when not, -1 when no average was evaluated.
    pub triggered: i32,
    /// Closed episodes of the municipality, care type and period.
    pub episodes: u64,
}

/// An episode that was not billed, and why.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_not_billed {
    /// The episode's row in the set.
    pub row: usize,
    /// The episode's id (lives as long as the invoice).
    pub episode_id: utklar_str,
    /// Why it was not billed.
    pub reason: utklar_not_billed_reason,
}

growable!(
    utklar_invoice_summary,
    64,
    "call utklar_invoice_get_summary (the header's macro passes sizeof)"
);
growable!(
    utklar_invoice_line,
    96,
    "call utklar_invoice_get_line (the header's macro passes sizeof)"
);
growable!(
    utklar_invoice_total,
    80,
    "call utklar_invoice_get_total (the header's macro passes sizeof)"
);

/// Writes the invoice's account and sums to `*out`.
///
/// Called through the header's macro `utklar_invoice_get_summary(...)`, which passes `sizeof(utklar_invoice_summary)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_invoice_get_summary_sized(
    invoice: *const utklar_invoice,
    out: *mut utklar_invoice_summary,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let inv = arg_ref(invoice, "invoice")?;
        let out = GrowableOut::new(out, size, "out")?;
        let i = &inv.inner;
        out.write(utklar_invoice_summary {
            struct_size: 0,
            rows_in: inv.rows_in,
            rows_not_read: inv.rows_not_read,
            episodes_in: i.episodes_in,
            billed_episodes: i.billed_episodes(),
            not_billed: i.not_billed.len() as u64,
            billed_days: i.billed_days(),
            amount_ore: i.amount_ore(),
        });
        Ok(())
    })
}

/// Writes the agreement's name the invoice was computed under to `*out` (lives as long as the
/// invoice).
#[no_mangle]
pub extern "C" fn utklar_invoice_agreement(
    invoice: *const utklar_invoice,
    out: *mut utklar_str,
) -> utklar_result {
    boundary(|| {
        let inv = arg_ref(invoice, "invoice")?;
        Out::new(out, "out")?.write(utklar_str::of(&inv.inner.agreement));
        Ok(())
    })
}

/// The number of invoice lines (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_invoice_line_count(invoice: *const utklar_invoice) -> usize {
    boundary_or(0, || {
        arg_ref(invoice, "invoice").map_or(0, |i| i.inner.lines.len())
    })
}

/// Writes line `index` (lines are by municipality, care type, period and row) to `*out`;
/// `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
///
/// Called through the header's macro `utklar_invoice_get_line(...)`, which passes `sizeof(utklar_invoice_line)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_invoice_get_line_sized(
    invoice: *const utklar_invoice,
    index: usize,
    out: *mut utklar_invoice_line,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let inv = arg_ref(invoice, "invoice")?;
        let out = GrowableOut::new(out, size, "out")?;
        let lines = &inv.inner.lines;
        let l = item(lines, index)?;
        out.write(utklar_invoice_line {
            struct_size: 0,
            episode_id: utklar_str::of_opt(l.episode_id.as_deref()),
            row: l.index.unwrap_or(UTKLAR_NO_ROW),
            municipality: l.municipality.code(),
            care_type: care_type_out(l.care_type),
            period: utklar_period::of(l.period),
            billed_days: l.billed_days,
            amount_ore: l.amount_ore,
            rule: rule_out(l.rule),
            episodes: l.episodes,
        });
        Ok(())
    })
}

/// The number of totals, one per municipality, care type and period (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_invoice_total_count(invoice: *const utklar_invoice) -> usize {
    boundary_or(0, || {
        arg_ref(invoice, "invoice").map_or(0, |i| i.inner.totals.len())
    })
}

/// Writes total `index` (by municipality, care type and period) to `*out`;
/// `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
///
/// Called through the header's macro `utklar_invoice_get_total(...)`, which passes `sizeof(utklar_invoice_total)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_invoice_get_total_sized(
    invoice: *const utklar_invoice,
    index: usize,
    out: *mut utklar_invoice_total,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let inv = arg_ref(invoice, "invoice")?;
        let out = GrowableOut::new(out, size, "out")?;
        let totals = &inv.inner.totals;
        let t = item(totals, index)?;
        out.write(utklar_invoice_total {
            struct_size: 0,
            municipality: t.municipality.code(),
            care_type: care_type_out(t.care_type),
            period: utklar_period::of(t.period),
            billed_days: t.billed_days,
            amount_ore: t.amount_ore,
            mean_days: t.mean_days.unwrap_or(f64::NAN),
            threshold: t.threshold.unwrap_or(f64::NAN),
            triggered: t.triggered.map_or(-1, i32::from),
            episodes: t.episodes,
        });
        Ok(())
    })
}

/// The number of episodes not billed (0 for NULL).
#[no_mangle]
pub extern "C" fn utklar_invoice_not_billed_count(invoice: *const utklar_invoice) -> usize {
    boundary_or(0, || {
        arg_ref(invoice, "invoice").map_or(0, |i| i.inner.not_billed.len())
    })
}

/// Writes not-billed episode `index` (in row order) to `*out`; `UTKLAR_RESULT_OUT_OF_RANGE`
/// past the end. The id of a row that could not be read is empty when it had none.
#[no_mangle]
pub extern "C" fn utklar_invoice_get_not_billed(
    invoice: *const utklar_invoice,
    index: usize,
    out: *mut utklar_not_billed,
) -> utklar_result {
    boundary(|| {
        let inv = arg_ref(invoice, "invoice")?;
        let out = Out::new(out, "out")?;
        let n = item(&inv.inner.not_billed, index)?;
        out.write(utklar_not_billed {
            row: n.index,
            episode_id: utklar_str::of(&n.episode_id),
            reason: reason_out(n.reason),
        });
        Ok(())
    })
}

/// Writes to `*out` how many episodes were not billed for `reason` (a
/// `utklar_not_billed_reason`).
#[no_mangle]
pub extern "C" fn utklar_invoice_not_billed_by_reason(
    invoice: *const utklar_invoice,
    reason: u32,
    out: *mut u64,
) -> utklar_result {
    boundary(|| {
        let inv = arg_ref(invoice, "invoice")?;
        let reason = reason_in(reason)?;
        Out::new(out, "out")?.write(inv.inner.not_billed_count(reason));
        Ok(())
    })
}

/// Frees an invoice; NULL is a no-op.
#[no_mangle]
pub extern "C" fn utklar_invoice_free(invoice: *mut utklar_invoice) {
    boundary_or((), || free(invoice));
}

/// Writes the snake_case name of a not-billed reason (`"within_grace"`) to `*out`, a static
/// string.
#[no_mangle]
pub extern "C" fn utklar_not_billed_reason_name(
    reason: u32,
    out: *mut utklar_str,
) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        out.write(utklar_str::of(reason_in(reason)?.as_str()));
        Ok(())
    })
}

/// Writes the snake_case name of a billing rule (`"average_per_episode"`) to `*out`, a static
/// string.
#[no_mangle]
pub extern "C" fn utklar_rule_name(rule: u32, out: *mut utklar_str) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        let r = RULES
            .into_iter()
            .find(|r| rule_out(*r) as u32 == rule)
            .ok_or_else(|| CError::Argument {
                name: "rule",
                message: format!("{rule} is not a utklar_rule value"),
            })?;
        out.write(utklar_str::of(r.as_str()));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_reason_and_rule_has_a_c_value() {
        for r in NotBilledReason::ALL {
            assert_ne!(reason_out(r), utklar_not_billed_reason::Other, "{r}");
            assert_eq!(reason_in(reason_out(r) as u32).ok(), Some(r));
        }
        for r in RULES {
            assert_ne!(rule_out(r), utklar_rule::Other, "{r}");
        }
    }
}
