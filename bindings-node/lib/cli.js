// `ecsim validate`: CloudFormation templates and CDK cloud assemblies checked with ecsim's rules,
// reported as text, JSON or SARIF. Exit status: 0 clean, 1 a finding at or above --fail-on,
// 2 a usage error or a file that cannot be read.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, rules, validateTemplate } from './index.js';

const USAGE = `usage: ecsim validate [options] <template file or cdk.out directory>...

  --format text|json|sarif   output format (text)
  --severity error|warning|security
                             the least serious finding reported (warning; security also
                             turns the security rules on)
  --fail-on error|warning|security
                             the least serious finding that exits 1 (error)
  --select CODES             report only these rule codes (comma-separated)
  --ignore CODES             never report these rule codes (comma-separated)
  --simulate                 also run each template's ECS world in a simulation (SIM rules)
  --simulate-seconds N       simulated time before the services are examined (900)
  --list-rules               print every rule and exit
`;

const SEVERITIES = ['error', 'warning', 'security'];

class UsageError extends Error {}

function codes(text) {
  return text ? text.split(',').map((code) => code.trim()).filter(Boolean) : [];
}

function oneOf(name, value, allowed) {
  if (!allowed.includes(value)) throw new UsageError(`--${name}: expected ${allowed.join(', ')}, got ${value}`);
  return value;
}

/** The templates a path stands for: a file, or a cloud assembly's stacks (nested stages too). */
export function templatesOf(path) {
  if (!statSync(path).isDirectory()) return [path];
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(path, 'manifest.json'), 'utf8'));
  } catch {
    return readdirSync(path).filter((name) => name.endsWith('.template.json')).sort().map((name) => join(path, name));
  }
  const found = [];
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile) {
      found.push(join(path, artifact.properties.templateFile));
    } else if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      found.push(...templatesOf(join(path, artifact.properties.directoryName)));
    }
  }
  return found;
}

function parse(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      severity: { type: 'string', default: 'warning' },
      'fail-on': { type: 'string', default: 'error' },
      select: { type: 'string' },
      ignore: { type: 'string' },
      simulate: { type: 'boolean', default: false },
      'simulate-seconds': { type: 'string' },
      'list-rules': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const seconds = values['simulate-seconds'];
  if (seconds !== undefined && !/^\d+(\.\d+)?$/.test(seconds)) throw new UsageError(`--simulate-seconds: expected a number of seconds, got ${seconds}`);
  return {
    command: positionals[0],
    paths: positionals.slice(1),
    format: oneOf('format', values.format, ['text', 'json', 'sarif']),
    severity: oneOf('severity', values.severity, SEVERITIES),
    failOn: oneOf('fail-on', values['fail-on'], SEVERITIES),
    select: codes(values.select),
    ignore: codes(values.ignore),
    simulate: values.simulate,
    simulateSeconds: seconds === undefined ? undefined : Number(seconds),
    listRules: values['list-rules'],
    help: values.help,
  };
}

/** One SARIF log with a run per file merged into one run (one tool, one rule list). */
function mergedSarif(documents) {
  const [first, ...rest] = documents.map((text) => JSON.parse(text));
  const run = first.runs[0];
  const known = new Set(run.tool.driver.rules.map((rule) => rule.id));
  for (const document of rest) {
    for (const rule of document.runs[0].tool.driver.rules) {
      if (!known.has(rule.id)) run.tool.driver.rules.push(rule);
      known.add(rule.id);
    }
    run.results.push(...document.runs[0].results);
  }
  return JSON.stringify(first, null, 2);
}

/** Runs the command line; returns the exit status. */
export function main(argv, { stdout, stderr }) {
  let options;
  try {
    options = parse(argv);
  } catch (error) {
    stderr.write(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    stdout.write(USAGE);
    return 0;
  }
  if (options.listRules) {
    for (const rule of rules()) stdout.write(`${rule.code}  ${rule.severity.padEnd(8)} ${rule.name}: ${rule.summary}\n`);
    return 0;
  }
  if (options.command !== 'validate' || options.paths.length === 0) {
    stderr.write(USAGE);
    return 2;
  }
  // Severity and rule selection are the core's options: --select ignores every other code.
  const unselected = options.select.length === 0 ? [] : rules().map((rule) => rule.code).filter((code) => !options.select.includes(code));
  const validation = {
    warnings: options.severity !== 'error',
    security: options.severity === 'security',
    ignore: [...options.ignore, ...unselected],
    simulate: options.simulate,
    ...(options.simulateSeconds === undefined ? {} : { simulateSeconds: options.simulateSeconds }),
  };
  const results = [];
  try {
    for (const file of options.paths.flatMap(templatesOf)) {
      results.push({ file, report: validateTemplate(readFileSync(file, 'utf8'), validation) });
    }
  } catch (error) {
    stderr.write(`ecsim: ${error.message}\n`);
    return 2;
  }
  if (results.length === 0) {
    stderr.write(`ecsim: no template found in ${options.paths.join(', ')}\n`);
    return 2;
  }
  if (options.format === 'json') {
    stdout.write(`${JSON.stringify({ files: results }, null, 2)}\n`);
  } else if (options.format === 'sarif') {
    stdout.write(`${mergedSarif(results.map(({ file, report }) => formatReport(report, 'sarif', file)))}\n`);
  } else {
    for (const { file, report } of results) stdout.write(formatReport(report, 'text', file));
  }
  const failing = SEVERITIES.slice(0, SEVERITIES.indexOf(options.failOn) + 1);
  const failed = results.some(({ report }) => [...report.diagnostics, ...report.resources.flatMap((r) => r.diagnostics)]
    .some((d) => failing.includes(d.severity)));
  return failed ? 1 : 0;
}
