"""The DNS server over the live registry, asked with a real client (dig) while the simulation
scales an ECS service and rolls a deployment; truncation and the TCP fallback; a clean stop."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

import ecsim

pytestmark = pytest.mark.skipif(shutil.which("dig") is None, reason="dig (Debian's dnsutils) is not installed")


def dig(port: int, name: str, kind: str = "A", *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["dig", "@127.0.0.1", "-p", str(port), name, kind, "+time=2", "+tries=1", *options],
        capture_output=True, text=True, timeout=30,
    )


def short(port: int, name: str, kind: str = "A") -> list[str]:
    done = dig(port, name, kind, "+short")
    assert done.returncode == 0, done.stdout + done.stderr
    return sorted(done.stdout.split())


def web_simulation() -> tuple[ecsim.Simulation, str]:
    sim = ecsim.Simulation(seed=3)
    discovery = sim.client("servicediscovery")
    discovery.create_private_dns_namespace(Name="local", Vpc="vpc-1")
    namespace = discovery.list_namespaces()["Namespaces"][0]["Id"]
    registry = discovery.create_service(Name="web", NamespaceId=namespace,
                                        DnsConfig={"DnsRecords": [{"Type": "A", "TTL": 10}]})["Service"]
    ecs = sim.client("ecs")
    ecs.create_cluster(clusterName="prod", capacityProviders=["FARGATE"])
    ecs.register_task_definition(family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"],
                                 cpu="256", memory="512",
                                 containerDefinitions=[{"name": "web", "image": "web:1", "portMappings": [{"containerPort": 80}]}])
    ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web", desiredCount=2, launchType="FARGATE",
                       networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-a", "subnet-b"]}},
                       serviceRegistries=[{"registryArn": registry["Arn"]}])
    return sim, registry["Id"]


def registered(sim: ecsim.Simulation) -> list[str]:
    found = sim.client("servicediscovery").discover_instances(NamespaceName="local", ServiceName="web")
    return sorted(i["Attributes"]["AWS_INSTANCE_IPV4"] for i in found["Instances"])


def test_dig_follows_a_service_as_it_scales_and_rolls() -> None:
    sim, _ = web_simulation()
    ecs = sim.client("ecs")
    with sim.serve_dns() as server:
        assert short(server.port, "web.local") == []
        sim.advance(60)
        two = registered(sim)
        assert len(two) == 2 and short(server.port, "web.local") == two
        full = dig(server.port, "web.local")
        assert "flags: qr aa" in full.stdout and "status: NOERROR" in full.stdout
        assert "web.local.\t\t10\tIN\tA" in full.stdout
        ecs.update_service(cluster="prod", service="web", desiredCount=4)
        sim.advance(60)
        four = registered(sim)
        assert len(four) == 4 and set(two) <= set(four) and short(server.port, "web.local") == four
        ecs.update_service(cluster="prod", service="web", forceNewDeployment=True)
        sim.advance(30)
        during = short(server.port, "web.local")
        assert set(four) & set(during) and set(during) - set(four), "old and new tasks answer together"
        sim.advance(300)
        after = short(server.port, "web.local")
        assert after == registered(sim) and not set(after) & set(four), "only the new deployment's tasks"
        missing = dig(server.port, "nothing.local")
        assert "status: NXDOMAIN" in missing.stdout and "SOA" in missing.stdout
        outside = dig(server.port, "example.org")
        assert "status: REFUSED" in outside.stdout
        port = server.port
    stopped = dig(port, "web.local", "A", "+short")
    assert "timed out" in stopped.stdout + stopped.stderr or stopped.returncode != 0


def test_a_big_answer_is_truncated_over_udp_and_whole_over_tcp() -> None:
    sim = ecsim.Simulation()
    discovery = sim.client("servicediscovery")
    discovery.create_private_dns_namespace(Name="local", Vpc="vpc-1")
    namespace = discovery.list_namespaces()["Namespaces"][0]["Id"]
    service = discovery.create_service(Name="_database-replicas._tcp", NamespaceId=namespace,
                                       DnsConfig={"DnsRecords": [{"Type": "SRV", "TTL": 10}]})["Service"]["Id"]
    for i in range(8):
        discovery.register_instance(ServiceId=service, InstanceId=f"{i + 1:032x}",
                                    Attributes={"AWS_INSTANCE_IPV4": f"10.0.0.{i + 1}", "AWS_INSTANCE_PORT": "5432"})
    server = sim.serve_dns()
    try:
        udp_only = dig(server.port, "_database-replicas._tcp.local", "SRV", "+ignore", "+noedns")
        assert "flags: qr aa tc" in udp_only.stdout
        fallback = dig(server.port, "_database-replicas._tcp.local", "SRV", "+noedns")
        assert "Truncated, retrying in TCP mode" in fallback.stdout
        assert len(re.findall(r"\sIN\s+SRV\s+1 1 5432 ", fallback.stdout)) == 8
        assert short(server.port, "00000000000000000000000000000001._database-replicas._tcp.local") == ["10.0.0.1"]
    finally:
        server.stop()


def test_a_port_in_use_is_an_os_error() -> None:
    sim = ecsim.Simulation()
    with sim.serve_dns() as server:
        with pytest.raises(OSError, match="serve_dns"):
            sim.serve_dns(port=server.port)
