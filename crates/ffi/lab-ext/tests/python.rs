//! The extension module, imported by real Python threads (`python/*.py`), beside `ctypes` on the
//! same C (`ffi::SHARED_LIB`). No timing anywhere: the proofs are a rendezvous inside C, exact
//! totals, and the errors Python gets. A missing `python3` fails these tests, saying how to
//! install it; it never skips them.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use supervisor::python;

/// Runs `python/<script>` with `args` against this crate's freshly built `lab_ext.so`, and
/// returns the one JSON object it prints.
fn run(script: &str, args: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let done = python::test_script(
        "lab_ext",
        "lab_ext",
        &script,
        &args,
        Duration::from_secs(120),
    );
    serde_json::from_str(done.stdout.trim())
        .unwrap_or_else(|e| panic!("not one JSON object ({e}):\n{}", done.combined()))
}

/// S4, M1 and the extension's two forms: the meeting inside C happens exactly when the
/// interpreter lock is released around the call.
#[test]
fn python_threads_meet_inside_c_only_when_the_call_releases_the_interpreter_lock() {
    let got = run("rendezvous.py", &[ffi::SHARED_LIB]);
    // ANCHOR: four_ways
    assert_eq!(
        got["cdll"],
        json!([1, 1]),
        "ctypes.CDLL threads must meet in C"
    );
    assert_eq!(
        got["pydll"],
        json!([0, 0]),
        "ctypes.PyDLL holds the lock: no meeting"
    );
    assert_eq!(
        got["ext_detached"],
        json!([true, true]),
        "lab_ext.rendezvous_detached runs C inside py.detach: the threads must meet"
    );
    assert_eq!(
        got["ext_held"],
        json!([false, false]),
        "lab_ext.rendezvous holds the lock: no meeting"
    );
    // ANCHOR_END: four_ways
    assert_eq!(
        got["holds_lock"],
        json!([[true, false], [true, false]]),
        "holds_interpreter_lock: true in a plain call, false inside py.detach, on every thread"
    );
}

const PER_THREAD: u64 = 100_000;

#[test]
fn thread_safe_counters_stay_exact_from_python_threads() {
    let got = run("counters.py", &[ffi::SHARED_LIB, &PER_THREAD.to_string()]);
    let expected = 2 * PER_THREAD;
    assert_eq!(got["expected"], json!(expected));
    // ANCHOR: exact
    for way in [
        "cdll_locked",
        "cdll_atomic",
        "ext_locked_held",
        "ext_locked_detached",
        "ext_atomic_held",
        "ext_atomic_detached",
    ] {
        assert_eq!(got[way], json!(expected), "{way} lost or invented updates");
    }
    // ANCHOR_END: exact
    // Shown, never asserted: how many racy updates a machine loses is up to the machine.
    println!(
        "ctypes.CDLL racy counter: {} of {expected} ({} lost)",
        got["cdll_racy"],
        expected.saturating_sub(got["cdll_racy"].as_u64().unwrap_or(expected))
    );
}

#[test]
fn the_extensions_racy_counter_refuses_a_second_thread() {
    let got = run("counters.py", &[ffi::SHARED_LIB, "1"]);
    let racy = &got["ext_racy"];
    assert_eq!(
        racy["owner_count"],
        json!(1),
        "the owner's increment counts"
    );
    // ANCHOR: refused
    let refused = racy["other_thread"][0].as_str().unwrap_or("");
    assert!(
        refused.starts_with("PanicException: ")
            && refused.contains("RacyCounter is unsendable, but sent to another thread"),
        "a second thread's call must be refused before it reaches C: {racy}"
    );
    assert_eq!(
        racy["second_counter"],
        json!("RuntimeError: another RacyCounter exists: use that one")
    );
    // ANCHOR_END: refused
}

#[test]
fn square_array_squares_python_buffers_in_place_and_refuses_what_c_cannot_take() {
    let got = run("arrays.py", &["1000"]);
    for form in ["square_array", "square_array_detached", "square_array_par"] {
        let r = &got[form];
        let say = |what: &str| format!("{form}: {what}: {r}");
        assert_eq!(r["returned"], json!("None"), "{}", say("writes into out"));
        assert_eq!(r["wrong"], json!(0), "{}", say("squares"));
        assert_eq!(r["wrong_in_place"], json!(0), "{}", say("in place"));
        assert_eq!(
            r["empty"],
            Value::Null,
            "{}",
            say("two empty arrays are fine")
        );
        // ANCHOR: buffer_refusals
        let refused = [
            (
                "lengths",
                "ValueError: square_array needs equal lengths, got input of 1000 and output of 1001 elements",
            ),
            (
                "read_only_out",
                "BufferError: the output array is read-only",
            ),
            ("not_contiguous", "BufferError: the array is not contiguous"),
            ("integers", "BufferError"),
            ("overlap", "ValueError: the output overlaps the input"),
        ];
        for (case, message) in refused {
            let text = r[case].as_str().unwrap_or("");
            assert!(text.starts_with(message), "{}", say(case));
        }
        // ANCHOR_END: buffer_refusals
        let numpy = &r["numpy"];
        assert!(
            *numpy == json!(0) || *numpy == json!("numpy not installed"),
            "{}",
            say("numpy")
        );
    }
}

/// M5 and what ctypes cannot check: ctypes converts whatever it is told to, silently; the
/// extension's signatures refuse, before C is called, what C cannot take.
#[test]
fn the_extensions_signatures_refuse_what_ctypes_converts_silently() {
    let got = run("signatures.py", &[ffi::SHARED_LIB]);
    // ANCHOR: ctypes_wrong
    let ctypes = &got["ctypes"];
    assert_ne!(
        ctypes["default_restype_50000"],
        json!(2_500_000_000_i64),
        "ctypes' default restype is a C int: the 64-bit square must come back truncated"
    );
    assert_eq!(
        ctypes["c_int_argument_2_32_plus_3"],
        json!(9),
        "ctypes wraps 2**32 + 3 to the c_int 3, without a word"
    );
    // ANCHOR_END: ctypes_wrong
    // ANCHOR: ext_refused
    let ext = &got["ext"];
    let say = |case: &str| format!("{case}: {ext}");
    let starts = |case: &str, text: &str| ext[case].as_str().is_some_and(|s| s.starts_with(text));
    assert!(
        starts("square_2_32_plus_3", "OverflowError: "),
        "{}",
        say("an int outside a C int")
    );
    assert_eq!(
        ext["square_46341"],
        Value::Null,
        "{}",
        say("M5: None, no UB")
    );
    assert_eq!(ext["add_past_int_max"], Value::Null, "{}", say("add"));
    assert!(starts("square_float", "TypeError: "), "{}", say("a float"));
    assert!(
        starts(
            "square_array_of_lists",
            "TypeError: a bytes-like object is required"
        ),
        "{}",
        say("a list is no buffer")
    );
    // ANCHOR_END: ext_refused
}
