import * as native from '../index.js';
import { makeApi } from './api.js';

const api = makeApi(native);

export const { validateTaskDefinition, validateTemplate, formatReport, Simulation, errors, _panicProbe } = api;
export const { EcsimError, ClientException, InvalidParameterException, InternalError } = errors;
