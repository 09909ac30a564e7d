#!/usr/bin/env python3
"""Generate ecsim's AWS API types from the botocore service model.

The ECS API model is the authority on member names, enums and required lists, and it drifts
(WINDOWS_SERVER_2025_*, MANAGED_INSTANCES, s3files volumes are recent). Generating from it keeps
ecsim current: bump BOTOCORE_VERSION, rerun, review the diff.

Writes, per service:
  core/src/api/<service>/model.rs   serde types (every member optional; requiredness lives in the table)
  core/src/api/<service>/shapes.rs  a static shape table the validator walks (names, kinds, enums, required)

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

# Shapes reachable from these roots are generated. Requests also get a shape table entry.
SERVICES = {
    "ecs": {
        "model": "ecs/2014-11-13/service-2.json.gz",
        "requests": [
            "RegisterTaskDefinitionRequest",
            "CreateClusterRequest",
            "DeleteClusterRequest",
            "DescribeClustersRequest",
            "ListClustersRequest",
            "RegisterContainerInstanceRequest",
            "DeregisterContainerInstanceRequest",
            "DescribeContainerInstancesRequest",
            "ListContainerInstancesRequest",
            "UpdateContainerInstancesStateRequest",
            "PutAttributesRequest",
            "DeleteAttributesRequest",
            "ListAttributesRequest",
            "RunTaskRequest",
            "StartTaskRequest",
            "DescribeTasksRequest",
            "ListTasksRequest",
            "StopTaskRequest",
            "CreateServiceRequest",
            "UpdateServiceRequest",
            "DeleteServiceRequest",
            "DescribeServicesRequest",
            "ListServicesRequest",
            "PutClusterCapacityProvidersRequest",
        ],
        "responses": [
            "RegisterTaskDefinitionResponse",
            "DescribeTaskDefinitionResponse",
            "CreateClusterResponse",
            "DescribeClustersResponse",
            "DescribeContainerInstancesResponse",
            "RunTaskResponse",
            "DescribeServicesResponse",
        ],
    },
    "elbv2": {
        "model": "elbv2/2015-12-01/service-2.json.gz",
        "requests": [
            "CreateTargetGroupInput",
            "DescribeTargetGroupsInput",
            "DeleteTargetGroupInput",
            "DescribeTargetHealthInput",
            "DescribeTargetGroupAttributesInput",
            "ModifyTargetGroupAttributesInput",
        ],
        "responses": [
            "CreateTargetGroupOutput",
            "DescribeTargetGroupsOutput",
            "DescribeTargetHealthOutput",
            "DescribeTargetGroupAttributesOutput",
            "ModifyTargetGroupAttributesOutput",
        ],
    },
    "events": {
        "model": "events/2015-10-07/service-2.json.gz",
        "requests": [
            "PutRuleRequest",
            "PutTargetsRequest",
            "RemoveTargetsRequest",
            "DeleteRuleRequest",
            "DescribeRuleRequest",
            "ListRulesRequest",
            "ListTargetsByRuleRequest",
            "EnableRuleRequest",
            "DisableRuleRequest",
        ],
        "responses": [
            "PutRuleResponse",
            "PutTargetsResponse",
            "RemoveTargetsResponse",
            "DescribeRuleResponse",
            "ListRulesResponse",
            "ListTargetsByRuleResponse",
        ],
    },
}

RUST_KEYWORDS = {"type", "match", "ref", "mod", "use", "in", "as", "fn", "struct", "enum", "where"}


def load_model(rel: str) -> dict:
    path = Path(botocore.__file__).parent / "data" / rel
    if not path.exists():
        path = path.with_suffix("")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def first_sentence(doc: str | None) -> str:
    if not doc:
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", doc))
    text = re.sub(r"\s+", " ", text).strip()
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence[:300]


def snake(name: str) -> str:
    out = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
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


def reachable(shapes: dict, roots: list[str]) -> list[str]:
    seen: list[str] = []
    stack = list(reversed(roots))
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.append(name)
        shape = shapes[name]
        kind = shape["type"]
        children = []
        if kind == "structure":
            children = [m["shape"] for m in shape["members"].values()]
        elif kind == "list":
            children = [shape["member"]["shape"]]
        elif kind == "map":
            children = [shape["key"]["shape"], shape["value"]["shape"]]
        stack.extend(reversed(children))
    return seen


def rust_type(shapes: dict, name: str) -> str:
    shape = shapes[name]
    kind = shape["type"]
    if kind == "structure":
        return name
    if kind == "string":
        return name if "enum" in shape else "String"
    if kind == "integer":
        return "i32"
    if kind == "long":
        return "i64"
    if kind == "boolean":
        return "bool"
    if kind in ("timestamp", "double", "float"):
        return "f64"
    if kind == "list":
        return f"Vec<{rust_type(shapes, shape['member']['shape'])}>"
    if kind == "map":
        return f"BTreeMap<String, {rust_type(shapes, shape['value']['shape'])}>"
    raise ValueError(f"unsupported shape type {kind} for {name}")


def gen_model(service: str, shapes: dict, names: list[str]) -> str:
    out = [
        f"//! Generated by tools/gen_api.py from botocore {BOTOCORE_VERSION} ({service}); do not edit.",
        "//! Every member is optional here: which members are required is in `shapes.rs`,",
        "//! so that the validator can report a missing member instead of failing to parse.",
        "",
        "use serde::{Deserialize, Serialize};",
        "use std::collections::BTreeMap;",
        "",
    ]
    header = len(out)
    for name in names:
        shape = shapes[name]
        doc = first_sentence(shape.get("documentation"))
        if shape["type"] == "structure":
            if doc:
                out.append(f"/// {doc}")
            out.append("#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]")
            out.append(f"pub struct {name} {{")
            for member, spec in shape["members"].items():
                mdoc = first_sentence(spec.get("documentation"))
                if mdoc:
                    out.append(f"    /// {mdoc}")
                out.append(f'    #[serde(rename = "{member}", default, skip_serializing_if = "Option::is_none")]')
                out.append(f"    pub {snake(member)}: Option<{rust_type(shapes, spec['shape'])}>,")
            out.append("}")
            out.append("")
        elif shape["type"] == "string" and "enum" in shape:
            values = shape["enum"]
            if doc:
                out.append(f"/// {doc}")
            out.append("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]")
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
            out.append("}")
            out.append("")
    if not any("BTreeMap<" in line for line in out[header:]):
        out.remove("use std::collections::BTreeMap;")
    return "\n".join(out)


def shape_const(name: str) -> str:
    return snake(name).removeprefix("r#").upper()


def gen_shapes(service: str, shapes: dict, names: list[str]) -> str:
    out = [
        f"//! Generated by tools/gen_api.py from botocore {BOTOCORE_VERSION} ({service}); do not edit.",
        "//! The request shapes as data: what the validator walks to report unknown members,",
        "//! wrong types, bad enum values and missing required members.",
        "",
        "use crate::api::shape::{Kind, Member, Shape};",
        "",
    ]
    for name in names:
        shape = shapes[name]
        kind = shape["type"]
        if kind == "structure":
            required = set(shape.get("required", []))
            members = ", ".join(
                f'Member {{ name: "{m}", shape: &{shape_const(s["shape"])}, required: {str(m in required).lower()} }}'
                for m, s in shape["members"].items()
            )
            body = f"Kind::Structure(&[{members}])"
        elif kind == "string" and "enum" in shape:
            body = "Kind::Enum(&[" + ", ".join(f'"{v}"' for v in shape["enum"]) + "])"
        elif kind == "list":
            body = f"Kind::List(&{shape_const(shape['member']['shape'])})"
        elif kind == "map":
            body = f"Kind::Map(&{shape_const(shape['value']['shape'])})"
        else:
            body = {"string": "Kind::String", "integer": "Kind::Integer", "long": "Kind::Long",
                    "boolean": "Kind::Boolean", "timestamp": "Kind::Number", "double": "Kind::Number"}[kind]
        out.append(f'pub static {shape_const(name)}: Shape = Shape {{ name: "{name}", kind: {body} }};')
    out.append("")
    return "\n".join(out)


def main() -> int:
    check = "--check" in sys.argv
    if botocore.__version__ != BOTOCORE_VERSION:
        print(f"botocore {botocore.__version__} installed, generator pinned to {BOTOCORE_VERSION}", file=sys.stderr)
        return 2
    stale = []
    for service, spec in SERVICES.items():
        shapes = load_model(spec["model"])["shapes"]
        all_names = reachable(shapes, spec["requests"] + spec["responses"])
        request_names = reachable(shapes, spec["requests"])
        files = {
            ROOT / "core/src/api" / service / "model.rs": gen_model(service, shapes, all_names),
            ROOT / "core/src/api" / service / "shapes.rs": gen_shapes(service, shapes, request_names),
        }
        for path, text in files.items():
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
