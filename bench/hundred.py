"""Writes the benchmark template: 25 copies of the four task definitions of
tests/templates/shop.template.json (100 in all), plus the resources they refer to, so that
cfn-lint reports only what is really wrong. Same task definitions as core/benches/validate.rs."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hundred() -> dict:
    shop = json.loads((ROOT / "tests/templates/shop.template.json").read_text())
    resources = {}
    for copy in range(25):
        for logical_id, resource in shop["Resources"].items():
            if resource["Type"] == "AWS::ECS::TaskDefinition":
                resources[f"{logical_id}{copy}"] = resource
    resources.update({
        "TaskExecRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}},
        "TaskRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}},
        "LogGroup": {"Type": "AWS::Logs::LogGroup"},
        "DbSecret": {"Type": "AWS::SecretsManager::Secret"},
        "FileSystem": {"Type": "AWS::EFS::FileSystem"},
        "AccessPoint": {"Type": "AWS::EFS::AccessPoint", "Properties": {"FileSystemId": {"Ref": "FileSystem"}}},
    })
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/bench/hundred.template.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(hundred(), indent=1))
    print(out)
