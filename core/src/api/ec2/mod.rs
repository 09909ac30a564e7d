//! Amazon EC2 (API version 2016-11-15): instance types, subnets, launch templates and instances.

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
