//! Application Auto Scaling (API version 2016-02-06): scalable targets and scheduled actions.

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
