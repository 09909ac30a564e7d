"""What ecsim's results look like in a notebook: plain HTML and SVG, no script and no style sheet,
so GitHub and nbconvert render them without a kernel. Every name and message from the simulation
or the user is escaped."""
from __future__ import annotations

import datetime
import hashlib
from html import escape
from typing import Any, Iterable, Sequence

ROWS_SHOWN = 50
FONT = "font-family:system-ui,sans-serif;font-size:12px"


def short(arn: Any) -> str:
    """The last part of an ARN (a task or instance id), the whole value otherwise."""
    return str(arn).rsplit("/", 1)[-1] if arn is not None else ""


def when(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return ""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def colour(name: str) -> str:
    """A steady colour per name (a task group), the same in every rendering."""
    hue = int(hashlib.sha1(name.encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue},55%,55%)"


def cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        value = f"{len(value)} item{'s' if len(value) != 1 else ''}"
    return f"<td>{escape('' if value is None else str(value))}</td>"


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], caption: str = "") -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(cell(row.get(c)) for c in columns) + "</tr>" for row in rows[:ROWS_SHOWN])
    more = f"<p>… {len(rows) - ROWS_SHOWN} more rows</p>" if len(rows) > ROWS_SHOWN else ""
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f'<table style="{FONT}">{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}'


def on_fargate(instance: Any) -> bool:
    """A layout's task row names no instance (-1) when the task runs on Fargate."""
    return instance is None or instance < 0


def bar(x: float, y: float, width: float, segments: Iterable[tuple[float, str, str]], label: str) -> str:
    """A resource row: the registered amount as an outline, each task's share as a segment."""
    parts = [f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="8" fill="#f2f2f2" stroke="#bbb"/>']
    at = x
    for share, fill, title in segments:
        w = max(0.0, min(share, 1.0)) * width
        parts.append(f'<rect x="{at:.1f}" y="{y:.1f}" width="{w:.1f}" height="8" fill="{fill}">'
                     f"<title>{escape(title)}</title></rect>")
        at += w
    parts.append(f'<text x="{x - 4:.1f}" y="{y + 7:.1f}" text-anchor="end" font-size="9">{escape(label)}</text>')
    return "".join(parts)


def cluster_svg(layout: dict[str, Any]) -> str:
    """Zones as columns; each instance a box with a CPU row and a memory row, each task's
    reservation a segment coloured by its group; tasks without an instance (Fargate) in a lane
    per zone."""
    instances = layout.get("instances", [])
    tasks = layout.get("tasks", {})
    zones = sorted({i.get("availabilityZone") or "?" for i in instances}
                   | {z or "?" for z, at in zip(tasks.get("availabilityZone", []), tasks.get("instance", [])) if on_fargate(at)})
    per_instance: dict[int, list[int]] = {}
    fargate: dict[str, list[int]] = {}
    for row, at in enumerate(tasks.get("instance", [])):
        if on_fargate(at):
            fargate.setdefault(tasks["availabilityZone"][row] or "?", []).append(row)
        else:
            per_instance.setdefault(at, []).append(row)
    box_w, box_h, gap = 220, 46, 8
    heights = {z: 0 for z in zones}
    parts: list[str] = []
    groups: dict[str, None] = {}
    for column, zone in enumerate(zones):
        x = 10 + column * (box_w + 20)
        parts.append(f'<text x="{x}" y="14" font-weight="bold">{escape(zone)}</text>')
        y = 24.0
        for index, instance in enumerate(instances):
            if (instance.get("availabilityZone") or "?") != zone:
                continue
            registered = instance.get("registered", {})
            rows = per_instance.get(index, [])
            stroke = "#333" if instance.get("status") == "ACTIVE" else "#d08000"
            name = f"{short(instance.get('containerInstanceArn'))[:8]} {instance.get('instanceType') or ''}"
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{box_w}" height="{box_h}" fill="white" stroke="{stroke}">'
                         f"<title>{escape(str(instance.get('containerInstanceArn')))} ({escape(str(instance.get('status')))})</title></rect>")
            parts.append(f'<text x="{x + 4}" y="{y + 12:.1f}">{escape(name)}</text>')
            for offset, resource, label in ((18, "cpu", "CPU"), (31, "memory", "MiB")):
                total = float(registered.get(resource) or 0) or 1.0
                segments = []
                for row in rows:
                    group = str(tasks["group"][row])
                    groups[group] = None
                    amount = float(tasks[resource][row] or 0)
                    segments.append((amount / total, colour(group), f"{short(tasks['taskArn'][row])} {group} {amount:g} {label}"))
                parts.append(bar(x + 32, y + offset, box_w - 40, segments, label))
            y += box_h + gap
        if zone in fargate:
            rows = fargate[zone]
            parts.append(f'<text x="{x}" y="{y + 10:.1f}">Fargate: {len(rows)} task{"s" if len(rows) != 1 else ""}</text>')
            for k, row in enumerate(rows[:200]):
                group = str(tasks["group"][row])
                groups[group] = None
                parts.append(f'<rect x="{x + (k % 20) * 11}" y="{y + 16 + (k // 20) * 11:.1f}" width="9" height="9" '
                             f'fill="{colour(group)}"><title>{escape(short(tasks["taskArn"][row]))} {escape(group)}</title></rect>')
            y += 20 + ((min(len(rows), 200) + 19) // 20) * 11
        heights[zone] = int(y)
    legend_y = max(heights.values(), default=24) + 10
    for k, group in enumerate(groups):
        parts.append(f'<rect x="{10 + (k % 4) * 170}" y="{legend_y + (k // 4) * 16}" width="10" height="10" fill="{colour(group)}"/>'
                     f'<text x="{24 + (k % 4) * 170}" y="{legend_y + 9 + (k // 4) * 16}">{escape(group)}</text>')
    height = legend_y + ((len(groups) + 3) // 4) * 16 + 10
    width = max(1, len(zones)) * (box_w + 20) + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" style="{FONT}">'
            + "".join(parts) + "</svg>")


def cluster_html(name: str, layout: dict[str, Any]) -> str:
    instances = layout.get("instances", [])
    tasks = layout.get("tasks", {}).get("taskArn", [])
    title = (f"<p><b>{escape(name)}</b>: {len(instances)} instance{'s' if len(instances) != 1 else ''}, "
             f"{len(tasks)} task{'s' if len(tasks) != 1 else ''} not stopped, at {when(layout.get('time'))} UTC</p>")
    return f'<div style="{FONT}">{title}{cluster_svg(layout)}</div>'


def diagnostics_html(diagnostics: Sequence[Any]) -> str:
    if not diagnostics:
        return f'<p style="{FONT}">No findings.</p>'
    rows = [{"code": d.code, "severity": d.severity, "path": d.path, "message": d.message,
             "fix": (d.fix or {}).get("title", "")} for d in diagnostics]
    return table(rows, ["code", "severity", "path", "message", "fix"],
                 f"{len(rows)} finding{'s' if len(rows) != 1 else ''}")


def placed(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The tasks of a RunTask or StartTask answer, or PlaceTasks' columns as rows."""
    if "placements" not in answer:
        return list(answer.get("tasks", []))
    columns = answer["placements"]
    return [{name: values[k] for name, values in columns.items()} for k in range(len(columns.get("taskArn", [])))]


def placement_html(answer: dict[str, Any]) -> str:
    """Where each task went and, with `explain`, why the others were refused."""
    tasks = placed(answer)
    rows = [{"task": short(t.get("taskArn")), "group": t.get("group"), "zone": t.get("availabilityZone"),
             "instance": short(t.get("containerInstanceArn")) or "Fargate", "lastStatus": t.get("lastStatus")}
            for t in tasks]
    parts = [table(rows, ["task", "group", "zone", "instance", "lastStatus"],
                   f"{len(tasks)} task{'s' if len(tasks) != 1 else ''} placed")]
    failures = answer.get("failures", [])
    if failures:
        parts.append(table([{"arn": short(f.get("arn")), "reason": f.get("reason"), "detail": f.get("detail")}
                            for f in failures], ["arn", "reason", "detail"], "failures"))
    explanations = answer.get("explanations")
    if explanations:
        rows = []
        for number, explanation in enumerate(explanations, 1):
            reasons: dict[str, int] = {}
            for rejected in explanation.get("rejected", []):
                reasons[rejected.get("reason", "?")] = reasons.get(rejected.get("reason", "?"), 0) + 1
            kept = " → ".join(f"{s.get('type')} {s.get('field') or ''}: {len(s.get('kept', []))}".strip()
                              for s in explanation.get("strategies", []))
            rows.append({"attempt": number, "placed on": short(explanation.get("containerInstanceArn")) or "—",
                         "rejected": ", ".join(f"{r} ×{n}" for r, n in sorted(reasons.items())), "strategies kept": kept})
        parts.append(table(rows, ["attempt", "placed on", "rejected", "strategies kept"], "why"))
    return f'<div style="{FONT}">' + "".join(parts) + "</div>"


def services_html(answer: dict[str, Any]) -> str:
    parts = []
    for service in answer.get("services", []):
        head = (f"<p><b>{escape(str(service.get('serviceName')))}</b> {escape(str(service.get('status')))}: "
                f"desired {service.get('desiredCount')}, running {service.get('runningCount')}, "
                f"pending {service.get('pendingCount')}</p>")
        deployments = [{"id": d.get("id"), "status": d.get("status"), "taskDefinition": short(d.get("taskDefinition")),
                        "desired": d.get("desiredCount"), "running": d.get("runningCount"),
                        "pending": d.get("pendingCount"), "failed": d.get("failedTasks"),
                        "rollout": d.get("rolloutState")} for d in service.get("deployments", [])]
        events = [{"at": when(e.get("createdAt")), "message": e.get("message")} for e in service.get("events", [])[:5]]
        parts.append(head + table(deployments, ["id", "status", "taskDefinition", "desired", "running", "pending",
                                                "failed", "rollout"], "deployments")
                     + table(events, ["at", "message"], "last events"))
    for failure in answer.get("failures", []):
        parts.append(f"<p>{escape(str(failure.get('arn')))}: {escape(str(failure.get('reason')))}</p>")
    return f'<div style="{FONT}">' + "".join(parts) + "</div>"


def timeline_svg(events: Sequence[dict[str, Any]], start: float, end: float) -> str:
    """Service events as ticks on the clock from `start` to `end`."""
    width, height = 640, 40
    span = max(end - start, 1.0)
    parts = [f'<line x1="10" y1="20" x2="{width - 10}" y2="20" stroke="#999"/>',
             f'<text x="10" y="36" font-size="9">{escape(when(start))}</text>',
             f'<text x="{width - 10}" y="36" font-size="9" text-anchor="end">{escape(when(end))}</text>']
    for event in events[-500:]:
        x = 10 + (float(event.get("createdAt", start)) - start) / span * (width - 20)
        parts.append(f'<line x1="{x:.1f}" y1="10" x2="{x:.1f}" y2="26" stroke="#2a6fb0">'
                     f"<title>{escape(when(event.get('createdAt')))} {escape(str(event.get('message')))}</title></line>")
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" style="{FONT}">' + "".join(parts) + "</svg>"


def simulation_html(summary: dict[str, Any], events: Sequence[dict[str, Any]]) -> str:
    rows = summary["clusters"]
    text = (f"<p><b>ecsim simulation</b> (seed {summary['seed']}) at {when(summary['now'])} UTC, "
            f"{len(rows)} cluster{'s' if len(rows) != 1 else ''}, {len(events)} service event{'s' if len(events) != 1 else ''}</p>")
    return (f'<div style="{FONT}">{text}'
            + table(rows, ["cluster", "instances", "tasks", "services"], "clusters")
            + timeline_svg(events, summary["start"], summary["now"]) + "</div>")
