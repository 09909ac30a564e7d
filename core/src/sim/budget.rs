//! A time budget for a clock move, for bindings whose host must not be blocked for long (a
//! JavaScript event loop). The core never reads the wall clock: the binding gives its own.

/// How many moments run between two looks at the wall clock.
const LOOK_EVERY: u32 = 64;

/// A `keep_going` for `run_until_while` that says no once `budget_ms` have passed on `now_ms`
/// (milliseconds on any monotonic clock the binding has).
pub fn within_budget(budget_ms: f64, now_ms: impl Fn() -> f64) -> impl FnMut() -> bool {
    let started = now_ms();
    let mut moments = 0u32;
    move || {
        moments = moments.wrapping_add(1);
        moments % LOOK_EVERY != 0 || now_ms() - started < budget_ms
    }
}
