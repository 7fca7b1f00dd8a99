//! What utklar knows of the 21 counties' agreements and the sourced national amounts: the
//! core's registry (`payment::counties`) and `payment::NATIONAL_AMOUNTS`, as static rows.

use utklar_core::payment::{self, CountyAgreement, NATIONAL_AMOUNTS};

use crate::error::{boundary, boundary_or, item, utklar_result};
use crate::ffi::utklar_str;
use crate::types::{growable, GrowableOut};

/// One county and what is known of its agreement (`utklar presets --counties`). Every string
/// is static.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_county_agreement {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_county_agreement_get` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// The county (*län*) code: 1 for Stockholms län, 8 for Kalmar län.
    pub county: u8,
    /// The county's name (`"Kalmar län"`).
    pub name: utklar_str,
    /// The model family: `"individual"`, `"average"`, `"mixed"`, or `"unknown"` where no
    /// source names it.
    pub model: utklar_str,
    /// The preset that implements the agreement (`"kalmar"`, for `utklar_agreement_preset`),
    /// or `{NULL, 0}` when there is none.
    pub preset: utklar_str,
    /// Where the family and the preset come from, or `"no public source found"`.
    pub source: utklar_str,
}

/// A sourced national amount per care day (`utklar amounts`). The source is static.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_national_amount {
    /// `sizeof` this struct as the caller's program knows it; set by `the `utklar_national_amount_get` macro`. Always first:
    /// a later version appends members after the last one and reads or writes only the bytes
    /// this size covers.
    pub struct_size: u32,
    /// The calendar year.
    pub year: i32,
    /// The amount per care day in öre (11 600 kr is 1 160 000).
    pub ore: i64,
    /// The regulation, or the official page citing it.
    pub source: utklar_str,
}

growable!(
    utklar_county_agreement,
    72,
    "call utklar_county_agreement_get (the header's macro passes sizeof)"
);
growable!(
    utklar_national_amount,
    32,
    "call utklar_national_amount_get (the header's macro passes sizeof)"
);

/// The number of counties in the registry (21).
#[no_mangle]
pub extern "C" fn utklar_county_agreement_count() -> usize {
    boundary_or(0, || payment::counties().len())
}

/// Writes county `index` (in code order: 0 is Stockholms län, 01) to `*out`;
/// `UTKLAR_RESULT_OUT_OF_RANGE` past the end.
///
/// Called through the header's macro `utklar_county_agreement_get(...)`, which passes `sizeof(utklar_county_agreement)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_county_agreement_get_sized(
    index: usize,
    out: *mut utklar_county_agreement,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let out = GrowableOut::new(out, size, "out")?;
        let all = payment::counties();
        let c: &CountyAgreement = item(&all, index)?;
        out.write(utklar_county_agreement {
            struct_size: 0,
            county: c.county.code(),
            name: utklar_str::of(c.county.name()),
            model: utklar_str::of(c.model_str()),
            preset: c.preset.map_or(
                utklar_str {
                    data: std::ptr::null(),
                    len: 0,
                },
                utklar_str::of,
            ),
            source: utklar_str::of(c.source),
        });
        Ok(())
    })
}

/// The number of sourced national amounts.
#[no_mangle]
pub extern "C" fn utklar_national_amount_count() -> usize {
    boundary_or(0, || NATIONAL_AMOUNTS.len())
}

/// Writes sourced national amount `index` (in year order) to `*out`;
/// `UTKLAR_RESULT_OUT_OF_RANGE` past the end. These are the amounts `utklar_amounts_new`
/// starts from.
///
/// Called through the header's macro `utklar_national_amount_get(...)`, which passes `sizeof(utklar_national_amount)` as `size`
/// (the size of the struct as this program was compiled); a `size` smaller than the first
/// published layout fails with `UTKLAR_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn utklar_national_amount_get_sized(
    index: usize,
    out: *mut utklar_national_amount,
    size: usize,
) -> utklar_result {
    boundary(|| {
        let out = GrowableOut::new(out, size, "out")?;
        let &(year, ore, source) = item(&NATIONAL_AMOUNTS, index)?;
        out.write(utklar_national_amount {
            struct_size: 0,
            year,
            ore,
            source: utklar_str::of(source),
        });
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Growable;
    use std::mem::size_of;

    fn first<T: Growable>() -> usize {
        T::FIRST_SIZE
    }

    #[test]
    fn first_sizes_are_the_published_layouts() {
        assert_eq!(
            first::<utklar_county_agreement>(),
            size_of::<utklar_county_agreement>()
        );
        assert_eq!(
            first::<utklar_national_amount>(),
            size_of::<utklar_national_amount>()
        );
    }
}
