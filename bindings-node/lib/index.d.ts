import type { Api, ErrorClasses } from './api.js';

export type {
  Diagnostic,
  ValidationOptions,
  SimulationConfig,
  Client,
  EcsClient,
  JsonObject,
  LocatedDiagnostic,
  ResourceReport,
  TemplateReport,
  ReportFormat,
} from './api.js';
export { EcsimError, Simulation } from './api.js';

export declare const validateTaskDefinition: Api['validateTaskDefinition'];
export declare const validateTemplate: Api['validateTemplate'];
export declare const formatReport: Api['formatReport'];
export declare const errors: ErrorClasses;
export declare const _panicProbe: Api['_panicProbe'];
export declare const ClientException: ErrorClasses['EcsimError'];
export declare const InvalidParameterException: ErrorClasses['EcsimError'];
export declare const InternalError: ErrorClasses['EcsimError'];
