//! The enumerations of the C API and their translation to and from the core's types.
//!
//! Functions take enumeration values as `uint32_t` (a C caller can pass any number, and an
//! out-of-range value must become `UTKLAR_RESULT_INVALID_ARGUMENT`, not undefined behaviour);
//! structs written by utklar hold the enumeration types.

use std::ffi::c_char;

use utklar_core::validate::{Field, Mode, NegativeDays, Reason};
use utklar_core::{CareType, GroupBy, PeriodKind};

use crate::error::{boundary, utklar_result, CError};
use crate::ffi::{utklar_str, write_text, Out};

/// The major version of this header. The shared library's SONAME is
/// `libutklar.so.<major>`: within one major version the ABI only grows (new functions, new
/// fields at the end of a struct that carries its `struct_size`), so a program built against
/// an older header keeps working with a newer library.
pub const UTKLAR_VERSION_MAJOR: u32 = 0;
/// The minor version of this header: a program built with minor `m` needs a library whose
/// minor version is at least `m` (see `utklar_version_compatible`).
pub const UTKLAR_VERSION_MINOR: u32 = 2;
/// The patch version of this header.
pub const UTKLAR_VERSION_PATCH: u32 = 0;

/// A decimal number of `env!` text, at compile time.
const fn decimal(s: &str) -> u32 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        n = n * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    n
}

// The macros are the crate's version: a bump of Cargo.toml without the header fails to build.
const _: () = assert!(
    UTKLAR_VERSION_MAJOR == decimal(env!("CARGO_PKG_VERSION_MAJOR"))
        && UTKLAR_VERSION_MINOR == decimal(env!("CARGO_PKG_VERSION_MINOR"))
        && UTKLAR_VERSION_PATCH == decimal(env!("CARGO_PKG_VERSION_PATCH")),
    "UTKLAR_VERSION_* in bindings/c/src/types.rs differ from the crate version"
);

/// Whether the running library can serve a program built against the header of version
/// `major.minor`: the same major version, and a minor version at least `minor`. Call it as
/// `utklar_version_compatible(UTKLAR_VERSION_MAJOR, UTKLAR_VERSION_MINOR)` at start-up;
/// `utklar_version()` gives the library's full version as text.
#[no_mangle]
pub extern "C" fn utklar_version_compatible(major: u32, minor: u32) -> bool {
    major == UTKLAR_VERSION_MAJOR && minor <= UTKLAR_VERSION_MINOR
}

/// Period length (`utklar_indicator_options.period`).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_period_kind {
    /// Calendar month (`2025-03`).
    Month = 0,
    /// Calendar quarter (`2025-Q1`).
    Quarter = 1,
    /// Calendar year (`2025`).
    Year = 2,
}

/// Grouping of indicator rows (`utklar_indicator_options.group_by`).
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_group_by {
    /// Per municipality (*kommun*); the group code is the municipality code (880).
    Municipality = 0,
    /// Per county (*län*); the group code is the county code (8).
    County = 1,
    /// The whole country; the group code is 0.
    Nation = 2,
}

/// Somatic or psychiatric care.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_care_type {
    /// Somatic care (*somatisk vård*).
    Somatic = 0,
    /// Psychiatric care (*psykiatrisk vård*).
    Psychiatric = 1,
}

/// What to do with negative days (*minusdagar*): discharge before the ready date.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_negative_days {
    /// Exclude the episode and count it in the exclusion report (default).
    Exclude = 0,
    /// Treat it as discharged on the ready date.
    Day0 = 1,
    /// Fail the call with `UTKLAR_RESULT_INVALID_ROWS`, listing the rows.
    Error = 2,
}

/// Strict or lenient handling of bad rows.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_mode {
    /// Fail with `UTKLAR_RESULT_INVALID_ROWS` when any row has a problem (the C API default).
    Strict = 0,
    /// Exclude bad rows and report them with the result.
    Lenient = 1,
}

/// The episode fields (in the order of docs/episodes.md), as named in problems and in `utklar_episodes_push_text`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_field {
    /// `episode_id`
    EpisodeId = 0,
    /// `patient_id`
    PatientId = 1,
    /// `municipality`
    Municipality = 2,
    /// `care_type`
    CareType = 3,
    /// `admitted_at`
    AdmittedAt = 4,
    /// `ready_at`
    ReadyAt = 5,
    /// `discharged_at`
    DischargedAt = 6,
    /// `home_ready_at`
    HomeReadyAt = 7,
    /// `planned_discharge_date`
    PlannedDischargeDate = 8,
    /// `age`
    Age = 9,
    /// `admission_notice_sent`
    AdmissionNoticeSent = 10,
    /// `sip_required`
    SipRequired = 11,
    /// `sip_called`
    SipCalled = 12,
    /// `region_blocked`
    RegionBlocked = 13,
    /// A field this version of the C API does not know.
    Other = 255,
}

/// Why a row was excluded or rejected.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum utklar_reason {
    /// A required field is empty.
    MissingField = 0,
    /// A date or time that cannot be read.
    UnparseableDate = 1,
    /// A date outside 1990-01-01 … 2100-12-31.
    DateOutOfRange = 2,
    /// Not one of the 290 municipality codes.
    UnknownMunicipality = 3,
    /// Not somatic (0) or psychiatric (1).
    UnknownCareType = 4,
    /// A boolean that cannot be read.
    UnparseableBoolean = 5,
    /// An age that is not a whole number 0–150.
    UnparseableInteger = 6,
    /// Discharge before the ready date.
    NegativeDays = 7,
    /// Discharge before admission.
    DischargeBeforeAdmission = 8,
    /// Ready notice before admission.
    ReadyBeforeAdmission = 9,
    /// An episode id seen on an earlier row.
    DuplicateEpisodeId = 10,
    /// A reason this version of the C API does not know.
    Other = 255,
}

pub(crate) const FIELD_COUNT: usize = 14;

fn bad(name: &'static str, value: u32, allowed: &str) -> CError {
    CError::Argument {
        name,
        message: format!("{value} is not a valid value: use {allowed}"),
    }
}

pub(crate) fn period_kind(v: u32) -> Result<PeriodKind, CError> {
    match v {
        0 => Ok(PeriodKind::Month),
        1 => Ok(PeriodKind::Quarter),
        2 => Ok(PeriodKind::Year),
        _ => Err(bad(
            "period",
            v,
            "UTKLAR_PERIOD_KIND_MONTH, _QUARTER or _YEAR",
        )),
    }
}

pub(crate) fn period_kind_out(k: PeriodKind) -> utklar_period_kind {
    match k {
        PeriodKind::Month => utklar_period_kind::Month,
        PeriodKind::Quarter => utklar_period_kind::Quarter,
        PeriodKind::Year => utklar_period_kind::Year,
    }
}

pub(crate) fn group_by(v: u32) -> Result<GroupBy, CError> {
    match v {
        0 => Ok(GroupBy::Municipality),
        1 => Ok(GroupBy::County),
        2 => Ok(GroupBy::Nation),
        _ => Err(bad(
            "group_by",
            v,
            "UTKLAR_GROUP_BY_MUNICIPALITY, _COUNTY or _NATION",
        )),
    }
}

pub(crate) fn negative_days(v: u32) -> Result<NegativeDays, CError> {
    match v {
        0 => Ok(NegativeDays::Exclude),
        1 => Ok(NegativeDays::Day0),
        2 => Ok(NegativeDays::Error),
        _ => Err(bad(
            "negative_days",
            v,
            "UTKLAR_NEGATIVE_DAYS_EXCLUDE, _DAY0 or _ERROR",
        )),
    }
}

pub(crate) fn group_by_out(g: GroupBy) -> utklar_group_by {
    match g {
        GroupBy::Municipality => utklar_group_by::Municipality,
        GroupBy::County => utklar_group_by::County,
        GroupBy::Nation => utklar_group_by::Nation,
    }
}

pub(crate) fn negative_days_out(n: NegativeDays) -> utklar_negative_days {
    match n {
        NegativeDays::Exclude => utklar_negative_days::Exclude,
        NegativeDays::Day0 => utklar_negative_days::Day0,
        NegativeDays::Error => utklar_negative_days::Error,
    }
}

pub(crate) fn mode(v: u32) -> Result<Mode, CError> {
    match v {
        0 => Ok(Mode::Strict),
        1 => Ok(Mode::Lenient),
        _ => Err(bad("mode", v, "UTKLAR_MODE_STRICT or UTKLAR_MODE_LENIENT")),
    }
}

/// A group as its C kind and code (0 for the nation).
pub(crate) fn group_out(g: utklar_core::Group) -> (utklar_group_by, u16) {
    use utklar_core::Group;
    match g {
        Group::Municipality(m) => (utklar_group_by::Municipality, m.code()),
        Group::County(c) => (utklar_group_by::County, u16::from(c.code())),
        Group::Nation => (utklar_group_by::Nation, 0),
    }
}

pub(crate) fn care_type_out(c: CareType) -> utklar_care_type {
    match c {
        CareType::Somatic => utklar_care_type::Somatic,
        CareType::Psychiatric => utklar_care_type::Psychiatric,
    }
}

pub(crate) fn field_out(f: Field) -> utklar_field {
    match f {
        Field::EpisodeId => utklar_field::EpisodeId,
        Field::PatientId => utklar_field::PatientId,
        Field::Municipality => utklar_field::Municipality,
        Field::CareType => utklar_field::CareType,
        Field::AdmittedAt => utklar_field::AdmittedAt,
        Field::ReadyAt => utklar_field::ReadyAt,
        Field::DischargedAt => utklar_field::DischargedAt,
        Field::HomeReadyAt => utklar_field::HomeReadyAt,
        Field::PlannedDischargeDate => utklar_field::PlannedDischargeDate,
        Field::Age => utklar_field::Age,
        Field::AdmissionNoticeSent => utklar_field::AdmissionNoticeSent,
        Field::SipRequired => utklar_field::SipRequired,
        Field::SipCalled => utklar_field::SipCalled,
        Field::RegionBlocked => utklar_field::RegionBlocked,
        _ => utklar_field::Other,
    }
}

pub(crate) fn reason_out(r: Reason) -> utklar_reason {
    match r {
        Reason::MissingField => utklar_reason::MissingField,
        Reason::UnparseableDate => utklar_reason::UnparseableDate,
        Reason::DateOutOfRange => utklar_reason::DateOutOfRange,
        Reason::UnknownMunicipality => utklar_reason::UnknownMunicipality,
        Reason::UnknownCareType => utklar_reason::UnknownCareType,
        Reason::UnparseableBoolean => utklar_reason::UnparseableBoolean,
        Reason::UnparseableInteger => utklar_reason::UnparseableInteger,
        Reason::NegativeDays => utklar_reason::NegativeDays,
        Reason::DischargeBeforeAdmission => utklar_reason::DischargeBeforeAdmission,
        Reason::ReadyBeforeAdmission => utklar_reason::ReadyBeforeAdmission,
        Reason::DuplicateEpisodeId => utklar_reason::DuplicateEpisodeId,
        _ => utklar_reason::Other,
    }
}

pub(crate) fn reason_in(v: u32) -> Result<Reason, CError> {
    Reason::ALL
        .into_iter()
        .find(|r| reason_out(*r) as u32 == v)
        .ok_or_else(|| bad("reason", v, "a utklar_reason value"))
}

#[cfg(test)]
mod version_tests {
    use super::*;

    /// The header's version macros are the crate's version (one version everywhere).
    #[test]
    fn macros_are_the_crate_version() {
        let v = |name: &str| std::env::var(name).unwrap().parse::<u32>().unwrap();
        assert_eq!(UTKLAR_VERSION_MAJOR, v("CARGO_PKG_VERSION_MAJOR"));
        assert_eq!(UTKLAR_VERSION_MINOR, v("CARGO_PKG_VERSION_MINOR"));
        assert_eq!(UTKLAR_VERSION_PATCH, v("CARGO_PKG_VERSION_PATCH"));
        assert!(utklar_version_compatible(
            UTKLAR_VERSION_MAJOR,
            UTKLAR_VERSION_MINOR
        ));
        assert!(utklar_version_compatible(UTKLAR_VERSION_MAJOR, 0));
        assert!(!utklar_version_compatible(
            UTKLAR_VERSION_MAJOR,
            UTKLAR_VERSION_MINOR + 1
        ));
        assert!(!utklar_version_compatible(UTKLAR_VERSION_MAJOR + 1, 0));
    }
}

fn field_in(v: u32) -> Result<Field, CError> {
    Field::ALL
        .get(v as usize)
        .copied()
        .ok_or_else(|| bad("field", v, "a utklar_field value (0–13)"))
}

/// One problem with one input row.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_problem {
    /// 0-based index of the row, in the order the rows were added to the episode set.
    pub row: usize,
    /// The field at fault: a `utklar_field` value.
    pub field: u32,
    /// Why: a `utklar_reason` value.
    pub reason: u32,
}

impl utklar_problem {
    pub(crate) fn of(p: &utklar_core::Problem) -> Self {
        utklar_problem {
            row: p.row,
            field: field_out(p.field) as u32,
            reason: reason_out(p.reason) as u32,
        }
    }
}

/// Writes the column name of `field` (`"ready_at"`) to `*out`, a static string.
///
/// Fails with `UTKLAR_RESULT_INVALID_ARGUMENT` for a value that is not a field.
#[no_mangle]
pub extern "C" fn utklar_field_name(field: u32, out: *mut utklar_str) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        out.write(utklar_str::of(field_in(field)?.as_str()));
        Ok(())
    })
}

/// Writes the snake_case name of `reason` (`"negative_days"`) to `*out`, a static string.
#[no_mangle]
pub extern "C" fn utklar_reason_name(reason: u32, out: *mut utklar_str) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        out.write(utklar_str::of(reason_in(reason)?.as_str()));
        Ok(())
    })
}

/// Writes a sentence saying how to fix rows with `reason` to `*out`, a static string.
#[no_mangle]
pub extern "C" fn utklar_reason_hint(reason: u32, out: *mut utklar_str) -> utklar_result {
    boundary(|| {
        let out = Out::new(out, "out")?;
        out.write(utklar_str::of(reason_in(reason)?.hint()));
        Ok(())
    })
}

/// Writes the message of a problem (`"row 3: ready_at: date_out_of_range (dates must lie in
/// …)"`) and a terminating NUL into `buf` (`len` bytes), its length without the NUL into
/// `*out_n`. See the buffer convention at the top of this header.
#[no_mangle]
pub extern "C" fn utklar_problem_message(
    problem: *const utklar_problem,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> utklar_result {
    boundary(|| {
        let p = crate::ffi::arg_ref(problem, "problem")?;
        let field = field_in(p.field)?;
        let reason = reason_in(p.reason)?;
        let core = utklar_core::Problem {
            row: p.row,
            field,
            reason,
        };
        write_text(&core.to_string(), buf, len, out_n)
    })
}

/// A public struct that can grow. Its first member is `uint32_t struct_size`, the size in
/// bytes of the struct as the caller's program was compiled (`sizeof`): the `_init` macros of
/// the header set it for structs the library reads, and the getters are macros passing
/// `sizeof` for structs the library writes. A later version appends members only, reads the
/// members the caller's size covers (the rest keep their defaults) and writes only those.
pub(crate) trait Growable: Copy {
    /// The size of the struct's first published layout (utklar 0.2.0). Never changes: a
    /// caller's `struct_size` below it is refused.
    const FIRST_SIZE: usize;
    /// Where the size comes from, for the message when it is wrong.
    const HOW: &'static str;
    /// Sets the `struct_size` member.
    fn set_struct_size(&mut self, size: u32);
}

fn size_error<T: Growable>(size: usize) -> CError {
    CError::Argument {
        name: "struct_size",
        message: format!(
            "{size} is not the size of a struct this library knows (at least {}): {}",
            T::FIRST_SIZE,
            T::HOW
        ),
    }
}

/// Reads a caller's growable struct: checks its `struct_size` and copies the bytes it covers
/// over `defaults`.
pub(crate) fn read_growable<T: Growable>(
    p: *const T,
    defaults: T,
    name: &'static str,
) -> Result<T, CError> {
    if p.is_null() {
        return Err(CError::Null(name));
    }
    // SAFETY: `p` is non-NULL and, by the C contract, points to a readable struct whose first
    // member is the `uint32_t struct_size` (every growable struct is `repr(C)` and starts so).
    let size = unsafe { p.cast::<u32>().read_unaligned() } as usize;
    if size < T::FIRST_SIZE {
        return Err(size_error::<T>(size));
    }
    let mut value = defaults;
    let n = size.min(std::mem::size_of::<T>());
    // SAFETY: the caller's struct has `size ≥ n` readable bytes; `value` has `size_of::<T>()
    // ≥ n` writable ones; they do not overlap. Every member of these structs is plain data
    // (integers, floats, pointers) valid for any bytes the caller set through its own
    // compiler's layout, which is this one (repr(C)).
    unsafe {
        std::ptr::copy_nonoverlapping(
            p.cast::<u8>(),
            std::ptr::from_mut(&mut value).cast::<u8>(),
            n,
        );
    }
    value.set_struct_size(std::mem::size_of::<T>() as u32);
    Ok(value)
}

/// An output slot for a growable struct: checked (NULL, size) before any work is done,
/// written at the end, only as many bytes as the caller's `size` covers.
pub(crate) struct GrowableOut<T> {
    p: *mut T,
    n: usize,
}

impl<T: Growable> GrowableOut<T> {
    pub(crate) fn new(p: *mut T, size: usize, name: &'static str) -> Result<Self, CError> {
        if p.is_null() {
            return Err(CError::Null(name));
        }
        if size < T::FIRST_SIZE {
            return Err(size_error::<T>(size));
        }
        Ok(GrowableOut {
            p,
            n: size.min(std::mem::size_of::<T>()),
        })
    }

    /// Writes the first `n` bytes of `value`, its `struct_size` set to `n`.
    pub(crate) fn write(self, mut value: T) {
        value.set_struct_size(self.n as u32);
        // SAFETY: `p` is non-NULL (checked in `new`) and, by the C contract, points to
        // writable storage of the caller's `size ≥ n` bytes; `value` has `size_of::<T>() ≥ n`.
        unsafe {
            std::ptr::copy_nonoverlapping(
                std::ptr::from_ref(&value).cast::<u8>(),
                self.p.cast::<u8>(),
                self.n,
            );
        }
    }
}

/// Implements [`Growable`] for a struct with a leading `struct_size` member.
macro_rules! growable {
    ($t:ty, $first:expr, $how:expr) => {
        impl $crate::types::Growable for $t {
            const FIRST_SIZE: usize = $first;
            const HOW: &'static str = $how;
            fn set_struct_size(&mut self, size: u32) {
                self.struct_size = size;
            }
        }
    };
}
pub(crate) use growable;

#[cfg(test)]
mod growable_tests {
    use super::Growable;
    use crate::episodes::{utklar_columns, utklar_episode};
    use crate::explain::utklar_explain_row;
    use crate::indicators::{utklar_exclusions, utklar_indicator_options, utklar_indicator_row};
    use crate::payment::{utklar_invoice_line, utklar_invoice_summary, utklar_invoice_total};
    use std::mem::size_of;

    fn first<T: Growable>() -> usize {
        T::FIRST_SIZE
    }

    /// The first published layout (0.2.0) is today's: when a struct grows, its FIRST_SIZE
    /// stays and this test changes to `<`.
    #[test]
    fn first_sizes_are_the_published_layouts() {
        assert_eq!(first::<utklar_episode>(), size_of::<utklar_episode>());
        assert_eq!(first::<utklar_columns>(), size_of::<utklar_columns>());
        assert_eq!(
            first::<utklar_indicator_options>(),
            size_of::<utklar_indicator_options>()
        );
        assert_eq!(
            first::<utklar_indicator_row>(),
            size_of::<utklar_indicator_row>()
        );
        assert_eq!(first::<utklar_exclusions>(), size_of::<utklar_exclusions>());
        assert_eq!(
            first::<utklar_invoice_summary>(),
            size_of::<utklar_invoice_summary>()
        );
        assert_eq!(
            first::<utklar_invoice_line>(),
            size_of::<utklar_invoice_line>()
        );
        assert_eq!(
            first::<utklar_invoice_total>(),
            size_of::<utklar_invoice_total>()
        );
        assert_eq!(
            first::<utklar_explain_row>(),
            size_of::<utklar_explain_row>()
        );
    }
}
