//! Elastic Load Balancing v2 (API version 2015-12-01): target groups.

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
