//! Where each task goes, and why: resources → constraints → strategies → pick, as ECS documents
//! it (AWS's placement docs; docs/conventions.md where they are silent), with every instance's verdict kept for the explanation.

pub mod cache;
mod candidate;
pub mod engine;
pub mod index;
pub mod requirement;
mod ties;

pub use candidate::{Candidate, Resources};
pub use engine::{place, Constraint, Placement, Rejection, Request, Strategy};
pub use index::Placer;
pub use requirement::Requirement;
