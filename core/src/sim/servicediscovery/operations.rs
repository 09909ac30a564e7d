//! The operations that asynchronous Cloud Map calls return (GetOperation, ListOperations). In
//! ecsim they complete within the call: each is recorded as SUCCESS at the moment it was made.

use super::{random_id, MAX_OPERATIONS};
use crate::api::servicediscovery as api;
use crate::error::EcsimError;
use crate::sim::World;
use std::collections::BTreeMap;

/// Records a finished operation on `targets` (NAMESPACE, SERVICE, INSTANCE → id); returns its id.
pub fn record(
    world: &mut World,
    kind: api::OperationType,
    targets: &[(api::OperationTargetType, &str)],
) -> String {
    let id = format!(
        "{}-{}",
        random_id(&mut world.rng, 32),
        random_id(&mut world.rng, 8)
    );
    let operations = &mut world.servicediscovery.operations;
    if operations.len() == MAX_OPERATIONS {
        operations.pop_front();
    }
    operations.push_back(api::Operation {
        id: Some(id.clone()),
        owner_account: Some(world.config.account_id.clone()),
        r#type: Some(kind),
        status: Some(api::OperationStatus::Success),
        error_message: None,
        error_code: None,
        create_date: Some(world.now),
        update_date: Some(world.now),
        targets: Some(
            targets
                .iter()
                .map(|(target, id)| (target.as_str().to_string(), id.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ),
    });
    id
}

pub fn get_operation(
    world: &mut World,
    request: api::GetOperationRequest,
) -> Result<api::GetOperationResponse, EcsimError> {
    let id = request.operation_id.unwrap_or_default();
    let operation = world
        .servicediscovery
        .operations
        .iter()
        .find(|o| o.id.as_deref() == Some(&id))
        .cloned()
        .ok_or_else(|| api::Error::OperationNotFound.with(format!("Operation {id} not found.")))?;
    Ok(api::GetOperationResponse {
        operation: Some(operation),
    })
}

pub fn list_operations(
    world: &mut World,
    request: api::ListOperationsRequest,
) -> Result<api::ListOperationsResponse, EcsimError> {
    let filters = request.filters.unwrap_or_default();
    let matching: Vec<api::OperationSummary> = world
        .servicediscovery
        .operations
        .iter()
        .filter(|operation| filters.iter().all(|filter| matches(operation, filter)))
        .map(|o| api::OperationSummary {
            id: o.id.clone(),
            status: o.status,
        })
        .collect();
    let (operations, next_token) =
        super::page(matching, request.max_results, request.next_token.as_deref())?;
    Ok(api::ListOperationsResponse {
        operations: Some(operations),
        next_token,
    })
}

fn matches(operation: &api::Operation, filter: &api::OperationFilter) -> bool {
    let values = filter.values.as_deref().unwrap_or_default();
    let target = |kind: api::OperationTargetType| {
        operation
            .targets
            .as_ref()
            .and_then(|t| t.get(kind.as_str()))
            .cloned()
    };
    let value = match filter.name {
        Some(api::OperationFilterName::NamespaceId) => target(api::OperationTargetType::Namespace),
        Some(api::OperationFilterName::ServiceId) => target(api::OperationTargetType::Service),
        Some(api::OperationFilterName::Status) => operation.status.map(|s| s.as_str().to_string()),
        Some(api::OperationFilterName::Type) => operation.r#type.map(|t| t.as_str().to_string()),
        Some(api::OperationFilterName::UpdateDate) => {
            // BETWEEN two epoch-second values, inclusive.
            let at = operation.update_date.unwrap_or_default();
            let bounds: Vec<f64> = values.iter().filter_map(|v| v.parse().ok()).collect();
            return bounds.len() == 2 && bounds[0] <= at && at <= bounds[1];
        }
        None => return true,
    };
    value.is_some_and(|value| values.contains(&value))
}
