//! The scaling math: the pure functions behind the service scheduler's, Application Auto
//! Scaling's and cluster auto scaling's decisions (`math`), the Kubernetes HPA's for comparison (`hpa`), and the one call through which the
//! bindings offer them as `ecsim.math` (Python) and `math` (JS) (`call`).

mod call;
pub mod hpa;
pub mod math;

pub use call::{call, FUNCTIONS};
