//! CloudWatch (API version 2010-08-01): metrics, their statistics and metric alarms.

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
