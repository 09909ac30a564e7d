//! The panic guard every binding puts around its calls into the core, so that a defect
//! surfaces as an `InternalError` instead of unwinding across an FFI boundary (which would
//! abort the Python or Node process). On wasm32 panics abort and cannot be caught; there the
//! JS side sees a `RuntimeError` from the trap.

use crate::error::{EcsimError, ErrorCode};
use std::panic::{catch_unwind, AssertUnwindSafe};

pub fn guarded<T>(call: impl FnOnce() -> Result<T, EcsimError>) -> Result<T, EcsimError> {
    catch_unwind(AssertUnwindSafe(call)).unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(EcsimError::new(
            ErrorCode::InternalError,
            format!("ecsim internal error (please report it): {detail}"),
        ))
    })
}

/// Panics on purpose. The bindings expose it (as `_panic_probe`) so that their tests can prove
/// the guard holds; nothing else calls it.
#[allow(clippy::panic)]
pub fn panic_probe() -> Result<(), EcsimError> {
    panic!("deliberate panic from ecsim's panic probe")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let result = guarded(panic_probe);
        std::panic::set_hook(previous);
        let error = result.unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError);
        assert!(error.message.contains("deliberate panic"));
    }
}
