//! Clusters and container instances.

pub mod catalog;
