//! The allocator of the `tend` binary, and its settings.
//!
//! mimalloc replaced glibc's allocator (under ingest and chat load glibc's
//! `malloc`/`free` took about a tenth of the server's CPU; see
//! bench/BENCHMARKS.md). By default mimalloc hands memory that was freed
//! back to the system only 1 s later, and only when the thread that freed
//! it allocates again: a server that goes quiet after a burst of work kept
//! some 100 MB it no longer used (issue 26: 273 → 173 MiB of heap after a
//! 10,000-mail ingest with immediate purging). [`return_freed_memory_at_once`]
//! makes the purge immediate.
//!
//! This is the workspace's one crate with `unsafe` code (one call of
//! mimalloc's C API, which has no safe wrapper); the others forbid it.

pub use mimalloc::MiMalloc;
// The library that defines `mi_option_set`.
use libmimalloc_sys as _;

/// `mi_option_purge_delay` in mimalloc.h (v3, the version libmimalloc-sys
/// 0.1.49 builds): milliseconds before freed memory is purged.
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// The environment variable with which mimalloc's own setting still wins.
pub const PURGE_DELAY_ENV: &str = "MIMALLOC_PURGE_DELAY";

#[allow(unsafe_code)]
unsafe extern "C" {
    // mimalloc.h: `void mi_option_set(mi_option_t option, long value);`
    // `mi_option_t` is a C enum (an `int`). Linked from libmimalloc-sys.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// Makes mimalloc give freed memory back to the system at once, unless
/// `MIMALLOC_PURGE_DELAY` is set in the environment (then that applies).
/// Call it first thing in `main`.
pub fn return_freed_memory_at_once() {
    if std::env::var_os(PURGE_DELAY_ENV).is_some() {
        return;
    }
    #[allow(unsafe_code)]
    // SAFETY: mi_option_set takes two integers and only stores the value
    // (options are plain integers read atomically by the allocator); a
    // known option index and any value are valid.
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
}
