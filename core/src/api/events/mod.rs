//! Amazon EventBridge (API version 2015-10-07): rules and targets for scheduled tasks.

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
