//! The C entry points that take buffers, called through their `extern "C"` functions as a C
//! program calls them: `utklar_episodes_read_csv_buffer`, `utklar_episodes_push_text` and
//! `utklar_agreement_from_toml`, then validation, indicators and invoices of what was read.
//!
//! The input is up to three parts separated by NUL bytes: an episode CSV buffer; text rows
//! (rows separated by a newline, fields by `|`, in `utklar_field` order, bytes that need not
//! be UTF-8; an empty field is `{NULL, 0}`); an agreement as TOML.
//!
//! Checks: every call returns one of the result codes, never `UTKLAR_RESULT_PANIC` (the C
//! boundary catches a panic and returns that code; a caught panic is still a bug, so the
//! target aborts); a failed call adds nothing; the C reader agrees with `utklar-csv`; the last
//! error message can always be read.
#![no_main]

use std::mem::{size_of, MaybeUninit};
use std::ptr::{null, null_mut};

use libfuzzer_sys::fuzz_target;
use utklar::*;

/// Aborts on a caught panic; returns the code otherwise.
fn code(r: utklar_result) -> utklar_result {
    if r == utklar_result::Panic {
        let mut buf = [0u8; 512];
        let mut n = 0;
        let _ = utklar_last_error_message(buf.as_mut_ptr().cast(), buf.len(), &raw mut n);
        eprintln!(
            "UTKLAR_RESULT_PANIC: {}",
            String::from_utf8_lossy(&buf[..n.min(buf.len())])
        );
        std::process::abort();
    }
    r
}

/// The last error message, read as a C caller reads it (asking for the length first).
fn last_error() -> String {
    let mut n = 0;
    let r = code(utklar_last_error_message(null_mut(), 0, &raw mut n));
    assert_eq!(
        r,
        utklar_result::BufferTooSmall,
        "a NULL buffer asks for the length"
    );
    let mut buf = vec![0u8; n + 1];
    let mut m = 0;
    let r = code(utklar_last_error_message(
        buf.as_mut_ptr().cast(),
        buf.len(),
        &raw mut m,
    ));
    assert_eq!(r, utklar_result::Ok);
    assert_eq!(
        (m, buf[m]),
        (n, 0),
        "the length without the NUL, then the NUL"
    );
    String::from_utf8(buf[..m].to_vec()).expect("messages are UTF-8")
}

/// A failed call leaves a message saying what went wrong.
fn failed(r: utklar_result) -> bool {
    if code(r) == utklar_result::Ok {
        return false;
    }
    assert!(!last_error().is_empty(), "no message for {r:?}");
    true
}

fn new_set() -> *mut utklar_episodes {
    let mut set = null_mut();
    assert_eq!(code(utklar_episodes_new(&raw mut set)), utklar_result::Ok);
    set
}

fn options(period: u32, group_by: u32, negative_days: u32, mode: u32) -> utklar_indicator_options {
    let mut o = MaybeUninit::uninit();
    assert_eq!(
        code(utklar_indicator_options_init_sized(
            o.as_mut_ptr(),
            size_of::<utklar_indicator_options>()
        )),
        utklar_result::Ok
    );
    // SAFETY: initialised by the successful call above.
    let mut o = unsafe { o.assume_init() };
    o.period = period;
    o.group_by = group_by;
    o.negative_days = negative_days;
    o.mode = mode;
    o
}

/// Validation, indicators and the invoice of a set under an agreement.
fn use_set(set: *mut utklar_episodes, agreement: *const utklar_agreement) {
    let rows = utklar_episodes_len(set);
    for policy in 0..3 {
        let mut v = null_mut();
        if !failed(utklar_episodes_validate(set, policy, &raw mut v)) {
            for i in 0..=utklar_validation_len(v) {
                let mut p = MaybeUninit::uninit();
                let r = code(utklar_validation_get_problem(v, i, p.as_mut_ptr()));
                assert_eq!(r == utklar_result::Ok, i < utklar_validation_len(v));
            }
            utklar_validation_free(v);
        }
    }
    for (period, group_by, negative_days, mode) in [(0, 0, 0, 1), (1, 1, 1, 1), (2, 2, 2, 0)] {
        let o = options(period, group_by, negative_days, mode);
        let mut rep = null_mut();
        if !failed(utklar_episodes_indicators(
            set,
            &o,
            null(),
            null(),
            &raw mut rep,
        )) {
            let mut ex = MaybeUninit::uninit();
            let r = code(utklar_indicator_report_get_exclusions_sized(
                rep,
                ex.as_mut_ptr(),
                size_of::<utklar_exclusions>(),
            ));
            assert_eq!(r, utklar_result::Ok);
            // SAFETY: written by the successful call above.
            let ex = unsafe { ex.assume_init() };
            assert_eq!(ex.rows_in, rows as u64);
            assert_eq!(
                ex.rows_in,
                ex.counted + ex.open + ex.outside_age + ex.excluded
            );
            utklar_indicator_report_free(rep);
        }
    }
    if agreement.is_null() {
        return;
    }
    for mode in [0, 1] {
        let mut inv = null_mut();
        if !failed(utklar_episodes_invoice(
            set,
            agreement,
            null(),
            mode,
            &raw mut inv,
        )) {
            let mut s = MaybeUninit::uninit();
            let r = code(utklar_invoice_get_summary_sized(
                inv,
                s.as_mut_ptr(),
                size_of::<utklar_invoice_summary>(),
            ));
            assert_eq!(r, utklar_result::Ok);
            // SAFETY: written by the successful call above.
            let s = unsafe { s.assume_init() };
            assert_eq!(s.rows_in, rows as u64);
            assert_eq!(s.billed_episodes + s.not_billed, s.episodes_in);
            assert_eq!(s.episodes_in, s.rows_in);
            assert!(s.rows_not_read <= s.rows_in);
            assert!(s.amount_ore >= 0);
            let lines = utklar_invoice_line_count(inv);
            let mut line = MaybeUninit::uninit();
            let r = code(utklar_invoice_get_line_sized(
                inv,
                lines,
                line.as_mut_ptr(),
                size_of::<utklar_invoice_line>(),
            ));
            assert_eq!(r, utklar_result::OutOfRange);
            utklar_invoice_free(inv);
        }
    }
}

fn read_csv(set: *mut utklar_episodes, csv: &[u8]) {
    let before = utklar_episodes_len(set);
    let r = code(utklar_episodes_read_csv_buffer(
        set,
        csv.as_ptr(),
        csv.len(),
    ));
    let rust = utklar_csv::read_episodes_from(csv);
    match &rust {
        Ok(read) => {
            assert_eq!(r, utklar_result::Ok, "{}", last_error());
            assert_eq!(utklar_episodes_len(set), before + read.rows());
            for (i, &want) in read.lines.iter().enumerate() {
                let mut line = 0;
                let r = code(utklar_episodes_line(set, before + i, &raw mut line));
                assert_eq!(r, utklar_result::Ok);
                assert_eq!(line, want);
            }
        }
        Err(e) => {
            assert_eq!(r, utklar_result::InvalidFile);
            assert_eq!(last_error(), e.to_string());
            assert_eq!(
                utklar_episodes_len(set),
                before,
                "a failed read adds nothing"
            );
        }
    }
    let mut line = 0;
    let past = utklar_episodes_len(set);
    assert_eq!(
        code(utklar_episodes_line(set, past, &raw mut line)),
        utklar_result::OutOfRange
    );
}

fn push_text(set: *mut utklar_episodes, text: &[u8]) {
    for row in text.split(|&b| b == b'\n').take(64) {
        let fields: Vec<utklar_str> = row
            .split(|&b| b == b'|')
            .map(|f| {
                if f.is_empty() {
                    utklar_str {
                        data: null(),
                        len: 0,
                    }
                } else {
                    utklar_str {
                        data: f.as_ptr().cast(),
                        len: f.len(),
                    }
                }
            })
            .collect();
        let before = utklar_episodes_len(set);
        let r = code(utklar_episodes_push_text(
            set,
            fields.as_ptr(),
            fields.len(),
        ));
        let utf8 = row
            .split(|&b| b == b'|')
            .all(|f| std::str::from_utf8(f).is_ok());
        let want = if fields.len() > 14 {
            utklar_result::InvalidArgument
        } else if !utf8 {
            utklar_result::InvalidUtf8
        } else {
            utklar_result::Ok
        };
        assert_eq!(r, want);
        let added = usize::from(r == utklar_result::Ok);
        assert_eq!(utklar_episodes_len(set), before + added);
    }
}

/// An agreement from TOML, checked to read back the same; NULL when it is refused.
fn agreement(toml: &[u8]) -> *mut utklar_agreement {
    let mut a = null_mut();
    if failed(utklar_agreement_from_toml(
        toml.as_ptr().cast(),
        toml.len(),
        &raw mut a,
    )) {
        assert!(a.is_null(), "no output on failure");
        return null_mut();
    }
    let mut n = 0;
    let r = code(utklar_agreement_to_toml(a, null_mut(), 0, &raw mut n));
    if r != utklar_result::BufferTooSmall {
        assert!(failed(r));
        return a;
    }
    let mut buf = vec![0u8; n + 1];
    let mut m = 0;
    let r = code(utklar_agreement_to_toml(
        a,
        buf.as_mut_ptr().cast(),
        buf.len(),
        &raw mut m,
    ));
    assert_eq!(r, utklar_result::Ok);
    let mut b = null_mut();
    let r = code(utklar_agreement_from_toml(
        buf.as_ptr().cast(),
        m,
        &raw mut b,
    ));
    assert_eq!(r, utklar_result::Ok, "{}", last_error());
    utklar_agreement_free(b);
    a
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let csv = parts.next().unwrap_or_default();
    let text = parts.next();
    let toml = parts.next();

    let a = match toml {
        Some(t) => agreement(t),
        None => {
            let mut a = null_mut();
            let name = b"kalmar";
            assert_eq!(
                code(utklar_agreement_preset(
                    name.as_ptr().cast(),
                    name.len(),
                    &raw mut a
                )),
                utklar_result::Ok
            );
            a
        }
    };

    let set = new_set();
    read_csv(set, csv);
    if let Some(text) = text {
        push_text(set, text);
        // The same file again: every id repeats.
        read_csv(set, csv);
    }
    use_set(set, a);
    utklar_episodes_free(set);
    utklar_agreement_free(a);
});
