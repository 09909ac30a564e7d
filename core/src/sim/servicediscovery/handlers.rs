//! One function per Cloud Map action, as the registry calls them.

pub use super::discover::{discover_instances, discover_instances_revision};
pub use super::instances::{
    deregister_instance, get_instance, get_instances_health_status, list_instances,
    register_instance, update_instance_custom_health_status,
};
pub use super::namespaces::{
    create_http_namespace, create_private_dns_namespace, create_public_dns_namespace,
    delete_namespace, get_namespace, list_namespaces, update_http_namespace,
    update_private_dns_namespace, update_public_dns_namespace,
};
pub use super::operations::{get_operation, list_operations};
pub use super::services::{
    create_service, delete_service, get_service, list_services, update_service,
};
pub use super::tags::{list_tags_for_resource, tag_resource, untag_resource};
