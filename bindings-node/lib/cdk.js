// The CDK policy validation plugin: at `cdk synth`, every template of the app is checked with
// ecsim's rules (task definitions) and, by default, run in a simulation (the SIM rules: services
// that cannot place their tasks, deployments that cannot progress, load balancers that name no
// container port). Implements aws-cdk-lib's IPolicyValidationPlugin, and its Beta1 predecessor.
import { readFileSync } from 'node:fs';
import { rules as allRules, validateTemplate } from './index.js';
import { violationLocation } from './locations.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Findings by severity, from the most to the least serious. */
const SEVERITY_ORDER = ['error', 'warning', 'security'];

export class EcsimValidator {
  /**
   * @param {import('./cdk.js').EcsimValidatorOptions} [options]
   */
  constructor(options = {}) {
    const { simulate = true, simulateSeconds, security = false, warnings = true, ignore = [], failOn = 'error' } = options;
    if (!SEVERITY_ORDER.includes(failOn)) {
      throw new TypeError(`failOn: expected 'error', 'warning' or 'security', got ${JSON.stringify(failOn)}`);
    }
    this.name = 'ecsim';
    this.version = version;
    this.ruleIds = allRules().map((rule) => rule.code);
    this.options = { simulate, security, warnings, ignore, ...(simulateSeconds === undefined ? {} : { simulateSeconds }) };
    this.failOn = failOn;
    this.rulesByCode = new Map(allRules().map((rule) => [rule.code, rule]));
  }

  /** Called by `cdk synth` with the synthesized templates' paths. */
  validate(context) {
    const violations = new Map();
    let failed = false;
    const failing = SEVERITY_ORDER.slice(0, SEVERITY_ORDER.indexOf(this.failOn) + 1);
    for (const templatePath of context.templatePaths) {
      const report = validateTemplate(readFileSync(templatePath, 'utf8'), this.options);
      for (const resource of report.resources) {
        for (const finding of resource.diagnostics) {
          failed ||= failing.includes(finding.severity);
          // One violation per rule and message; the resources that share it are listed together.
          const key = `${finding.code}\0${finding.message}`;
          let violation = violations.get(key);
          if (!violation) {
            violation = this.#violation(finding);
            violations.set(key, violation);
          }
          violation.violatingResources.push({
            resourceLogicalId: resource.logicalId,
            templatePath,
            locations: [violationLocation(finding.path, resource.templatePath)],
          });
        }
      }
      for (const finding of report.diagnostics) {
        failed ||= failing.includes(finding.severity);
        const violation = this.#violation(finding);
        violation.violatingResources.push({ templatePath, locations: [violationLocation(finding.path, '$')] });
        violations.set(`${finding.code}\0${templatePath}\0${finding.message}`, violation);
      }
    }
    return { success: !failed, violations: [...violations.values()], pluginVersion: version };
  }

  #violation(finding) {
    const rule = this.rulesByCode.get(finding.code);
    return {
      ruleName: finding.code,
      description: finding.message,
      fix: finding.help ?? `${rule?.summary ?? ''} See ecsim's docs/rules.md#${finding.code.toLowerCase()} (${rule?.source ?? ''}).`.trim(),
      severity: finding.severity,
      ruleMetadata: { rule: rule?.name ?? finding.code, documentation: rule?.source ?? '' },
      violatingResources: [],
    };
  }
}
