//! The only place raw pointers are turned into references, slices and strings.
//!
//! Every helper checks for NULL and returns a [`CError`] instead of dereferencing it. The rest
//! of the crate is safe code over the references these helpers return. What the helpers cannot
//! check (that a non-NULL pointer points to a live object of the right type, or to `len`
//! readable elements) is the caller's side of the contract written at the top of `utklar.h`.

use std::ffi::c_char;

use crate::error::CError;

/// A UTF-8 string with an explicit length, not necessarily NUL-terminated.
///
/// As an input, `data` points to `len` bytes of UTF-8 that utklar only reads during the call
/// (NULL with `len` 0 is an absent value where the field is optional). As an output, `data`
/// points into the object it came from (or into static storage for names) and stays valid
/// until that object is freed; it is not NUL-terminated, print it with `"%.*s", (int)s.len,
/// s.data`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct utklar_str {
    /// The first byte, or NULL for an absent value.
    pub data: *const c_char,
    /// The number of bytes.
    pub len: usize,
}

impl utklar_str {
    /// A string borrowed from a Rust `str` (static or owned by a live utklar object).
    pub(crate) fn of(s: &str) -> Self {
        utklar_str {
            data: s.as_ptr().cast(),
            len: s.len(),
        }
    }

    /// The empty string (a valid non-NULL pointer, length 0).
    pub(crate) fn empty() -> Self {
        Self::of("")
    }

    /// An absent value: NULL, length 0.
    pub(crate) fn absent() -> Self {
        utklar_str {
            data: std::ptr::null(),
            len: 0,
        }
    }

    /// `Some(s)` borrowed as [`of`](Self::of), `None` [`absent`](Self::absent).
    pub(crate) fn of_opt(s: Option<&str>) -> Self {
        s.map_or_else(Self::absent, Self::of)
    }
}

/// A shared reference to the object behind `p`.
pub(crate) fn arg_ref<'a, T>(p: *const T, name: &'static str) -> Result<&'a T, CError> {
    // SAFETY: NULL is rejected; otherwise the C contract says `p` points to a live object of
    // type `T` created by this library (or, for plain structs, initialised by the caller) and
    // not mutated concurrently during the call.
    unsafe { p.as_ref() }.ok_or(CError::Null(name))
}

/// An exclusive reference to the object behind `p`.
pub(crate) fn arg_mut<'a, T>(p: *mut T, name: &'static str) -> Result<&'a mut T, CError> {
    // SAFETY: NULL is rejected; otherwise the C contract says `p` points to a live object of
    // type `T` created by this library that no other thread uses during the call.
    unsafe { p.as_mut() }.ok_or(CError::Null(name))
}

/// An output slot; checked for NULL before any work is done, written only at the end.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    pub(crate) fn new(p: *mut T, name: &'static str) -> Result<Self, CError> {
        if p.is_null() {
            Err(CError::Null(name))
        } else {
            Ok(Out(p))
        }
    }

    /// Writes the output (without reading or dropping what was there).
    pub(crate) fn write(self, value: T) {
        // SAFETY: the pointer is non-NULL (checked in `new`) and the C contract says it points
        // to writable, suitably aligned storage for a `T`. `write` does not drop the old value,
        // which may be uninitialised.
        unsafe { self.0.write(value) }
    }
}

/// A slice of `len` elements at `p`; NULL is allowed only when `len` is 0.
pub(crate) fn arg_slice<'a, T>(
    p: *const T,
    len: usize,
    name: &'static str,
) -> Result<&'a [T], CError> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(CError::Null(name));
    }
    if len > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(CError::Argument {
            name,
            message: format!("length {len} is too large"),
        });
    }
    // SAFETY: `p` is non-NULL and the C contract says it points to `len` initialised elements
    // that stay unchanged during the call; the size fits in `isize` (checked above).
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// An optional column: NULL means absent.
pub(crate) fn opt_slice<'a, T>(
    p: *const T,
    len: usize,
    name: &'static str,
) -> Result<Option<&'a [T]>, CError> {
    if p.is_null() {
        Ok(None)
    } else {
        arg_slice(p, len, name).map(Some)
    }
}

/// A required UTF-8 string argument.
pub(crate) fn arg_str<'a>(
    p: *const c_char,
    len: usize,
    name: &'static str,
) -> Result<&'a str, CError> {
    if p.is_null() {
        return Err(CError::Null(name));
    }
    let bytes = arg_slice(p.cast::<u8>(), len, name)?;
    std::str::from_utf8(bytes).map_err(|_| CError::Utf8(name))
}

/// An optional UTF-8 string: NULL (any length) or length 0 is absent.
pub(crate) fn opt_str<'a>(s: utklar_str, name: &'static str) -> Result<Option<&'a str>, CError> {
    if s.data.is_null() || s.len == 0 {
        Ok(None)
    } else {
        arg_str(s.data, s.len, name).map(Some)
    }
}

/// Writes `text` and a terminating NUL into the caller's buffer `buf` of `len` bytes and the
/// text's length (without the NUL) into `out_n`.
///
/// When the buffer is too small nothing is written into it, `*out_n` receives the text's
/// length (so `*out_n + 1` bytes are needed) and the call fails with `BufferTooSmall`. `buf` may
/// be NULL when `len` is 0, to ask for the size.
pub(crate) fn write_text(
    text: &str,
    buf: *mut c_char,
    len: usize,
    out_n: *mut usize,
) -> Result<(), CError> {
    let out_n = Out::new(out_n, "out_n")?;
    if len < text.len() + 1 {
        out_n.write(text.len());
        return Err(CError::BufferTooSmall(text.len() + 1));
    }
    if buf.is_null() {
        return Err(CError::Null("buf"));
    }
    // SAFETY: `buf` is non-NULL and the C contract says it points to `len` writable bytes;
    // `len >= text.len() + 1` was checked above, and `text` (Rust-owned) cannot overlap the
    // caller's buffer.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), text.len());
        buf.add(text.len()).write(0);
    }
    out_n.write(text.len());
    Ok(())
}

/// Moves a value to the heap and hands its ownership to C.
pub(crate) fn into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back ownership of an object created by [`into_raw`] and drops it; NULL is a no-op.
pub(crate) fn free<T>(p: *mut T) {
    if !p.is_null() {
        // SAFETY: the C contract says `p` came from `into_raw` for this `T` (a `utklar_*_new`
        // function) and is freed exactly once; it is not used afterwards.
        drop(unsafe { Box::from_raw(p) });
    }
}
