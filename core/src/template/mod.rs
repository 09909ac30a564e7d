//! Whole CloudFormation (and CDK-synthesized) templates.

pub mod source;
