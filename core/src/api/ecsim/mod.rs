//! ecsim's own service: what only a simulation has (core/models/ecsim.json).

#[rustfmt::skip]
mod model;
#[rustfmt::skip]
pub mod operations;
#[rustfmt::skip]
pub mod shapes;

pub use model::*;
pub use operations::Error;
