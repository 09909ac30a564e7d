// The CDK plugin inside real aws-cdk-lib apps, synthesized in child processes as `cdk synth`
// runs them, and the CLI on the cloud assemblies they leave.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const app = fileURLToPath(new URL('./cdk/app.mjs', import.meta.url));
const cli = fileURLToPath(new URL('../bin/ecsim.js', import.meta.url));

// The cloud assemblies are removed once the file's tests are done.
const outdirs = [];
after(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function synth(kind, ...extra) {
  const outdir = mkdtempSync(join(tmpdir(), `ecsim-cdk-${kind}-`));
  outdirs.push(outdir);
  const run = spawnSync(process.execPath, [app, kind, outdir, ...extra], { encoding: 'utf8' });
  return { outdir, status: run.status, stderr: run.stderr, stdout: run.stdout };
}

function ecsim(...args) {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const passing = synth('passes');
const unplaceable = synth('unplaceable');

test('cdk: an app whose ECS world is sound synthesizes', () => {
  assert.equal(passing.status, 0, passing.stderr);
  assert.doesNotMatch(passing.stderr, /ecsim/);
});

test('cdk: a task definition AWS would reject fails the synth, naming rule, construct, property and fix', () => {
  const { status, stderr, outdir } = synth('bad-taskdef');
  assert.equal(status, 1, stderr);
  assert.match(stderr, /ERROR No Fargate configuration exists for given values: 256 CPU, 4096 memory.*\(ecsim\)/);
  assert.match(stderr, /Shop\/Web\/Resource/);
  assert.match(stderr, /Suggested fix: On Linux, cpu 256 accepts memory 512, 1024, 2048/);
  assert.match(stderr, /Acknowledge with 'ecsim::TD203'/);
  // The JSON copy of the report carries the property.
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  const ours = report.pluginReports.find((r) => r.pluginName === 'ecsim');
  const [violation] = ours.violations;
  assert.equal(violation.ruleName, 'TD203');
  assert.deepEqual(violation.violatingConstructs[0].cloudFormationResource.propertyPaths, ['Properties/Memory']);
});

test('cdk: a service that cannot place its tasks fails the synth with the simulated ECS event', () => {
  assert.equal(unplaceable.status, 1, unplaceable.stderr);
  assert.match(unplaceable.stderr, /SIM001/);
  assert.match(unplaceable.stderr, /Shop\/WorkerService\/Service/);
  assert.match(unplaceable.stderr, /insufficient memory available/);
});

test('cdk: the Beta1 property takes the same plugin', () => {
  const { status, stderr } = synth('unplaceable', 'beta1');
  assert.equal(status, 1, stderr);
  assert.match(stderr, /SIM001/);
});

test('cdk: a rule acknowledged on the construct no longer fails the synth', () => {
  const { status, stderr } = synth('acknowledged');
  assert.equal(status, 0, stderr);
});

test('cli: validate a cdk.out directory, text by default, exit 1 on errors', () => {
  const { status, stdout } = ecsim('validate', '--simulate', unplaceable.outdir);
  assert.equal(status, 1);
  assert.match(stdout, /Shop\.template\.json:\d+:\d+: error SIM001 \[WorkerService\w+\]/);
  const clean = ecsim('validate', '--simulate', passing.outdir);
  assert.equal(clean.status, 0, clean.stdout);
});

test('cli: JSON and SARIF outputs, rule selection and severity', () => {
  const json = JSON.parse(ecsim('validate', '--simulate', '--format', 'json', unplaceable.outdir).stdout);
  const codes = json.files.flatMap((f) => f.report.resources.flatMap((r) => r.diagnostics.map((d) => d.code)));
  assert.deepEqual(codes, ['SIM001']);
  const sarif = JSON.parse(ecsim('validate', '--simulate', '--format', 'sarif', unplaceable.outdir).stdout);
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs[0].results[0].ruleId, 'SIM001');
  const ignored = ecsim('validate', '--simulate', '--ignore', 'SIM001', unplaceable.outdir);
  assert.equal(ignored.status, 0);
  const selected = ecsim('validate', '--simulate', '--select', 'TD203', '--format', 'json', unplaceable.outdir);
  assert.equal(selected.status, 0);
  const security = JSON.parse(ecsim('validate', '--severity', 'security', '--format', 'json', passing.outdir).stdout);
  assert.ok(security.files[0].report.resources.some((r) => r.diagnostics.some((d) => d.severity === 'security')));
  const withoutSimulation = ecsim('validate', unplaceable.outdir);
  assert.equal(withoutSimulation.status, 0, 'the SIM rules run only with --simulate');
});

test('cli: usage errors exit 2', () => {
  assert.equal(ecsim().status, 2);
  assert.equal(ecsim('validate', '--format', 'html', 'x.json').status, 2);
  assert.equal(ecsim('validate', 'no-such-file.json').status, 2);
  assert.match(ecsim('--list-rules').stdout, /^SIM001 +error +service-placement/m);
});
