//! Where each task goes, and why: resources → constraints → strategies → pick, as ECS documents
//! it (reference/placement.md), with every instance's verdict kept for the explanation.

pub mod engine;
pub mod index;
pub mod requirement;
mod ties;

pub use engine::{place, Constraint, Placement, Rejection, Request, Strategy};
pub use index::Placer;
pub use requirement::Requirement;
