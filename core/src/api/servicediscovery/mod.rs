//! AWS Cloud Map (API version 2017-03-14): namespaces, services, instances and discovery.

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
