from typing import Any, Literal

from typing_extensions import Unpack

from ._config import SimulationConfig
from ._types import LocatedDiagnostic, TemplateReport

class EcsimError(Exception):
    code: str
    message: str
    diagnostics: list[Diagnostic]

# BEGIN GENERATED errors (tools/gen_api.py)
class ALPNPolicyNotSupportedException(EcsimError):
    """The specified ALPN policy is not supported."""
class AccessDeniedException(EcsimError):
    """You don't have authorization to perform the requested action."""
class ActiveInstanceRefreshNotFoundFault(EcsimError):
    """The request failed because an active instance refresh or rollback for the specified Auto Scaling group was not found."""
class AllocationIdNotFoundException(EcsimError):
    """The specified allocation ID does not exist."""
class AlreadyExistsFault(EcsimError):
    """You already have an Auto Scaling group or launch configuration with this name."""
class AttributeLimitExceededException(EcsimError):
    """You can apply up to 10 custom attributes for each resource."""
class AvailabilityZoneNotSupportedException(EcsimError):
    """The specified Availability Zone is not supported."""
class BlockedException(EcsimError):
    """Your Amazon Web Services account was blocked."""
class CaCertificatesBundleNotFoundException(EcsimError):
    """The specified ca certificate bundle does not exist."""
class CapacityDecreaseRequestsLimitExceededException(EcsimError):
    """You've exceeded the daily capacity decrease limit for this reservation."""
class CapacityReservationPendingException(EcsimError):
    """There is a pending capacity reservation."""
class CapacityUnitsLimitExceededException(EcsimError):
    """You've exceeded the capacity units limit."""
class CertificateNotFoundException(EcsimError):
    """The specified certificate does not exist."""
class ClientException(EcsimError):
    """These errors are usually caused by a client action."""
class ClusterContainsCapacityProviderException(EcsimError):
    """The cluster contains one or more capacity providers that prevent the requested operation."""
class ClusterContainsContainerInstancesException(EcsimError):
    """You can't delete a cluster that has registered container instances."""
class ClusterContainsServicesException(EcsimError):
    """You can't delete a cluster that contains services."""
class ClusterContainsTasksException(EcsimError):
    """You can't delete a cluster that has active tasks."""
class ClusterNotFoundException(EcsimError):
    """The specified cluster wasn't found."""
class ConcurrentModificationException(EcsimError):
    """There is concurrent modification on a rule, target, archive, or replay."""
class ConcurrentUpdateException(EcsimError):
    """Concurrent updates caused an exception, for example, if you request an update to an Application Auto Scaling resource that already has a pending update."""
class ConflictException(EcsimError):
    """The request could not be processed because of conflict in the current state of the resource."""
class CustomHealthNotFound(EcsimError):
    """The health check for the instance that's specified by `ServiceId` and `InstanceId` isn't a custom health check."""
class DaemonNotActiveException(EcsimError):
    """The specified daemon isn't active."""
class DaemonNotFoundException(EcsimError):
    """The specified daemon wasn't found."""
class DashboardInvalidInputError(EcsimError):
    """Some part of the dashboard data is invalid."""
class DashboardNotFoundError(EcsimError):
    """The specified dashboard does not exist."""
class DeleteAssociationSameAccountException(EcsimError):
    """The specified association can't be within the same account."""
class DuplicateListenerException(EcsimError):
    """A listener with the specified port already exists."""
class DuplicateLoadBalancerNameException(EcsimError):
    """A load balancer with the specified name already exists."""
class DuplicateRequest(EcsimError):
    """The operation is already in progress."""
class DuplicateTagKeysException(EcsimError):
    """A tag key was specified more than once."""
class DuplicateTargetGroupNameException(EcsimError):
    """A target group with the specified name already exists."""
class DuplicateTrustStoreNameException(EcsimError):
    """A trust store with the specified name already exists."""
class FailedResourceAccessException(EcsimError):
    """Failed access to resources caused an exception."""
class GatewayNotFoundException(EcsimError):
    """The specified gateway wasn't found."""
class HealthUnavailableException(EcsimError):
    """The health of the specified targets could not be retrieved due to an internal error."""
class IdempotentCallInProgressFault(EcsimError):
    """The service is currently processing another request with the same client token."""
class IdempotentParameterMismatchError(EcsimError):
    """Indicates that the parameters in the current request do not match the parameters from a previous request with the same client token within the idempotency window."""
class IllegalStatusException(EcsimError):
    """An error occurred because a replay can be canceled only when the state is Running or Starting."""
class IncompatibleProtocolsException(EcsimError):
    """The specified configuration is not valid with this protocol."""
class InstanceNotFound(EcsimError):
    """No instance exists with the specified ID, or the instance was recently registered, and information about the instance hasn't propagated yet."""
class InstanceRefreshInProgressFault(EcsimError):
    """The request failed because an active instance refresh already exists for the specified Auto Scaling group."""
class InsufficientCapacityException(EcsimError):
    """There is insufficient capacity to reserve."""
class InternalException(EcsimError):
    """This exception occurs due to unexpected causes."""
class InternalServiceException(EcsimError):
    """The service encountered an internal error."""
class InternalServiceFault(EcsimError):
    """Request processing has failed due to some unknown error, exception, or failure."""
class InvalidCaCertificatesBundleException(EcsimError):
    """The specified ca certificate bundle is in an invalid format, or corrupt."""
class InvalidConfigurationRequestException(EcsimError):
    """The requested configuration is not valid."""
class InvalidEventPatternException(EcsimError):
    """The event pattern is not valid."""
class InvalidFormatFault(EcsimError):
    """Data was not syntactically valid JSON."""
class InvalidInput(EcsimError):
    """One or more specified values aren't valid."""
class InvalidInstanceIDMalformed(EcsimError):
    """The instance id is not of the form i-... (EC2)."""
class InvalidInstanceIDNotFound(EcsimError):
    """The instance does not exist (EC2)."""
class InvalidInstanceType(EcsimError):
    """The instance type is not one EC2 offers (EC2)."""
class InvalidLaunchTemplateIdNotFound(EcsimError):
    """No launch template has that id (EC2)."""
class InvalidLaunchTemplateIdVersionNotFound(EcsimError):
    """The launch template has no such version (EC2)."""
class InvalidLaunchTemplateNameAlreadyExistsException(EcsimError):
    """A launch template of that name exists (EC2)."""
class InvalidLaunchTemplateNameNotFoundException(EcsimError):
    """No launch template has that name (EC2)."""
class InvalidLoadBalancerActionException(EcsimError):
    """The requested action is not valid."""
class InvalidNextToken(EcsimError):
    """The next token specified is invalid."""
class InvalidNextTokenException(EcsimError):
    """The next token supplied was invalid."""
class InvalidParameterCombination(EcsimError):
    """Parameters that cannot be used together (EC2)."""
class InvalidParameterCombinationException(EcsimError):
    """Parameters were used together that cannot be used together."""
class InvalidParameterException(EcsimError):
    """The specified parameter isn't valid."""
class InvalidParameterValue(EcsimError):
    """A value in the request is invalid (EC2)."""
class InvalidParameterValueException(EcsimError):
    """The value of an input parameter is bad or out-of-range."""
class InvalidRevocationContentException(EcsimError):
    """The provided revocation file is an invalid format, or uses an incorrect algorithm."""
class InvalidSchemeException(EcsimError):
    """The requested scheme is not valid."""
class InvalidSecurityGroupException(EcsimError):
    """The specified security group does not exist."""
class InvalidStateException(EcsimError):
    """The specified state is not a valid state for an event source."""
class InvalidSubnetException(EcsimError):
    """The specified subnet is out of available addresses."""
class InvalidSubnetIDNotFound(EcsimError):
    """The subnet does not exist (EC2)."""
class InvalidTargetException(EcsimError):
    """The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type."""
class IrreversibleInstanceRefreshFault(EcsimError):
    """The request failed because a desired configuration was not found or an incompatible launch template (uses a Systems Manager parameter instead of an AMI ID) or launch template version (`$Latest` or `$Default`) is present on the Auto Scaling group."""
class KmsAccessDeniedException(EcsimError):
    """The operation was denied because either the calling principal lacks the required Amazon Web Services Key Management Service (Amazon Web Services KMS) permission on the key, or the key policy does not grant Amazon CloudWatch the permissions it needs to use the key."""
class KmsKeyDisabledException(EcsimError):
    """The specified Amazon Web Services Key Management Service (Amazon Web Services KMS) key is disabled or pending deletion."""
class KmsKeyNotFoundException(EcsimError):
    """The specified Amazon Web Services Key Management Service (Amazon Web Services KMS) key could not be found."""
class LimitExceededException(EcsimError):
    """The limit for the resource was exceeded."""
class LimitExceededFault(EcsimError):
    """The quota for alarms for this customer has already been reached."""
class ListenerNotFoundException(EcsimError):
    """The specified listener does not exist."""
class LoadBalancerNotFoundException(EcsimError):
    """The specified load balancer does not exist."""
class ManagedRuleException(EcsimError):
    """This rule was created by an Amazon Web Services service on behalf of your account."""
class MissingParameter(EcsimError):
    """The request omits a parameter the action needs (EC2)."""
class MissingRequiredParameterException(EcsimError):
    """An input parameter that is required is missing."""
class MissingVersionException(EcsimError):
    """Amazon ECS can't determine the current version of the Amazon ECS container agent on the container instance and doesn't have enough information to proceed with an update."""
class NamespaceAlreadyExists(EcsimError):
    """The namespace that you're trying to create already exists."""
class NamespaceNotFound(EcsimError):
    """No namespace exists with the specified ID."""
class NamespaceNotFoundException(EcsimError):
    """The specified namespace wasn't found."""
class NoUpdateAvailableException(EcsimError):
    """There's no update available for this Amazon ECS container agent."""
class ObjectNotFoundException(EcsimError):
    """The specified object could not be found."""
class OperationDisabledException(EcsimError):
    """The operation you are attempting is not available in this region."""
class OperationNotFound(EcsimError):
    """No operation exists with the specified ID."""
class OperationNotPermittedException(EcsimError):
    """This operation is not allowed."""
class PlatformTaskDefinitionIncompatibilityException(EcsimError):
    """The specified platform version doesn't satisfy the required capabilities of the task definition."""
class PlatformUnknownException(EcsimError):
    """The specified platform version doesn't exist."""
class PolicyLengthExceededException(EcsimError):
    """The event bus policy is too long."""
class PriorRequestNotCompleteException(EcsimError):
    """This operation is not allowed while a prior request has not been completed."""
class PriorityInUseException(EcsimError):
    """The specified priority is in use."""
class RequestLimitExceeded(EcsimError):
    """The operation can't be completed because you've reached the quota for the number of requests."""
class ResourceAlreadyExistsException(EcsimError):
    """The resource you are trying to create already exists."""
class ResourceConflict(EcsimError):
    """The operation could not be completed because the request conflicts with the current state of the alarm or its underlying scheduled query resource."""
class ResourceContentionFault(EcsimError):
    """You already have a pending update to an Amazon EC2 Auto Scaling resource (for example, an Auto Scaling group, instance, or load balancer)."""
class ResourceInUse(EcsimError):
    """The specified resource can't be deleted because it contains other resources."""
class ResourceInUseException(EcsimError):
    """The specified resource is in-use and can't be removed."""
class ResourceInUseFault(EcsimError):
    """The operation can't be performed because the resource is in use."""
class ResourceLimitExceeded(EcsimError):
    """The resource can't be created because you've reached the quota on the number of resources."""
class ResourceNotFound(EcsimError):
    """The named resource does not exist."""
class ResourceNotFoundException(EcsimError):
    """The specified resource wasn't found."""
class RevocationContentNotFoundException(EcsimError):
    """The specified revocation file does not exist."""
class RevocationIdNotFoundException(EcsimError):
    """The specified revocation ID does not exist."""
class RuleNotFoundException(EcsimError):
    """The specified rule does not exist."""
class SSLPolicyNotFoundException(EcsimError):
    """The specified SSL policy does not exist."""
class ScalingActivityInProgressFault(EcsimError):
    """The operation can't be performed because there are scaling activities in progress."""
class ServerException(EcsimError):
    """These errors are usually caused by a server issue."""
class ServiceAlreadyExists(EcsimError):
    """The service can't be created because a service with the same name already exists."""
class ServiceAttributesLimitExceededException(EcsimError):
    """The attribute can't be added to the service because you've exceeded the quota for the number of attributes you can add to a service."""
class ServiceDeploymentNotFoundException(EcsimError):
    """The service deploy ARN that you specified in the `ContinueServiceDeployment` doesn't exist."""
class ServiceLinkedRoleFailure(EcsimError):
    """The service-linked role is not yet ready for use."""
class ServiceNotActiveException(EcsimError):
    """The specified service isn't active."""
class ServiceNotFound(EcsimError):
    """No service exists with the specified ID."""
class ServiceNotFoundException(EcsimError):
    """The specified service wasn't found."""
class SubnetNotFoundException(EcsimError):
    """The specified subnet does not exist."""
class TargetGroupAssociationLimitException(EcsimError):
    """You've reached the limit on the number of load balancers per target group."""
class TargetGroupNotFoundException(EcsimError):
    """The specified target group does not exist."""
class TargetNotConnectedException(EcsimError):
    """The execute command cannot run."""
class TargetNotFoundException(EcsimError):
    """The specified target wasn't found."""
class TaskSetNotFoundException(EcsimError):
    """The specified task set wasn't found."""
class ThrottlingException(EcsimError):
    """This request cannot be completed due to throttling issues."""
class TooManyActionsException(EcsimError):
    """You've reached the limit on the number of actions per rule."""
class TooManyCertificatesException(EcsimError):
    """You've reached the limit on the number of certificates per load balancer."""
class TooManyListenersException(EcsimError):
    """You've reached the limit on the number of listeners per load balancer."""
class TooManyLoadBalancersException(EcsimError):
    """You've reached the limit on the number of load balancers for your Amazon Web Services account."""
class TooManyRegistrationsForTargetIdException(EcsimError):
    """You've reached the limit on the number of times a target can be registered with a load balancer."""
class TooManyRulesException(EcsimError):
    """You've reached the limit on the number of rules per load balancer."""
class TooManyTagsException(EcsimError):
    """You've reached the limit on the number of tags for this resource."""
class TooManyTargetGroupsException(EcsimError):
    """You've reached the limit on the number of target groups for your Amazon Web Services account."""
class TooManyTargetsException(EcsimError):
    """You've reached the limit on the number of targets."""
class TooManyTrustStoreRevocationEntriesException(EcsimError):
    """The specified trust store has too many revocation entries."""
class TooManyTrustStoresException(EcsimError):
    """You've reached the limit on the number of trust stores for your Amazon Web Services account."""
class TooManyUniqueTargetGroupsPerLoadBalancerException(EcsimError):
    """You've reached the limit on the number of unique target groups per load balancer across all listeners."""
class TrustStoreAssociationNotFoundException(EcsimError):
    """The specified association does not exist."""
class TrustStoreInUseException(EcsimError):
    """The specified trust store is currently in use."""
class TrustStoreNotFoundException(EcsimError):
    """The specified trust store does not exist."""
class TrustStoreNotReadyException(EcsimError):
    """The specified trust store is not active."""
class UnsupportedFeatureException(EcsimError):
    """The specified task isn't supported in this Region."""
class UnsupportedProtocolException(EcsimError):
    """The specified protocol is not supported."""
class UpdateInProgressException(EcsimError):
    """There's already a current Amazon ECS container agent update in progress on the container instance that's specified."""
class ValidationError(EcsimError):
    """A malformed or out-of-range input (the query protocol's error)."""
class ValidationException(EcsimError):
    """A malformed or out-of-range input (the JSON protocol's error)."""
class UnknownOperationException(EcsimError):
    """An action the service does not have (as AWS's JSON protocol reports it)."""
class UnknownServiceError(EcsimError):
    """A client name the simulation does not know (as botocore names it)."""
class InternalError(EcsimError):
    """An ecsim defect: a panic caught at the boundary. Please report it."""
# END GENERATED errors

class Diagnostic:
    def __init__(self, code: str, severity: str, path: str, message: str, help: str | None = None, fix: dict[str, Any] | None = None) -> None: ...
    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> Literal["error", "warning", "security"]: ...
    @property
    def path(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def help(self) -> str | None: ...
    @property
    def fix(self) -> dict[str, Any] | None: ...
    def to_dict(self) -> dict[str, Any]: ...

def validate_task_definition(
    task_definition: dict[str, Any],
    *,
    warnings: bool = True,
    security: bool = False,
    ignore: list[str] | tuple[str, ...] = (),
    shape: Literal["auto", "api", "cloudformation"] = "auto",
) -> list[Diagnostic]: ...
def validate_task_definition_text(
    text: str,
    *,
    warnings: bool = True,
    security: bool = False,
    ignore: list[str] | tuple[str, ...] = (),
    shape: Literal["auto", "api", "cloudformation"] = "auto",
) -> list[LocatedDiagnostic]: ...
def validate_template(
    template: str | dict[str, Any],
    *,
    warnings: bool = True,
    security: bool = False,
    ignore: list[str] | tuple[str, ...] = (),
    simulate: bool = False,
    simulate_seconds: float = 900.0,
) -> TemplateReport: ...
def format_report(report: TemplateReport, format: Literal["text", "json", "sarif"] = "text", filename: str = "template") -> str: ...
def _panic_probe() -> None: ...
def services() -> list[dict[str, Any]]: ...
def operation_input(service: str, action: str) -> dict[str, Any]: ...
def instance_types() -> list[dict[str, Any]]: ...
def rules() -> list[dict[str, str]]: ...
def math(function: str, input: dict[str, Any]) -> Any: ...


class Simulation:
    def __init__(self, **config: Unpack[SimulationConfig]) -> None: ...
    @property
    def seed(self) -> int: ...
    @property
    def now(self) -> float: ...
    def advance(self, seconds: float) -> None: ...
    def run_until(self, time: float) -> None: ...
    def snapshot(self) -> dict[str, Any]: ...
    def fork(self) -> Simulation: ...
    @staticmethod
    def restore(snapshot: dict[str, Any]) -> Simulation: ...
    @staticmethod
    def from_scenario(scenario: dict[str, Any]) -> tuple[Simulation, list[dict[str, Any]]]: ...
    @staticmethod
    def check_service(service: str) -> None: ...
    def call(self, service: str, action: str, input: dict[str, Any]) -> dict[str, Any]: ...
    def serve_dns(self, port: int = 0) -> DnsServer: ...

class DnsServer:
    @property
    def port(self) -> int: ...
    def stop(self) -> None: ...
    def __enter__(self) -> DnsServer: ...
    def __exit__(self, *exc: object) -> None: ...
