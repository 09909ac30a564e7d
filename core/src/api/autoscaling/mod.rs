//! Amazon EC2 Auto Scaling (API version 2011-01-01): groups, their instances and activities.

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
