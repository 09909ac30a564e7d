// A consumer of the npm package's public types, checked by `tsc` (npm run typecheck).
import { EcsimError, Simulation, validateTaskDefinition, type Diagnostic } from '../lib/index.js';

const diagnostics: Diagnostic[] = validateTaskDefinition({ family: 'web', containerDefinitions: [] });
const codes: string[] = diagnostics.map((d) => `${d.code} ${d.severity} ${d.path}: ${d.message} ${d.help ?? ''}`);
const severity: 'error' | 'warning' | 'security' | undefined = diagnostics[0]?.severity;

const sim = new Simulation({ seed: 1 });
const ecs = sim.client('ecs');
try {
  ecs.registerTaskDefinition({ family: 'web', containerDefinitions: [] });
} catch (error) {
  if (error instanceof EcsimError) console.log(error.code, error.diagnostics.length);
}

// @ts-expect-error: the path is a string, not a number
const wrong: number = diagnostics[0].path;
// @ts-expect-error: severities are 'error' | 'warning' only
const bad: Diagnostic['severity'] = 'fatal';

export { codes, severity, wrong, bad };

import { formatReport, validateTemplate, type TemplateReport } from '../lib/index.js';
const report: TemplateReport = validateTemplate('Resources: {}', { security: true });
const lines: (number | undefined)[] = report.resources.flatMap((r) => r.diagnostics.map((d) => d.line));
const sarif: string = formatReport(report, 'sarif', 'template.yaml');
// @ts-expect-error: only text, json and sarif exist
formatReport(report, 'html');
export { lines, sarif };

import { math } from '../lib/index.js';
const proposal: number = math.targetTrackingCapacity(4, 80, 50);
const bounds: { minimum: number; maximum: number } = math.rollingUpdateBounds(8, 50, 200);
// @ts-expect-error: the adjustment type is one of AWS's three
math.applyAdjustment(4, 25, 'Percent');
const dns = sim.serveDns({ port: 0 });
const port: number = dns.port;
dns.stop();
export { proposal, bounds, port };

// Typed clients, generated from the service models.
import type { ecs as ECS } from '../lib/index.js';
const run: ECS.RunTaskResponse = ecs.runTask({ cluster: 'prod', taskDefinition: 'web:1', count: 2, launchType: 'FARGATE' });
const taskArn: string | undefined = run.tasks?.[0]?.taskArn;
// @ts-expect-error: count is a number
ecs.runTask({ taskDefinition: 'web:1', count: 'two' });
// @ts-expect-error: no such launch type
ecs.createService({ serviceName: 'web', launchType: 'SERVERLESS' });
// @ts-expect-error: serviceName is required
ecs.createService({ desiredCount: 1 });
const discovery = sim.client('servicediscovery');
const namespace = discovery.createPrivateDnsNamespace({ Name: 'local', Vpc: 'vpc-1' });
const operation: string | undefined = namespace.OperationId;
const targets = sim.client('application-autoscaling').describeScalableTargets({ ServiceNamespace: 'ecs' });
const caught: typeof EcsimError = ecs.exceptions.ClusterNotFoundException;
export { taskArn, operation, targets, caught };

// The CDK plugin, structurally aws-cdk-lib's IPolicyValidationPlugin.
import { EcsimValidator } from '../lib/cdk.js';
const plugin = new EcsimValidator({ simulate: true, failOn: 'warning' });
const pluginReport = plugin.validate({ templatePaths: [] });
const ok: boolean = pluginReport.success && plugin.ruleIds.includes('SIM001');
// @ts-expect-error: failOn is a severity
new EcsimValidator({ failOn: 'fatal' });
export { ok };
