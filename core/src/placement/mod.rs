//! Where each task goes, and why: resources → constraints → strategies → pick, as ECS documents
//! it (reference/placement.md), with every instance's verdict kept for the explanation.

pub mod engine;
pub mod requirement;

pub use engine::{place, Constraint, Placement, Rejection, Request, Strategy};
pub use requirement::Requirement;
