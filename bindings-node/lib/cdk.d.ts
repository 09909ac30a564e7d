// The CDK plugin's types, structurally aws-cdk-lib's IPolicyValidationPlugin (ecsim does not
// depend on aws-cdk-lib: any version of the last year accepts the plugin).

export interface EcsimValidatorOptions {
  /** Run each template's ECS world in a simulation and report the SIM rules (default true). */
  simulate?: boolean;
  /** Seconds of simulated time before the services are examined (900). */
  simulateSeconds?: number;
  /** Report the security rules (Security Hub's ECS controls; default false). */
  security?: boolean;
  /** Report warnings (default true). */
  warnings?: boolean;
  /** Rule codes not to report, e.g. ['TD602']. Per-resource: `Validations.of(x).acknowledge({ id: 'ecsim::TD602', reason })`. */
  ignore?: string[];
  /** The least serious finding that fails the synth: 'error' (default), 'warning' or 'security'. */
  failOn?: 'error' | 'warning' | 'security';
}

export interface PolicyViolatingResource {
  resourceLogicalId?: string;
  templatePath: string;
  /** Relative to the resource: `Properties/ContainerDefinitions/0/Memory`. */
  locations: string[];
}

export interface PolicyViolation {
  /** The rule code (`TD203`, `SIM001`). */
  ruleName: string;
  /** What is wrong, with the numbers. */
  description: string;
  fix?: string;
  severity?: 'error' | 'warning' | 'security';
  ruleMetadata?: { [key: string]: string };
  violatingResources: PolicyViolatingResource[];
}

export interface PolicyValidationPluginReport {
  success: boolean;
  violations: PolicyViolation[];
  pluginVersion?: string;
}

/** What `cdk synth` passes: the absolute paths of the synthesized templates. */
export interface PolicyValidationContext {
  readonly templatePaths: string[];
}

/** ecsim as a CDK policy validation plugin: `Validations.of(app).addPlugins(new EcsimValidator())`. */
export declare class EcsimValidator {
  constructor(options?: EcsimValidatorOptions);
  readonly name: 'ecsim';
  readonly version: string;
  readonly ruleIds: string[];
  validate(context: PolicyValidationContext): PolicyValidationPluginReport;
}
