#!/usr/bin/env python3
"""Generate ecsim's API types, operation tables and binding declarations from the service models.

The ECS API model is the authority on member names, enums and required lists, and it drifts
(WINDOWS_SERVER_2025_*, MANAGED_INSTANCES, s3files volumes are recent). Generating from it keeps
ecsim current: bump BOTOCORE_VERSION, rerun, review the diff.

Writes, per service of SERVICES (botocore's models, and core/models/ecsim.json for the
simulation's own actions; core/models/extensions.json adds ecsim's extension members first):
  core/src/api/<service>/model.rs       serde types (every member optional; requiredness lives in the table)
  core/src/api/<service>/shapes.rs      a static shape table the validator walks (names, kinds, enums, required)
  core/src/api/<service>/operations.rs  the implemented actions with their request shapes, and the service's errors
and once: core/src/error_code.rs (every error name), core/src/sim/registry.rs (the operation
tables: action -> request type -> handler), and the bindings' lists and declarations
(tools/gen_bindings.py).

Usage: python tools/gen_api.py [--check]
"""
from __future__ import annotations

import gzip
import html
import json
import re
import sys
from pathlib import Path

import botocore

BOTOCORE_VERSION = "1.44.8"
ROOT = Path(__file__).resolve().parent.parent

# One entry per simulated service: where its model is, the error its shape check answers with,
# the errors its protocol adds to the model's (query and JSON services answer malformed input with
# ValidationError and ValidationException, which botocore's models do not list), and the actions
# ecsim implements. Adding a service is one entry here, one folder under core/src/sim/ and vectors.
SERVICES = {
    "ecs": {
        "model": "botocore:ecs/2014-11-13/service-2.json.gz",
        "validation_error": "InvalidParameterException",
        "protocol_errors": [],
        # Actions whose handler checks the whole input itself, reporting shape findings together
        # with its own rules under this error (docs/conventions.md: ClientException for
        # RegisterTaskDefinition, as the task definition rules report).
        "checked_by_handler": {"RegisterTaskDefinition": "ClientException"},
        "operations": [
            "RegisterTaskDefinition", "DescribeTaskDefinition", "DeregisterTaskDefinition",
            "DeleteTaskDefinitions",
            "ListTaskDefinitions", "ListTaskDefinitionFamilies",
            "CreateCluster", "DeleteCluster", "DescribeClusters", "ListClusters",
            "PutClusterCapacityProviders",
            "CreateCapacityProvider", "UpdateCapacityProvider", "DeleteCapacityProvider",
            "DescribeCapacityProviders",
            "RegisterContainerInstance", "DeregisterContainerInstance",
            "DescribeContainerInstances", "ListContainerInstances",
            "UpdateContainerInstancesState",
            "PutAttributes", "DeleteAttributes", "ListAttributes",
            "RunTask", "StartTask", "StopTask", "DescribeTasks", "ListTasks",
            "CreateService", "UpdateService", "DeleteService", "DescribeServices", "ListServices",
            "ListServicesByNamespace",
            "TagResource", "UntagResource", "ListTagsForResource",
            "UpdateTaskProtection", "GetTaskProtection",
            "PutAccountSetting", "PutAccountSettingDefault", "ListAccountSettings", "DeleteAccountSetting",
            "UpdateCluster", "UpdateClusterSettings",
            "ListServiceDeployments", "DescribeServiceDeployments", "DescribeServiceRevisions",
            "StopServiceDeployment", "ContinueServiceDeployment",
            "CreateTaskSet", "UpdateTaskSet", "UpdateServicePrimaryTaskSet", "DeleteTaskSet",
            "DescribeTaskSets",
            "RegisterDaemonTaskDefinition", "DescribeDaemonTaskDefinition",
            "ListDaemonTaskDefinitions", "DeleteDaemonTaskDefinition",
            "CreateDaemon", "UpdateDaemon", "DescribeDaemon", "ListDaemons", "DeleteDaemon",
            "DescribeDaemonDeployments", "ListDaemonDeployments", "DescribeDaemonRevisions",
            "CreateExpressGatewayService", "UpdateExpressGatewayService",
            "DescribeExpressGatewayService", "DeleteExpressGatewayService",
            "CreateGateway", "DescribeGateway", "UpdateGateway", "DeleteGateway", "ListGateways",
            "AssociateGatewayWithCluster", "DisassociateGatewayFromCluster",
            "ListGatewayClusterAssociations", "DescribeGatewayResources", "DescribeGatewayRoute",
            "ListGatewayRoutes",
            # Refused with their reason (AGENT_ACTIONS).
            "SubmitTaskStateChange", "SubmitContainerStateChange", "SubmitAttachmentStateChanges",
            "DiscoverPollEndpoint", "UpdateContainerAgent", "ExecuteCommand",
        ],
    },
    "elbv2": {
        "model": "botocore:elbv2/2015-12-01/service-2.json.gz",
        "validation_error": "ValidationError",
        "protocol_errors": ["ValidationError"],
        "operations": [
            "CreateTargetGroup", "DescribeTargetGroups", "DeleteTargetGroup",
            "DescribeTargetHealth", "DescribeTargetGroupAttributes", "ModifyTargetGroupAttributes",
            "CreateLoadBalancer", "DescribeLoadBalancers", "DeleteLoadBalancer",
            "CreateListener", "DescribeListeners", "ModifyListener", "DeleteListener",
            "CreateRule", "DescribeRules", "ModifyRule", "DeleteRule",
        ],
    },
    "events": {
        "model": "botocore:events/2015-10-07/service-2.json.gz",
        "validation_error": "ValidationException",
        "protocol_errors": ["ValidationException"],
        "operations": [
            "PutRule", "PutTargets", "RemoveTargets", "DeleteRule", "DescribeRule", "ListRules",
            "ListTargetsByRule", "EnableRule", "DisableRule", "TestEventPattern",
        ],
    },
    "application-autoscaling": {
        "model": "botocore:application-autoscaling/2016-02-06/service-2.json.gz",
        "validation_error": "ValidationException",
        "protocol_errors": [],
        "operations": [
            "RegisterScalableTarget", "DeregisterScalableTarget", "DescribeScalableTargets",
            "PutScheduledAction", "DescribeScheduledActions", "DeleteScheduledAction",
            "PutScalingPolicy", "DescribeScalingPolicies", "DeleteScalingPolicy",
            "DescribeScalingActivities",
        ],
    },
    "cloudwatch": {
        "model": "botocore:cloudwatch/2010-08-01/service-2.json.gz",
        "validation_error": "InvalidParameterValueException",
        "protocol_errors": [],
        "operations": [
            "PutMetricData", "GetMetricStatistics", "GetMetricData", "ListMetrics",
            "PutMetricAlarm", "DescribeAlarms", "DeleteAlarms", "SetAlarmState", "DescribeAlarmHistory",
        ],
    },
    "servicediscovery": {
        "model": "botocore:servicediscovery/2017-03-14/service-2.json.gz",
        "validation_error": "InvalidInput",
        "protocol_errors": [],
        "operations": [
            "CreateHttpNamespace", "CreatePrivateDnsNamespace", "CreatePublicDnsNamespace",
            "GetNamespace", "ListNamespaces", "DeleteNamespace",
            "UpdateHttpNamespace", "UpdatePrivateDnsNamespace", "UpdatePublicDnsNamespace",
            "CreateService", "GetService", "ListServices", "UpdateService", "DeleteService",
            "RegisterInstance", "DeregisterInstance", "GetInstance", "ListInstances",
            "DiscoverInstances", "DiscoverInstancesRevision", "GetInstancesHealthStatus",
            "UpdateInstanceCustomHealthStatus", "GetOperation", "ListOperations",
            "TagResource", "UntagResource", "ListTagsForResource",
        ],
    },
    "ec2": {
        "model": "botocore:ec2/2016-11-15/service-2.json.gz",
        # EC2's model lists no error shapes: its codes come from the EC2 API reference's "Error
        # codes" page, dots and all (`InvalidSubnetID.NotFound`), as boto3 reports them in
        # `error.response["Error"]["Code"]`.
        "validation_error": "InvalidParameterValue",
        "protocol_errors": [],
        "errors": {
            "InvalidParameterValue": "A value in the request is invalid (EC2).",
            "MissingParameter": "The request omits a parameter the action needs (EC2).",
            "InvalidParameterCombination": "Parameters that cannot be used together (EC2).",
            "InvalidInstanceType": "The instance type is not one EC2 offers (EC2).",
            "InvalidSubnetID.NotFound": "The subnet does not exist (EC2).",
            "InvalidInstanceID.NotFound": "The instance does not exist (EC2).",
            "InvalidInstanceID.Malformed": "The instance id is not of the form i-... (EC2).",
            "InvalidLaunchTemplateName.AlreadyExistsException": "A launch template of that name exists (EC2).",
            "InvalidLaunchTemplateName.NotFoundException": "No launch template has that name (EC2).",
            "InvalidLaunchTemplateId.NotFound": "No launch template has that id (EC2).",
            "InvalidLaunchTemplateId.VersionNotFound": "The launch template has no such version (EC2).",
        },
        "operations": [
            "DescribeInstanceTypes", "CreateSubnet", "DescribeSubnets",
            "CreateLaunchTemplate", "CreateLaunchTemplateVersion", "DescribeLaunchTemplates",
            "DescribeLaunchTemplateVersions", "DeleteLaunchTemplate",
            "DescribeInstances", "TerminateInstances",
        ],
    },
    "autoscaling": {
        "model": "botocore:autoscaling/2011-01-01/service-2.json.gz",
        "validation_error": "ValidationError",
        "protocol_errors": ["ValidationError"],
        "operations": [
            "CreateAutoScalingGroup", "UpdateAutoScalingGroup", "DeleteAutoScalingGroup",
            "DescribeAutoScalingGroups", "SetDesiredCapacity", "DescribeScalingActivities",
            "SetInstanceProtection", "TerminateInstanceInAutoScalingGroup",
            "PutScalingPolicy", "DescribePolicies", "DeletePolicy",
        ],
    },
    "ecsim": {
        "model": "repo:core/models/ecsim.json",
        "validation_error": "InvalidParameterException",
        "protocol_errors": [],
        "operations": "all",
    },
}

# ecsim's own errors, which every service can answer.
ECSIM_ERRORS = {
    "UnknownOperationException": "An action the service does not have (as AWS's JSON protocol reports it).",
    "UnknownServiceError": "A client name the simulation does not know (as botocore names it).",
    "InternalError": "An ecsim defect: a panic caught at the boundary. Please report it.",
}
PROTOCOL_ERROR_DOCS = {
    "ValidationError": "A malformed or out-of-range input (the query protocol's error).",
    "ValidationException": "A malformed or out-of-range input (the JSON protocol's error).",
}
EXTENSIONS = "core/models/extensions.json"

RUST_KEYWORDS = {"type", "match", "ref", "mod", "use", "in", "as", "fn", "struct", "enum", "where"}


def load_model(source: str) -> dict:
    kind, rel = source.split(":", 1)
    if kind == "repo":
        return json.loads((ROOT / rel).read_text())
    path = Path(botocore.__file__).parent / "data" / rel
    if not path.exists():
        path = path.with_suffix("")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def first_sentence(doc: str | None) -> str:
    if not doc:
        return ""
    doc = re.sub(r"</?code>", "`", doc)
    text = html.unescape(re.sub(r"<[^>]+>", " ", doc))
    text = re.sub(r"\s+", " ", text).strip()
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence[:300]


def snake(name: str) -> str:
    out = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name.replace("-", "_"))
    out = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", out).lower()
    return f"r#{out}" if out in RUST_KEYWORDS else out


def variant(value: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", value) if p]
    name = ""
    for part in parts:
        # SHOUTING_CASE and lowercase parts become Titlecase; camelCase keeps its inner capitals.
        rest = part[1:].lower() if part.isupper() or part.islower() else part[1:]
        piece = part[:1].upper() + rest
        if name and name[-1].isdigit() and piece[0].isdigit():
            name += "_"
        name += piece
    return name if name[:1].isalpha() else f"V{name}"


def split_ref(service: str, name: str) -> tuple[str, str]:
    """`ecs#Failure` names a shape of another service's model (ecsim's one addition to
    botocore's format); a bare name is the service's own."""
    return tuple(name.split("#", 1)) if "#" in name else (service, name)  # type: ignore[return-value]


def children(shape: dict) -> list[str]:
    kind = shape["type"]
    if kind == "structure":
        return [m["shape"] for m in shape["members"].values()]
    if kind == "list":
        return [shape["member"]["shape"]]
    if kind == "map":
        return [shape["key"]["shape"], shape["value"]["shape"]]
    return []


def reachable(models: dict, service: str, roots: list[str]) -> dict[str, list[str]]:
    """Every shape reachable from `roots`, per service, in first-seen order."""
    seen: dict[str, list[str]] = {}
    stack = [split_ref(service, r) for r in reversed(roots)]
    while stack:
        owner, name = stack.pop()
        if name in seen.setdefault(owner, []):
            continue
        seen[owner].append(name)
        stack.extend(split_ref(owner, c) for c in reversed(children(models[owner]["shapes"][name])))
    return seen


def rust_path(service: str, owner: str, name: str) -> str:
    return name if owner == service else f"crate::api::{snake(owner)}::{name}"


def rust_type(models: dict, service: str, ref: str, context: str | None = None) -> str:
    """The Rust type of `ref` (a shape name as it appears in `context`'s model), written for
    a file of `service`'s."""
    owner, name = split_ref(context or service, ref)
    shape = models[owner]["shapes"][name]
    kind = shape["type"]
    if kind == "structure" or (kind == "string" and "enum" in shape):
        return rust_path(service, owner, name)
    if kind == "string":
        return "String"
    if kind == "integer":
        return "i32"
    if kind == "long":
        return "i64"
    if kind == "boolean":
        return "bool"
    if kind in ("timestamp", "double", "float"):
        return "f64"
    if kind == "list":
        return f"Vec<{rust_type(models, service, shape['member']['shape'], owner)}>"
    if kind == "map":
        return f"BTreeMap<String, {rust_type(models, service, shape['value']['shape'], owner)}>"
    raise ValueError(f"unsupported shape type {kind} for {name}")


HEADER = "//! Generated by tools/gen_api.py from {source} ({service}); do not edit."


def source_name(service: str) -> str:
    source = SERVICES[service]["model"]
    return f"botocore {BOTOCORE_VERSION}" if source.startswith("botocore:") else source.split(":", 1)[1]


def gen_model(models: dict, service: str, names: list[str]) -> str:
    shapes = models[service]["shapes"]
    out = [
        HEADER.format(source=source_name(service), service=service),
        "//! Every member is optional here: which members are required is in `shapes.rs`,",
        "//! so that the validator can report a missing member instead of failing to parse.",
        "",
        "use crate::api::from_json::{member, object, FromJson};",
        "use serde::Serialize;",
        "use serde_json::Value;",
        "use std::collections::BTreeMap;",
        "",
    ]
    header = len(out)
    for name in names:
        shape = shapes[name]
        if shape.get("exception"):
            continue
        doc = first_sentence(shape.get("documentation"))
        if shape["type"] == "structure":
            if doc:
                out.append(f"/// {doc}")
            out.append("#[derive(Debug, Clone, Default, PartialEq, Serialize)]")
            out.append(f"pub struct {name} {{")
            for member, spec in shape["members"].items():
                mdoc = first_sentence(spec.get("documentation"))
                if mdoc:
                    out.append(f"    /// {mdoc}")
                out.append(f'    #[serde(rename = "{member}", default, skip_serializing_if = "Option::is_none")]')
                out.append(f"    pub {snake(member)}: Option<{rust_type(models, service, spec['shape'])}>,")
            out.append("}")
            out.append("")
            out.append(f"impl FromJson for {name} {{")
            if shape["members"]:
                out.append("    fn from_json(value: Value) -> Option<Self> {")
                out.append("        let mut members = object(value)?;")
                out.append("        Some(Self {")
                for member in shape["members"]:
                    out.append(f'            {snake(member)}: member(&mut members, "{member}"),')
                out.append("        })")
            else:
                out.append("    fn from_json(value: Value) -> Option<Self> {")
                out.append("        object(value).map(|_| Self {})")
            out.append("    }")
            out.append("}")
            out.append("")
        elif shape["type"] == "string" and "enum" in shape:
            values = shape["enum"]
            if doc:
                out.append(f"/// {doc}")
            out.append("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]")
            out.append(f"pub enum {name} {{")
            for value in values:
                out.append(f'    #[serde(rename = "{value}")]')
                out.append(f"    {variant(value)},")
            out.append("}")
            out.append("")
            out.append(f"impl {name} {{")
            joined = ", ".join(f'"{v}"' for v in values)
            out.append(f"    pub const VALUES: &'static [&'static str] = &[{joined}];")
            out.append("")
            out.append("    pub fn as_str(self) -> &'static str {")
            out.append("        match self {")
            for value in values:
                out.append(f'            Self::{variant(value)} => "{value}",')
            out.append("        }")
            out.append("    }")
            out.append("")
            out.append("    /// The value of that name, as the API spells it.")
            out.append("    pub fn from_name(name: &str) -> Option<Self> {")
            out.append("        match name {")
            for value in values:
                out.append(f'            "{value}" => Some(Self::{variant(value)}),')
            out.append("            _ => None,")
            out.append("        }")
            out.append("    }")
            out.append("}")
            out.append("")
            out.append(f"impl FromJson for {name} {{")
            out.append("    fn from_json(value: Value) -> Option<Self> {")
            out.append("        value.as_str().and_then(Self::from_name)")
            out.append("    }")
            out.append("}")
            out.append("")
    if not any("BTreeMap<" in line for line in out[header:]):
        out.remove("use std::collections::BTreeMap;")
    return "\n".join(out)


def shape_const(name: str) -> str:
    return snake(name).removeprefix("r#").upper()


def shape_ref(service: str, ref: str) -> str:
    owner, name = split_ref(service, ref)
    const = shape_const(name)
    return const if owner == service else f"crate::api::{snake(owner)}::shapes::{const}"


def shape_range(shape: dict) -> str:
    """The model's min and max (values of numbers; lengths of strings, lists and maps)."""
    if "min" not in shape and "max" not in shape or "enum" in shape:
        return "None"
    bound = lambda key: f"Some({float(shape[key])!r})" if key in shape else "None"
    return f"Some(&Range {{ min: {bound('min')}, max: {bound('max')} }})"


def gen_shapes(models: dict, service: str, names: list[str]) -> str:
    shapes = models[service]["shapes"]
    out = [
        HEADER.format(source=source_name(service), service=service),
        "//! The request shapes as data: what the validator walks to report unknown members,",
        "//! wrong types, bad enum values and missing required members.",
        "",
        "use crate::api::shape::{{Kind, Member, {}Shape}};".format(
            "Range, " if any(shape_range(shapes[n]) != "None" for n in names) else ""),
        "",
    ]
    for name in names:
        shape = shapes[name]
        kind = shape["type"]
        if kind == "structure":
            required = set(shape.get("required", []))
            members = ", ".join(
                f'Member {{ name: "{m}", shape: &{shape_ref(service, s["shape"])}, required: {str(m in required).lower()} }}'
                for m, s in shape["members"].items()
            )
            body = f"Kind::Structure(&[{members}])"
        elif kind == "string" and "enum" in shape:
            body = "Kind::Enum(&[" + ", ".join(f'"{v}"' for v in shape["enum"]) + "])"
        elif kind == "list":
            body = f"Kind::List(&{shape_ref(service, shape['member']['shape'])})"
        elif kind == "map":
            body = f"Kind::Map(&{shape_ref(service, shape['value']['shape'])})"
        else:
            body = {"string": "Kind::String", "integer": "Kind::Integer", "long": "Kind::Long",
                    "boolean": "Kind::Boolean", "timestamp": "Kind::Timestamp", "double": "Kind::Number",
                    "float": "Kind::Number"}[kind]
        out.append(f'pub static {shape_const(name)}: Shape = Shape {{ name: "{name}", kind: {body}, range: {shape_range(shape)} }};')
    out.append("")
    return "\n".join(out)


def operations(models: dict, service: str) -> list[str]:
    wanted = SERVICES[service]["operations"]
    return list(models[service]["operations"]) if wanted == "all" else wanted


def service_errors(models: dict, service: str) -> list[str]:
    """The errors a service's client knows: every error shape of its model (as boto3's
    `client.exceptions` has them), its protocol's, the codes a model without error shapes
    answers with (`errors`), and ecsim's own."""
    model = [n for n, s in models[service]["shapes"].items() if s.get("exception")]
    spec = SERVICES[service]
    return sorted(set(model) | set(spec["protocol_errors"]) | set(spec.get("errors", {}))) + list(ECSIM_ERRORS)


def error_ident(code: str) -> str:
    """The identifier of an error code: the code itself, without EC2's dots
    (`InvalidSubnetID.NotFound` is `InvalidSubnetIDNotFound`)."""
    return code.replace(".", "")


def error_docs(models: dict) -> dict[str, str]:
    docs = dict(ECSIM_ERRORS) | dict(PROTOCOL_ERROR_DOCS)
    for spec in SERVICES.values():
        docs.update(spec.get("errors", {}))
    for service in SERVICES:
        for name, shape in models[service]["shapes"].items():
            if shape.get("exception") and name not in docs:
                docs[name] = first_sentence(shape.get("documentation")) or f"{name} ({service})."
    return docs


def all_errors(models: dict) -> list[str]:
    names: list[str] = []
    for service in SERVICES:
        names += [e for e in service_errors(models, service) if e not in names and e not in ECSIM_ERRORS]
    return sorted(names) + list(ECSIM_ERRORS)


def gen_operations(models: dict, service: str) -> str:
    ops = models[service]["operations"]
    spec = SERVICES[service]
    out = [
        HEADER.format(source=source_name(service), service=service),
        "//! The actions ecsim implements, with their request shapes, and the errors of the service.",
        "",
        "use crate::api::shape::Operation;",
        "use crate::error::{EcsimError, ErrorCode};",
        "",
        f'pub const NAME: &str = "{service}";',
        "",
        "/// The error a malformed request is answered with.",
        f"pub const VALIDATION_ERROR: ErrorCode = ErrorCode::{spec['validation_error']};",
        "",
        "pub static OPERATIONS: &[Operation] = &[",
    ]
    for op in operations(models, service):
        doc = first_sentence(ops[op].get("documentation")).replace("\\", "\\\\").replace('"', '\\"')
        shape = shape_ref(service, ops[op]["input"]["shape"]).replace("crate::api::", "crate::api::")
        shape = shape if "::" in shape else f"super::shapes::{shape}"
        error = spec.get("checked_by_handler", {}).get(op, spec["validation_error"])
        out.append(f'    Operation {{ name: "{op}", input: &{shape}, validation_error: ErrorCode::{error}, documentation: "{doc}" }},')
    out.append("];")
    out.append("")
    names = service_errors(models, service)
    out.append("/// Every error this service's client knows (`client.exceptions`).")
    out.append("pub static ERRORS: &[ErrorCode] = &[")
    for name in names:
        out.append(f"    ErrorCode::{error_ident(name)},")
    out.append("];")
    out.append("")
    out.append(f"/// An error {service} answers with: one its model lists, its protocol's, or ecsim's own. Its")
    out.append("/// handlers build their errors from this type, so they cannot answer with another service's.")
    out.append("#[derive(Clone, Copy, Debug, PartialEq, Eq)]")
    out.append("pub enum Error {")
    for name in names:
        out.append(f"    {error_ident(name)},")
    out.append("}")
    out.append("")
    out.append("impl Error {")
    out.append("    pub fn code(self) -> ErrorCode {")
    out.append("        match self {")
    for name in names:
        out.append(f"            Error::{error_ident(name)} => ErrorCode::{error_ident(name)},")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// A failed call that answers with this error and `message`.")
    out.append("    pub fn with(self, message: impl Into<String>) -> EcsimError {")
    out.append("        EcsimError::new(self.code(), message)")
    out.append("    }")
    out.append("}")
    out.append("")
    return "\n".join(out)


def gen_error_code(models: dict) -> str:
    names = all_errors(models)
    docs = error_docs(models)
    out = [
        "//! Generated by tools/gen_api.py from the service models; do not edit.",
        "//! Every error name any simulated service answers with: the union of the models' error",
        "//! shapes, the protocols' validation errors and ecsim's own.",
        "",
        "use serde::Serialize;",
        "",
        "/// The AWS error name of a failed call, plus ecsim's own for what AWS has no name for.",
        "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]",
        "pub enum ErrorCode {",
    ]
    for name in names:
        out.append(f"    /// {docs[name]}")
        out.append(f"    {error_ident(name)},")
    out.append("}")
    out.append("")
    out.append("impl ErrorCode {")
    out.append(f"    pub const ALL: [ErrorCode; {len(names)}] = [")
    for name in names:
        out.append(f"        ErrorCode::{error_ident(name)},")
    out.append("    ];")
    out.append("")
    out.append("    /// The code AWS answers with (`error.response[\"Error\"][\"Code\"]` in boto3).")
    out.append("    pub fn as_str(self) -> &'static str {")
    out.append("        match self {")
    for name in names:
        out.append(f'            ErrorCode::{error_ident(name)} => "{name}",')
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// The name of the error's class in the bindings: the code, without EC2's dots.")
    out.append("    pub fn class_name(self) -> &'static str {")
    out.append("        match self {")
    for name in names:
        out.append(f'            ErrorCode::{error_ident(name)} => "{error_ident(name)}",')
    out.append("        }")
    out.append("    }")
    out.append("}")
    out.append("")
    out.append("/// Serialised as the code AWS answers with (dots and all), not as the identifier.")
    out.append("impl Serialize for ErrorCode {")
    out.append("    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {")
    out.append("        serializer.serialize_str(self.as_str())")
    out.append("    }")
    out.append("}")
    out.append("")
    return "\n".join(out)


def gen_registry(models: dict) -> str:
    out = [
        "//! Generated by tools/gen_api.py from the service models; do not edit.",
        "//! The simulated services and their operation tables: action name -> request type ->",
        "//! handler. A handler is `fn(&mut World, Request) -> Result<Response, EcsimError>`, found",
        "//! in its service's folder as `handlers::<action in snake_case>`.",
        "",
        "use super::request::{handle, handle_whole, refuse, Answer};",
        "use super::{Service, World};",
        "use crate::error::EcsimError;",
        "use serde_json::Value;",
        "",
        "pub(crate) static SERVICES: &[Service] = &[",
    ]
    for service in SERVICES:
        mod = snake(service)
        out.append(f"    Service {{ name: crate::api::{mod}::operations::NAME, operations: crate::api::{mod}::operations::OPERATIONS, errors: crate::api::{mod}::operations::ERRORS, validation_error: crate::api::{mod}::operations::VALIDATION_ERROR, dispatch: {mod} }},")
    out.append("];")
    for service in SERVICES:
        mod = snake(service)
        ops = models[service]["operations"]
        out.append("")
        out.append(f"fn {mod}(world: &mut World, action: &str, input: Value) -> Option<Result<Answer, EcsimError>> {{")
        out.append(f"    use super::{mod}::handlers;")
        out.append(f"    let error = crate::api::{mod}::operations::VALIDATION_ERROR;")
        out.append("    Some(match action {")
        for op in operations(models, service):
            shape = ops[op]["input"]["shape"]
            owner, name = split_ref(service, shape)
            handler = f'handlers::{snake(op).removeprefix("r#")}'
            if service == "ecs" and op in AGENT_ACTIONS:
                reason = f"{op} is not taken: ecsim plays the container agent's part itself ({AGENT_ACTIONS[op]})."
                out.append(f'        "{op}" => refuse::<crate::api::{snake(owner)}::{name}>(input, &crate::api::{snake(owner)}::shapes::{shape_const(name)}, error, crate::api::ecs::Error::UnsupportedFeatureException.with({json.dumps(reason)})),')
            elif op in SERVICES[service].get("checked_by_handler", {}):
                out.append(f'        "{op}" => handle_whole(world, input, {handler}),')
            else:
                out.append(f'        "{op}" => handle(world, input, &crate::api::{snake(owner)}::shapes::{shape_const(name)}, error, {handler}),')
        out.append("        _ => return None,")
        out.append("    })")
        out.append("}")
    out.append("")
    return "\n".join(out)


def markdown(doc: str | None) -> str:
    """botocore's HTML documentation as Markdown text (code, paragraphs)."""
    if not doc:
        return ""
    text = re.sub(r"</?code>", "`", doc)
    text = re.sub(r"</p>\s*<p>", "\n\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"[ \t]+", " ", text).strip()


def gen_service_docs(models: dict, service: str) -> str:
    """The reference of a service ecsim defines itself, from its model."""
    model = models[service]
    shapes = model["shapes"]
    out = [f"<!-- Generated by tools/gen_api.py from {SERVICES[service]['model'].split(':', 1)[1]}; do not edit. -->",
           f"# The `{service}` service", "", markdown(model.get("documentation")), "",
           f"Python: `sim.client(\"{service}\").<action_in_snake_case>(**members)`; JS: "
           f"`sim.client('{service}').<actionInCamelCase>(members)`. Malformed input is answered with "
           f"`{SERVICES[service]['validation_error']}`, naming the member.", ""]

    def shape_name(ref: str) -> str:
        owner, name = split_ref(service, ref)
        return name if owner == service else f"{owner} {name}"

    for op in operations(models, service):
        spec = model["operations"][op]
        out += [f"## {op}", "", markdown(spec.get("documentation")), ""]
        owner, name = split_ref(service, spec["input"]["shape"])
        if owner != service:
            out += [f"Request: the `{owner}` `{name}` shape ({owner}'s own members).", ""]
        else:
            request = shapes[name]
            required = set(request.get("required", []))
            out += ["| member | type | required | what |", "|---|---|---|---|"]
            for member, m in request["members"].items():
                out.append(f"| `{member}` | {shape_name(m['shape'])} | {'yes' if member in required else ''} | {markdown(m.get('documentation'))} |")
            out.append("")
        if "output" in spec:
            answer = shapes[spec["output"]["shape"]]
            members = ", ".join(f"`{m}` ({shape_name(v['shape'])})" for m, v in answer["members"].items())
            out += [f"Answer: {members}.", ""]
        errors = ", ".join(f"`{e['shape']}`" for e in spec.get("errors", []))
        if errors:
            out += [f"Errors: {errors}.", ""]
    return "\n".join(out).rstrip() + "\n"


# The ECS actions only the container agent or a person at a terminal calls: the simulation
# plays the agent's part itself, so they answer UnsupportedFeatureException with the reason
# (after the request's shape is checked, as for any action).
AGENT_ACTIONS = {
    "SubmitTaskStateChange": "the agent reports task states; ecsim moves tasks through them on its clock",
    "SubmitContainerStateChange": "the agent reports container states; ecsim moves containers with their tasks",
    "SubmitAttachmentStateChanges": "the agent reports ENI attachments; ecsim attaches them itself",
    "DiscoverPollEndpoint": "the agent asks where to poll; no agent runs here",
    "UpdateContainerAgent": "there is no agent binary to update",
    "ExecuteCommand": "no container runs, so there is no shell to open",
}


def gen_coverage(models: dict) -> str:
    """docs/ecs-coverage.md: every action of the pinned ECS model and what ecsim does with it."""
    simulated = set(operations(models, "ecs"))
    rows = []
    for op in sorted(models["ecs"]["operations"]):
        if op in AGENT_ACTIONS:
            status = f"refused (UnsupportedFeatureException): ecsim plays this part; {AGENT_ACTIONS[op]}"
        elif op in simulated:
            status = "simulated"
        else:
            status = "not simulated yet"
        rows.append(f"| {op} | {status} |")
    count = len(simulated - set(AGENT_ACTIONS))
    total = len(models["ecs"]["operations"])
    return "\n".join([
        "<!-- Generated by tools/gen_api.py from the ECS model and the operation table; do not edit. -->",
        "# ECS API coverage",
        "",
        f"ecsim answers {count} of the {total} actions of the ECS API (botocore {BOTOCORE_VERSION}'s model); the",
        "other services' simulated actions are listed in the README. An action not simulated answers",
        "`UnknownOperationException`, as AWS answers an action it does not have; the agent's own",
        "actions are refused with the reason.",
        "",
        "| action | ecsim |",
        "|---|---|",
        *rows,
        "",
    ])


def load_all() -> dict:
    models = {service: load_model(spec["model"]) for service, spec in SERVICES.items()}
    extensions = json.loads((ROOT / EXTENSIONS).read_text())
    for service, shapes in extensions.items():
        if service == "documentation":
            continue
        for shape, members in shapes.items():
            models[service]["shapes"][shape]["members"].update(members)
    return models


def generated_files(models: dict) -> dict[Path, str]:
    # What other services' shapes refer to here must be generated here too.
    model_roots: dict[str, list[str]] = {s: [] for s in SERVICES}
    request_roots: dict[str, list[str]] = {s: [] for s in SERVICES}
    for service in SERVICES:
        ops = models[service]["operations"]
        for op in operations(models, service):
            request_roots[service].append(ops[op]["input"]["shape"])
            model_roots[service] += [ops[op]["input"]["shape"]]
            if "output" in ops[op]:
                model_roots[service].append(ops[op]["output"]["shape"])
    model_names: dict[str, list[str]] = {s: [] for s in SERVICES}
    request_names: dict[str, list[str]] = {s: [] for s in SERVICES}
    for service in SERVICES:
        for owner, names in reachable(models, service, model_roots[service]).items():
            model_names[owner] += [n for n in names if n not in model_names[owner]]
        for owner, names in reachable(models, service, request_roots[service]).items():
            request_names[owner] += [n for n in names if n not in request_names[owner]]
    files = {}
    for service in SERVICES:
        folder = ROOT / "core/src/api" / snake(service)
        files[folder / "model.rs"] = gen_model(models, service, model_names[service])
        files[folder / "shapes.rs"] = gen_shapes(models, service, request_names[service])
        files[folder / "operations.rs"] = gen_operations(models, service)
    files[ROOT / "core/src/error_code.rs"] = gen_error_code(models)
    files[ROOT / "docs/ecsim-api.md"] = gen_service_docs(models, "ecsim")
    files[ROOT / "docs/ecs-coverage.md"] = gen_coverage(models)
    files[ROOT / "core/src/sim/registry.rs"] = gen_registry(models)
    from gen_bindings import binding_files  # the bindings' lists and declarations, same source

    files.update(binding_files(models, SERVICES, service_errors, all_errors, error_docs, error_ident))
    from gen_ts import ts_files  # the npm package's typed clients

    files.update(ts_files(models, SERVICES, model_names, {s: operations(models, s) for s in SERVICES},
                          {s: service_errors(models, s) for s in SERVICES}, split_ref, first_sentence))
    from gen_py import clients_files  # the Python package's typed clients

    files.update(clients_files(models, SERVICES, {s: operations(models, s) for s in SERVICES}, split_ref))
    return files


def main() -> int:
    check = "--check" in sys.argv
    if botocore.__version__ != BOTOCORE_VERSION:
        print(f"botocore {botocore.__version__} installed, generator pinned to {BOTOCORE_VERSION}", file=sys.stderr)
        return 2
    stale = []
    for path, text in generated_files(load_all()).items():
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print("stale generated files (run python tools/gen_api.py):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
