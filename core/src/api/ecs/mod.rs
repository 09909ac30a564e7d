//! Amazon ECS (API version 2014-11-13).

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
