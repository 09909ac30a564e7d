import type { Api, ErrorClasses, ErrorName, ServiceName, SimulationConfig } from './api.js';

export type {
  Diagnostic,
  ValidationOptions,
  SimulationConfig,
  ServiceName,
  ErrorName,
  Client,
  JsonObject,
  LocatedDiagnostic,
  ResourceReport,
  TemplateReport,
  ReportFormat,
  ClockOptions,
  DnsServer,
  ScalingMath,
  StepAdjustment,
  InstanceTypeInfo,
  RuleInfo,
  Scenario,
} from './api.js';
export { EcsimError, Simulation } from './api.js';
export type * from './types/index.js';

export declare const validateTaskDefinition: Api['validateTaskDefinition'];
export declare const validateTaskDefinitionText: Api['validateTaskDefinitionText'];
export declare const validateTemplate: Api['validateTemplate'];
export declare const formatReport: Api['formatReport'];
export declare const rules: Api['rules'];
export declare const instanceTypes: Api['instanceTypes'];
export declare const math: Api['math'];
export declare const errors: ErrorClasses;
export declare const _panicProbe: Api['_panicProbe'];
export declare const SERVICES: Record<ServiceName, { operations: string[]; errors: ErrorName[] }>;
export declare const ERROR_NAMES: ErrorName[];
export declare const CONFIG_MEMBERS: (keyof SimulationConfig)[];
/** The engine in use: the napi addon, or the WASM build where the addon cannot load (ECSIM_BACKEND forces one). */
export declare const backend: 'native' | 'wasm';
/** Why the native addon did not load, when `backend` is 'wasm' by fallback. */
export declare const fallbackReason: unknown;
type ErrorClass = ErrorClasses['EcsimError'];
// BEGIN GENERATED errors (tools/gen_api.py)
/** The specified ALPN policy is not supported. */
export declare const ALPNPolicyNotSupportedException: ErrorClass;
/** You don't have authorization to perform the requested action. */
export declare const AccessDeniedException: ErrorClass;
/** The request failed because an active instance refresh or rollback for the specified Auto Scaling group was not found. */
export declare const ActiveInstanceRefreshNotFoundFault: ErrorClass;
/** The specified allocation ID does not exist. */
export declare const AllocationIdNotFoundException: ErrorClass;
/** You already have an Auto Scaling group or launch configuration with this name. */
export declare const AlreadyExistsFault: ErrorClass;
/** You can apply up to 10 custom attributes for each resource. */
export declare const AttributeLimitExceededException: ErrorClass;
/** The specified Availability Zone is not supported. */
export declare const AvailabilityZoneNotSupportedException: ErrorClass;
/** Your Amazon Web Services account was blocked. */
export declare const BlockedException: ErrorClass;
/** The specified ca certificate bundle does not exist. */
export declare const CaCertificatesBundleNotFoundException: ErrorClass;
/** You've exceeded the daily capacity decrease limit for this reservation. */
export declare const CapacityDecreaseRequestsLimitExceededException: ErrorClass;
/** There is a pending capacity reservation. */
export declare const CapacityReservationPendingException: ErrorClass;
/** You've exceeded the capacity units limit. */
export declare const CapacityUnitsLimitExceededException: ErrorClass;
/** The specified certificate does not exist. */
export declare const CertificateNotFoundException: ErrorClass;
/** These errors are usually caused by a client action. */
export declare const ClientException: ErrorClass;
/** The cluster contains one or more capacity providers that prevent the requested operation. */
export declare const ClusterContainsCapacityProviderException: ErrorClass;
/** You can't delete a cluster that has registered container instances. */
export declare const ClusterContainsContainerInstancesException: ErrorClass;
/** You can't delete a cluster that contains services. */
export declare const ClusterContainsServicesException: ErrorClass;
/** You can't delete a cluster that has active tasks. */
export declare const ClusterContainsTasksException: ErrorClass;
/** The specified cluster wasn't found. */
export declare const ClusterNotFoundException: ErrorClass;
/** There is concurrent modification on a rule, target, archive, or replay. */
export declare const ConcurrentModificationException: ErrorClass;
/** Concurrent updates caused an exception, for example, if you request an update to an Application Auto Scaling resource that already has a pending update. */
export declare const ConcurrentUpdateException: ErrorClass;
/** The request could not be processed because of conflict in the current state of the resource. */
export declare const ConflictException: ErrorClass;
/** The health check for the instance that's specified by `ServiceId` and `InstanceId` isn't a custom health check. */
export declare const CustomHealthNotFound: ErrorClass;
/** The specified daemon isn't active. */
export declare const DaemonNotActiveException: ErrorClass;
/** The specified daemon wasn't found. */
export declare const DaemonNotFoundException: ErrorClass;
/** Some part of the dashboard data is invalid. */
export declare const DashboardInvalidInputError: ErrorClass;
/** The specified dashboard does not exist. */
export declare const DashboardNotFoundError: ErrorClass;
/** The specified association can't be within the same account. */
export declare const DeleteAssociationSameAccountException: ErrorClass;
/** A listener with the specified port already exists. */
export declare const DuplicateListenerException: ErrorClass;
/** A load balancer with the specified name already exists. */
export declare const DuplicateLoadBalancerNameException: ErrorClass;
/** The operation is already in progress. */
export declare const DuplicateRequest: ErrorClass;
/** A tag key was specified more than once. */
export declare const DuplicateTagKeysException: ErrorClass;
/** A target group with the specified name already exists. */
export declare const DuplicateTargetGroupNameException: ErrorClass;
/** A trust store with the specified name already exists. */
export declare const DuplicateTrustStoreNameException: ErrorClass;
/** Failed access to resources caused an exception. */
export declare const FailedResourceAccessException: ErrorClass;
/** The specified gateway wasn't found. */
export declare const GatewayNotFoundException: ErrorClass;
/** The health of the specified targets could not be retrieved due to an internal error. */
export declare const HealthUnavailableException: ErrorClass;
/** The service is currently processing another request with the same client token. */
export declare const IdempotentCallInProgressFault: ErrorClass;
/** Indicates that the parameters in the current request do not match the parameters from a previous request with the same client token within the idempotency window. */
export declare const IdempotentParameterMismatchError: ErrorClass;
/** An error occurred because a replay can be canceled only when the state is Running or Starting. */
export declare const IllegalStatusException: ErrorClass;
/** The specified configuration is not valid with this protocol. */
export declare const IncompatibleProtocolsException: ErrorClass;
/** No instance exists with the specified ID, or the instance was recently registered, and information about the instance hasn't propagated yet. */
export declare const InstanceNotFound: ErrorClass;
/** The request failed because an active instance refresh already exists for the specified Auto Scaling group. */
export declare const InstanceRefreshInProgressFault: ErrorClass;
/** There is insufficient capacity to reserve. */
export declare const InsufficientCapacityException: ErrorClass;
/** This exception occurs due to unexpected causes. */
export declare const InternalException: ErrorClass;
/** The service encountered an internal error. */
export declare const InternalServiceException: ErrorClass;
/** Request processing has failed due to some unknown error, exception, or failure. */
export declare const InternalServiceFault: ErrorClass;
/** The specified ca certificate bundle is in an invalid format, or corrupt. */
export declare const InvalidCaCertificatesBundleException: ErrorClass;
/** The requested configuration is not valid. */
export declare const InvalidConfigurationRequestException: ErrorClass;
/** The event pattern is not valid. */
export declare const InvalidEventPatternException: ErrorClass;
/** Data was not syntactically valid JSON. */
export declare const InvalidFormatFault: ErrorClass;
/** One or more specified values aren't valid. */
export declare const InvalidInput: ErrorClass;
/** The instance id is not of the form i-... (EC2). */
export declare const InvalidInstanceIDMalformed: ErrorClass;
/** The instance does not exist (EC2). */
export declare const InvalidInstanceIDNotFound: ErrorClass;
/** The instance type is not one EC2 offers (EC2). */
export declare const InvalidInstanceType: ErrorClass;
/** No launch template has that id (EC2). */
export declare const InvalidLaunchTemplateIdNotFound: ErrorClass;
/** The launch template has no such version (EC2). */
export declare const InvalidLaunchTemplateIdVersionNotFound: ErrorClass;
/** A launch template of that name exists (EC2). */
export declare const InvalidLaunchTemplateNameAlreadyExistsException: ErrorClass;
/** No launch template has that name (EC2). */
export declare const InvalidLaunchTemplateNameNotFoundException: ErrorClass;
/** The requested action is not valid. */
export declare const InvalidLoadBalancerActionException: ErrorClass;
/** The next token specified is invalid. */
export declare const InvalidNextToken: ErrorClass;
/** The next token supplied was invalid. */
export declare const InvalidNextTokenException: ErrorClass;
/** Parameters that cannot be used together (EC2). */
export declare const InvalidParameterCombination: ErrorClass;
/** Parameters were used together that cannot be used together. */
export declare const InvalidParameterCombinationException: ErrorClass;
/** The specified parameter isn't valid. */
export declare const InvalidParameterException: ErrorClass;
/** A value in the request is invalid (EC2). */
export declare const InvalidParameterValue: ErrorClass;
/** The value of an input parameter is bad or out-of-range. */
export declare const InvalidParameterValueException: ErrorClass;
/** The provided revocation file is an invalid format, or uses an incorrect algorithm. */
export declare const InvalidRevocationContentException: ErrorClass;
/** The requested scheme is not valid. */
export declare const InvalidSchemeException: ErrorClass;
/** The specified security group does not exist. */
export declare const InvalidSecurityGroupException: ErrorClass;
/** The specified state is not a valid state for an event source. */
export declare const InvalidStateException: ErrorClass;
/** The specified subnet is out of available addresses. */
export declare const InvalidSubnetException: ErrorClass;
/** The subnet does not exist (EC2). */
export declare const InvalidSubnetIDNotFound: ErrorClass;
/** The specified target does not exist, is not in the same VPC as the target group, or has an unsupported instance type. */
export declare const InvalidTargetException: ErrorClass;
/** The request failed because a desired configuration was not found or an incompatible launch template (uses a Systems Manager parameter instead of an AMI ID) or launch template version (`$Latest` or `$Default`) is present on the Auto Scaling group. */
export declare const IrreversibleInstanceRefreshFault: ErrorClass;
/** The operation was denied because either the calling principal lacks the required Amazon Web Services Key Management Service (Amazon Web Services KMS) permission on the key, or the key policy does not grant Amazon CloudWatch the permissions it needs to use the key. */
export declare const KmsAccessDeniedException: ErrorClass;
/** The specified Amazon Web Services Key Management Service (Amazon Web Services KMS) key is disabled or pending deletion. */
export declare const KmsKeyDisabledException: ErrorClass;
/** The specified Amazon Web Services Key Management Service (Amazon Web Services KMS) key could not be found. */
export declare const KmsKeyNotFoundException: ErrorClass;
/** The limit for the resource was exceeded. */
export declare const LimitExceededException: ErrorClass;
/** The quota for alarms for this customer has already been reached. */
export declare const LimitExceededFault: ErrorClass;
/** The specified listener does not exist. */
export declare const ListenerNotFoundException: ErrorClass;
/** The specified load balancer does not exist. */
export declare const LoadBalancerNotFoundException: ErrorClass;
/** This rule was created by an Amazon Web Services service on behalf of your account. */
export declare const ManagedRuleException: ErrorClass;
/** The request omits a parameter the action needs (EC2). */
export declare const MissingParameter: ErrorClass;
/** An input parameter that is required is missing. */
export declare const MissingRequiredParameterException: ErrorClass;
/** Amazon ECS can't determine the current version of the Amazon ECS container agent on the container instance and doesn't have enough information to proceed with an update. */
export declare const MissingVersionException: ErrorClass;
/** The namespace that you're trying to create already exists. */
export declare const NamespaceAlreadyExists: ErrorClass;
/** No namespace exists with the specified ID. */
export declare const NamespaceNotFound: ErrorClass;
/** The specified namespace wasn't found. */
export declare const NamespaceNotFoundException: ErrorClass;
/** There's no update available for this Amazon ECS container agent. */
export declare const NoUpdateAvailableException: ErrorClass;
/** The specified object could not be found. */
export declare const ObjectNotFoundException: ErrorClass;
/** The operation you are attempting is not available in this region. */
export declare const OperationDisabledException: ErrorClass;
/** No operation exists with the specified ID. */
export declare const OperationNotFound: ErrorClass;
/** This operation is not allowed. */
export declare const OperationNotPermittedException: ErrorClass;
/** The specified platform version doesn't satisfy the required capabilities of the task definition. */
export declare const PlatformTaskDefinitionIncompatibilityException: ErrorClass;
/** The specified platform version doesn't exist. */
export declare const PlatformUnknownException: ErrorClass;
/** The event bus policy is too long. */
export declare const PolicyLengthExceededException: ErrorClass;
/** This operation is not allowed while a prior request has not been completed. */
export declare const PriorRequestNotCompleteException: ErrorClass;
/** The specified priority is in use. */
export declare const PriorityInUseException: ErrorClass;
/** The operation can't be completed because you've reached the quota for the number of requests. */
export declare const RequestLimitExceeded: ErrorClass;
/** The resource you are trying to create already exists. */
export declare const ResourceAlreadyExistsException: ErrorClass;
/** The operation could not be completed because the request conflicts with the current state of the alarm or its underlying scheduled query resource. */
export declare const ResourceConflict: ErrorClass;
/** You already have a pending update to an Amazon EC2 Auto Scaling resource (for example, an Auto Scaling group, instance, or load balancer). */
export declare const ResourceContentionFault: ErrorClass;
/** The specified resource can't be deleted because it contains other resources. */
export declare const ResourceInUse: ErrorClass;
/** The specified resource is in-use and can't be removed. */
export declare const ResourceInUseException: ErrorClass;
/** The operation can't be performed because the resource is in use. */
export declare const ResourceInUseFault: ErrorClass;
/** The resource can't be created because you've reached the quota on the number of resources. */
export declare const ResourceLimitExceeded: ErrorClass;
/** The named resource does not exist. */
export declare const ResourceNotFound: ErrorClass;
/** The specified resource wasn't found. */
export declare const ResourceNotFoundException: ErrorClass;
/** The specified revocation file does not exist. */
export declare const RevocationContentNotFoundException: ErrorClass;
/** The specified revocation ID does not exist. */
export declare const RevocationIdNotFoundException: ErrorClass;
/** The specified rule does not exist. */
export declare const RuleNotFoundException: ErrorClass;
/** The specified SSL policy does not exist. */
export declare const SSLPolicyNotFoundException: ErrorClass;
/** The operation can't be performed because there are scaling activities in progress. */
export declare const ScalingActivityInProgressFault: ErrorClass;
/** These errors are usually caused by a server issue. */
export declare const ServerException: ErrorClass;
/** The service can't be created because a service with the same name already exists. */
export declare const ServiceAlreadyExists: ErrorClass;
/** The attribute can't be added to the service because you've exceeded the quota for the number of attributes you can add to a service. */
export declare const ServiceAttributesLimitExceededException: ErrorClass;
/** The service deploy ARN that you specified in the `ContinueServiceDeployment` doesn't exist. */
export declare const ServiceDeploymentNotFoundException: ErrorClass;
/** The service-linked role is not yet ready for use. */
export declare const ServiceLinkedRoleFailure: ErrorClass;
/** The specified service isn't active. */
export declare const ServiceNotActiveException: ErrorClass;
/** No service exists with the specified ID. */
export declare const ServiceNotFound: ErrorClass;
/** The specified service wasn't found. */
export declare const ServiceNotFoundException: ErrorClass;
/** The specified subnet does not exist. */
export declare const SubnetNotFoundException: ErrorClass;
/** You've reached the limit on the number of load balancers per target group. */
export declare const TargetGroupAssociationLimitException: ErrorClass;
/** The specified target group does not exist. */
export declare const TargetGroupNotFoundException: ErrorClass;
/** The execute command cannot run. */
export declare const TargetNotConnectedException: ErrorClass;
/** The specified target wasn't found. */
export declare const TargetNotFoundException: ErrorClass;
/** The specified task set wasn't found. */
export declare const TaskSetNotFoundException: ErrorClass;
/** This request cannot be completed due to throttling issues. */
export declare const ThrottlingException: ErrorClass;
/** You've reached the limit on the number of actions per rule. */
export declare const TooManyActionsException: ErrorClass;
/** You've reached the limit on the number of certificates per load balancer. */
export declare const TooManyCertificatesException: ErrorClass;
/** You've reached the limit on the number of listeners per load balancer. */
export declare const TooManyListenersException: ErrorClass;
/** You've reached the limit on the number of load balancers for your Amazon Web Services account. */
export declare const TooManyLoadBalancersException: ErrorClass;
/** You've reached the limit on the number of times a target can be registered with a load balancer. */
export declare const TooManyRegistrationsForTargetIdException: ErrorClass;
/** You've reached the limit on the number of rules per load balancer. */
export declare const TooManyRulesException: ErrorClass;
/** You've reached the limit on the number of tags for this resource. */
export declare const TooManyTagsException: ErrorClass;
/** You've reached the limit on the number of target groups for your Amazon Web Services account. */
export declare const TooManyTargetGroupsException: ErrorClass;
/** You've reached the limit on the number of targets. */
export declare const TooManyTargetsException: ErrorClass;
/** The specified trust store has too many revocation entries. */
export declare const TooManyTrustStoreRevocationEntriesException: ErrorClass;
/** You've reached the limit on the number of trust stores for your Amazon Web Services account. */
export declare const TooManyTrustStoresException: ErrorClass;
/** You've reached the limit on the number of unique target groups per load balancer across all listeners. */
export declare const TooManyUniqueTargetGroupsPerLoadBalancerException: ErrorClass;
/** The specified association does not exist. */
export declare const TrustStoreAssociationNotFoundException: ErrorClass;
/** The specified trust store is currently in use. */
export declare const TrustStoreInUseException: ErrorClass;
/** The specified trust store does not exist. */
export declare const TrustStoreNotFoundException: ErrorClass;
/** The specified trust store is not active. */
export declare const TrustStoreNotReadyException: ErrorClass;
/** The specified task isn't supported in this Region. */
export declare const UnsupportedFeatureException: ErrorClass;
/** The specified protocol is not supported. */
export declare const UnsupportedProtocolException: ErrorClass;
/** There's already a current Amazon ECS container agent update in progress on the container instance that's specified. */
export declare const UpdateInProgressException: ErrorClass;
/** A malformed or out-of-range input (the query protocol's error). */
export declare const ValidationError: ErrorClass;
/** A malformed or out-of-range input (the JSON protocol's error). */
export declare const ValidationException: ErrorClass;
/** An action the service does not have (as AWS's JSON protocol reports it). */
export declare const UnknownOperationException: ErrorClass;
/** A client name the simulation does not know (as botocore names it). */
export declare const UnknownServiceError: ErrorClass;
/** An ecsim defect: a panic caught at the boundary. Please report it. */
export declare const InternalError: ErrorClass;
// END GENERATED errors
