//! What placement reads of a container instance: the cluster's instances are seen through this
//! view, so that `cluster` depends on `placement` and never the other way.

use crate::api::ecs as api;
use crate::query;
use std::sync::Arc;

/// A container instance as placement sees it; the cluster query language's view comes with it.
pub trait Candidate: query::Instance {
    /// ACTIVE (not DRAINING): it takes new tasks.
    fn accepts_tasks(&self) -> bool;
    /// What is left for new tasks.
    fn remaining(&self) -> &Resources;
    /// Whether one more task network interface (awsvpc) can be attached.
    fn has_eni_room(&self) -> bool;
    /// How many tasks of `group` run there, if any.
    fn group_count(&self, group: &str) -> Option<u32>;
    /// The capacity provider it belongs to, if any.
    fn capacity_provider(&self) -> Option<&str>;
}

/// CPU units, MiB of memory, GPU ids and host ports: what an instance registered, or has left.
#[derive(Clone, Debug, PartialEq)]
pub struct Resources {
    pub cpu: i64,
    pub memory: i64,
    pub gpus: Vec<String>,
    /// Host ports in use (the reserved ones included); shared between forks until one of them
    /// places or stops a task with host ports (`Arc::make_mut`).
    pub ports: Arc<Vec<String>>,
    pub udp_ports: Arc<Vec<String>>,
}

impl Resources {
    pub fn to_api(&self) -> Vec<api::Resource> {
        let integer = |name: &str, value: i64| api::Resource {
            name: Some(name.into()),
            r#type: Some("INTEGER".into()),
            integer_value: i32::try_from(value).ok(),
            double_value: Some(0.0),
            long_value: Some(0),
            ..api::Resource::default()
        };
        let set = |name: &str, values: &[String]| api::Resource {
            name: Some(name.into()),
            r#type: Some("STRINGSET".into()),
            string_set_value: Some(values.to_vec()),
            double_value: Some(0.0),
            long_value: Some(0),
            integer_value: Some(0),
        };
        let mut resources = vec![
            integer("CPU", self.cpu),
            integer("MEMORY", self.memory),
            set("PORTS", &self.ports),
            set("PORTS_UDP", &self.udp_ports),
        ];
        if !self.gpus.is_empty() {
            resources.push(set("GPU", &self.gpus));
        }
        resources
    }
}
