//! Python's arrays, lent to C without a copy: the one module of this crate with `unsafe`.
//!
//! Python's buffer protocol hands out a pointer to an object's memory (`array.array('d')`,
//! `memoryview`, a NumPy `float64` array) and keeps that memory alive and unresized until the
//! buffer is released. [`Doubles`] and [`DoublesMut`] hold such a buffer ([`PyBuffer`]), checked
//! once under the interpreter lock: C-contiguous `f64`s, and writable for an output. Both are
//! `Send + Sync` (as `PyBuffer` is), so [`square_into`] and [`square_into_par`] can run inside
//! `py.detach(..)`, where other Python threads run too.
//!
// ANCHOR: promise
//! **The one promise Rust cannot check.** While a detached call runs, other Python threads run
//! as well, and nothing stops one of them writing to the same arrays: that would be a data race.
//! The buffer protocol has no lock to take. This is the contract every extension that releases
//! the lock around an array makes (NumPy's ufuncs make the same one): *do not write to an array
//! from one thread while another thread's call is using it.* Everything else (lengths, types,
//! layout, read-only outputs, overlap, lifetime) is checked here.
// ANCHOR_END: promise

#![allow(unsafe_code)]

use pyo3::buffer::{Element, PyBuffer, PyUntypedBuffer};
use pyo3::exceptions::{PyBufferError, PyValueError};
use pyo3::prelude::*;
use rayon::prelude::*;

// ANCHOR: doubles
/// An input array: a C-contiguous buffer of `f64` (read-only is fine). `None`: empty.
#[derive(Debug)]
pub struct Doubles(Option<PyBuffer<f64>>);

/// An output array: a C-contiguous, writable buffer of `f64`. `None`: empty.
#[derive(Debug)]
pub struct DoublesMut(Option<PyBuffer<f64>>);
// ANCHOR_END: doubles

impl Doubles {
    /// Borrows `obj`'s memory: refused unless it is a C-contiguous buffer of doubles.
    pub fn new(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        doubles(PyUntypedBuffer::get(obj)?).map(Doubles)
    }

    /// The number of doubles.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |b| b.item_count())
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl DoublesMut {
    /// Borrows `obj`'s memory for writing: refused unless it is a writable, C-contiguous buffer
    /// of doubles.
    pub fn new(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let raw = PyUntypedBuffer::get(obj)?;
        if raw.readonly() {
            return Err(PyBufferError::new_err("the output array is read-only"));
        }
        doubles(raw).map(DoublesMut)
    }

    /// The number of doubles.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |b| b.item_count())
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A buffer of doubles, C-contiguous; `None` when it is empty (its pointer may then be null or
/// unaligned, which PyO3 refuses, and there is nothing to lend).
fn doubles(raw: PyUntypedBuffer) -> PyResult<Option<PyBuffer<f64>>> {
    if raw.item_count() == 0 && f64::is_compatible_format(raw.format()) {
        return Ok(None);
    }
    let buf = raw.into_typed::<f64>()?;
    if !buf.is_c_contiguous() {
        return Err(PyBufferError::new_err(
            "the array is not contiguous: pass it whole, or copy the slice first",
        ));
    }
    Ok(Some(buf))
}

/// Why [`square_into`] refused: checked before C is called, so `out` is untouched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The two arrays have different lengths.
    Lengths(ffi::LengthMismatch),
    /// The output overlaps the input without being the same memory (C would read squares
    /// it has already written).
    Overlap,
}

impl From<Refused> for PyErr {
    fn from(r: Refused) -> PyErr {
        match r {
            Refused::Lengths(m) => PyValueError::new_err(m.to_string()),
            Refused::Overlap => PyValueError::new_err(
                "the output overlaps the input: pass the same array to square in place, or two \
                 separate arrays",
            ),
        }
    }
}

/// The two arrays as Rust sees them.
enum Lent<'a> {
    Apart(&'a [f64], &'a mut [f64]),
    Same(&'a mut [f64]),
}

/// Checks lengths and overlap, then lends the memory as slices for one call.
fn lend<'a>(input: &'a Doubles, out: &'a DoublesMut) -> Result<Lent<'a>, Refused> {
    let (n, m) = (input.len(), out.len());
    if n != m {
        return Err(Refused::Lengths(ffi::LengthMismatch {
            input: n,
            output: m,
        }));
    }
    let (Some(input), Some(out)) = (&input.0, &out.0) else {
        return Ok(Lent::Apart(&[], &mut [])); // both empty: nothing to lend
    };
    let (ip, op) = (input.buf_ptr().cast::<f64>(), out.buf_ptr().cast::<f64>());
    let (i, o) = (ip.addr(), op.addr());
    if i == o {
        // SAFETY: `out` is a writable, C-contiguous buffer of `m == n > 0` f64s (checked in
        // `DoublesMut::new`; `PyBuffer<f64>` checked the item type and alignment, so the
        // pointer is aligned and non-null), kept alive and unresized by its export for as long
        // as `out` lives, which outlives 'a. It is the same memory as `input`, so one slice is made of it, not two.
        // That no other Python thread touches it during the call is the caller's promise
        // (module docs).
        let data = unsafe { std::slice::from_raw_parts_mut(op, n) };
        return Ok(Lent::Same(data));
    }
    let bytes = n * size_of::<f64>();
    if i < o + bytes && o < i + bytes {
        return Err(Refused::Overlap);
    }
    // SAFETY: `input` is a C-contiguous buffer of n f64s, checked and kept alive as `out` is
    // above; the two regions were just shown not to overlap, so this shared slice never aliases
    // the exclusive one below.
    let input = unsafe { std::slice::from_raw_parts(ip.cast_const(), n) };
    // SAFETY: as for `Lent::Same` above, and disjoint from `input`.
    let out = unsafe { std::slice::from_raw_parts_mut(op, n) };
    Ok(Lent::Apart(input, out))
}

// ANCHOR: square_into
/// `out[i] = input[i]²`, in one C call over the whole array. Needs no Python: call it inside
/// `py.detach(..)` and other Python threads run meanwhile.
pub fn square_into(input: &Doubles, out: &DoublesMut) -> Result<(), Refused> {
    match lend(input, out)? {
        Lent::Apart(i, o) => ffi::square_array(i, o).map_err(Refused::Lengths),
        Lent::Same(data) => {
            ffi::square_in_place(data);
            Ok(())
        }
    }
}
// ANCHOR_END: square_into

/// [`square_into`] on rayon's pool: the array in chunks, one C call each, on every core,
/// split as the benchmark's Rust rows split it (`ffi::stores::chunk_len`, so large chunks keep
/// the kernel's streaming stores). The chunks are disjoint `&mut` slices: the calls cannot race.
pub fn square_into_par(input: &Doubles, out: &DoublesMut) -> Result<(), Refused> {
    let chunk = ffi::stores::chunk_len(input.len(), rayon::current_num_threads());
    match lend(input, out)? {
        Lent::Apart(i, o) => {
            o.par_chunks_mut(chunk)
                .zip(i.par_chunks(chunk))
                .for_each(|(o, i)| ffi::square_array(i, o).expect("chunks of equal lengths"));
        }
        Lent::Same(data) => data.par_chunks_mut(chunk).for_each(ffi::square_in_place),
    }
    Ok(())
}
