// The JS layer shared by the npm package (napi module) and the browser bundle (WASM module):
// typed errors, boto3-style clients, plain objects in and out. Both natives return failed calls
// as data ({ error }); this is the one place that turns them into thrown errors.

import { SERVICES } from './services.js';

/** Each math function's parameters, in order (the core reads them by these names). */
export const MATH_PARAMETERS = {
  targetTrackingCapacity: ['capacity', 'metricValue', 'targetValue'],
  stepAdjustment: ['stepAdjustments', 'metricValue', 'threshold'],
  applyAdjustment: ['capacity', 'adjustment', 'adjustmentType', 'minAdjustmentMagnitude'],
  rollingUpdateBounds: ['desiredCount', 'minimumHealthyPercent', 'maximumPercent'],
  circuitBreakerThreshold: ['desiredCount'],
  capacityProviderReservation: ['instancesNeeded', 'instancesRunning'],
  capacityProviderSplit: ['total', 'capacityProviderStrategy'],
  fireTimes: ['expression', 'start', 'end', 'timezone'],
  hpaDesiredReplicas: ['currentReplicas', 'metricValue', 'targetValue', 'tolerance'],
  // `...options`: an object whose members are the function's other arguments.
  hpaReplay: ['trace', '...options'],
};

/** A math function's input from its arguments, by MATH_PARAMETERS. */
export function mathInput(name, values) {
  const input = {};
  MATH_PARAMETERS[name].forEach((parameter, i) => {
    if (parameter.startsWith('...')) Object.assign(input, values[i] ?? {});
    else if (values[i] !== undefined) input[parameter] = values[i];
  });
  return input;
}

const NOT_ACTIONS = new Set(['then', 'catch', 'finally', 'constructor', 'toJSON', 'valueOf', 'toString']);

export function makeApi(native) {
  /** Base of every error ecsim throws; `name` and `code` are the AWS error name. */
  class EcsimError extends Error {
    constructor(code, message, diagnostics = []) {
      super(message);
      this.name = code;
      this.code = code;
      this.diagnostics = diagnostics;
    }
  }
  const errors = { EcsimError };
  for (const code of native.errorCodes()) {
    errors[code] = { [code]: class extends EcsimError {} }[code];
  }

  /**
   * An input as JSON text for the native call. JSON cannot hold NaN or the infinities (they
   * would become null), so they are refused naming the member; so are inputs that refer to
   * themselves or nest too deeply.
   */
  function inputJson(input) {
    try {
      return JSON.stringify(input, (key, value) => {
        if (typeof value === 'number' && !Number.isFinite(value)) {
          throw new errors.InvalidParameterException('InvalidParameterException', `${value} at ${key || '$'} is not a number AWS accepts: give a finite number.`);
        }
        if (typeof value === 'bigint') {
          throw new errors.InvalidParameterException('InvalidParameterException', `${value}n at ${key || '$'}: give integers as numbers.`);
        }
        return value;
      });
    } catch (error) {
      if (error instanceof EcsimError) throw error;
      const why = error instanceof RangeError ? 'nests too deeply' : 'is not JSON (it may refer to itself)';
      throw new errors.InvalidParameterException('InvalidParameterException', `The input ${why}: ${error.message}`);
    }
  }

  function unwrap(result) {
    if (result.error) {
      const { code, message, diagnostics } = result.error;
      const ErrorClass = errors[code] ?? EcsimError;
      throw new ErrorClass(code, message, diagnostics);
    }
    // A simulation call's answer comes as JSON text (JSON.parse is the fastest way across).
    return result.outputJson != null ? JSON.parse(result.outputJson) : result.output;
  }

  /** Validates a task definition (RegisterTaskDefinition input shape); returns diagnostics, never throws for bad input. */
  function validateTaskDefinition(taskDefinition, options = undefined) {
    // JSON text crosses into Rust several times faster than an object walked property by property.
    const result = native.validateTaskDefinition(inputJson(taskDefinition) ?? 'null', options);
    unwrap(result);
    return result.diagnostics;
  }

  /** Validates a task definition given as JSON text; each diagnostic carries its line and column (editors). */
  function validateTaskDefinitionText(text, options = undefined) {
    return unwrap(native.validateTaskDefinitionText(text, options));
  }

  /** Validates every AWS::ECS::TaskDefinition of a CloudFormation/CDK template (JSON or YAML text, or an object). */
  function validateTemplate(template, options = undefined) {
    return unwrap(native.validateTemplate(template, options));
  }

  /** Renders a template report as 'text', 'json' or 'sarif' (SARIF 2.1.0). */
  function formatReport(report, format = 'text', filename = 'template') {
    return unwrap(native.formatReport(report, format, filename));
  }

  /** A service's own error classes (boto3's `client.exceptions`), plus the base class. */
  function serviceErrors(service) {
    const own = { EcsimError };
    for (const name of SERVICES[service]?.errors ?? []) own[name] = errors[name];
    return own;
  }

  /** A turn of the event loop (Node's setImmediate; a browser's or worker's setTimeout). */
  function nextTurn() {
    return new Promise((resolve) => (globalThis.setImmediate ?? globalThis.setTimeout)(resolve));
  }

  function actionName(method) {
    return method[0].toUpperCase() + method.slice(1);
  }

  /** One simulated region with a virtual clock. */
  class Simulation {
    #native;

    constructor(config = {}) {
      this.#native = new native.NativeSimulation(config);
    }

    get seed() {
      return this.#native.seed;
    }

    /** The virtual clock, in seconds since the Unix epoch. */
    get now() {
      return this.#native.now;
    }

    advance(seconds) {
      unwrap(this.#native.advance(seconds));
    }

    runUntil(time) {
      unwrap(this.#native.runUntil(time));
    }

    /**
     * `advance` without holding the event loop: the clock runs in slices of about `sliceMs` of
     * wall time, with a turn of the event loop between them. Same answers as `advance`.
     */
    async advanceAsync(seconds, options = {}) {
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
        this.advance(seconds); // refuses it, naming the value, before anything runs
      }
      await this.runUntilAsync(this.now + seconds, options);
    }

    /**
     * `runUntil` in slices, as `advanceAsync`. An aborted `signal` stops the clock between two
     * moments (it stays at the last one run) and rejects with the signal's reason; calls made
     * while it runs happen at the moment the clock has reached.
     */
    async runUntilAsync(time, { signal, sliceMs = 20 } = {}) {
      signal?.throwIfAborted();
      while (!unwrap(this.#native.runUntilFor(time, sliceMs))) {
        await nextTurn();
        signal?.throwIfAborted();
      }
    }

    /**
     * A DNS server on 127.0.0.1 (`port` 0: a free one, see `.port`) answering UDP and TCP queries
     * for the Cloud Map DNS namespaces from the live simulation, as Route 53 would; `stop()` ends
     * it. Node only: the browser build has no sockets (ask the ecsim client's `resolveDns`).
     */
    serveDns({ port = 0 } = {}) {
      if (typeof this.#native.serveDns !== 'function') {
        throw new Error('serveDns needs the native addon: the WASM build has no sockets (use the ecsim client\'s resolveDns).');
      }
      return this.#native.serveDns(port);
    }

    /** The whole simulation as JSON-ready data (its configuration and every call and clock move). */
    snapshot() {
      return unwrap(this.#native.snapshot());
    }

    /** An independent simulation in the same state (clock, RNG position, journal): same calls, same future. */
    fork() {
      const forked = new Simulation();
      unwrap(forked.#native.forkFrom(this.#native));
      return forked;
    }

    /**
     * The simulation a scenario builds (the playground's export format: config, fleet, task
     * definitions, timed steps); each step's answer is in `scenarioOutputs`.
     */
    static fromScenario(scenario) {
      const loaded = new Simulation();
      loaded.scenarioOutputs = unwrap(loaded.#native.loadScenario(scenario));
      return loaded;
    }

    /** The simulation a snapshot() was taken of, in the same state, with the same future. */
    static restore(snapshot) {
      const restored = new Simulation();
      unwrap(restored.#native.restore(snapshot));
      return restored;
    }

    /**
     * Every service event so far, oldest first (the ecsim client's ListEvents); with
     * `{bus: true}`, ECS's EventBridge events on the default bus as objects (ListBusEvents),
     * narrowed by `since`, `detailType` and `pattern` (an event pattern, object or JSON text).
     */
    events(options = {}) {
      const { bus, detailType, pattern, ...rest } = options ?? {};
      if (!bus) {
        if (detailType !== undefined || pattern !== undefined) {
          throw new TypeError('detailType and pattern narrow the bus\'s events: pass bus: true');
        }
        return unwrap(this.#native.call('ecsim', 'ListEvents', inputJson(rest))).events;
      }
      if (rest.cluster !== undefined) {
        throw new TypeError("events({bus: true}) reads the whole bus: narrow it with pattern, e.g. {detail: {clusterArn: [arn]}}");
      }
      const request = { ...rest };
      if (detailType !== undefined) request.detailType = detailType;
      if (pattern !== undefined) request.eventPattern = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
      const events = [];
      for (;;) {
        const page = unwrap(this.#native.call('ecsim', 'ListBusEvents', inputJson(request)));
        events.push(...page.events.map((text) => JSON.parse(text)));
        if (!page.nextToken) return events;
        request.nextToken = page.nextToken;
      }
    }

    /** The untyped form of a client call: call('ecs', 'RunTask', {...}). */
    call(service, action, input = {}) {
      return unwrap(this.#native.call(service, action, inputJson(input ?? {})));
    }

    /** A client for one AWS service: methods are its actions in camelCase (registerTaskDefinition). */
    client(service) {
      unwrap(this.#native.checkService(service));
      const simulation = this;
      return new Proxy(
        { service, exceptions: serviceErrors(service) },
        {
          get(target, property) {
            if (property in target || typeof property !== 'string') return target[property];
            if (NOT_ACTIONS.has(property) || !/^[a-z][A-Za-z0-9]*$/.test(property)) return undefined;
            return (input = {}) => simulation.call(service, actionName(property), input);
          },
        },
      );
    }
  }

  /**
   * The browser bundle leaves the time zone database out of its first load: installs it from
   * `tzdb.bin` (bytes); returns the number of zones. The native module has its own database.
   */
  function installTimeZones(bundle) {
    return native.installTimeZones ? unwrap(native.installTimeZones(bundle)) : 0;
  }

  /** The EC2 instance types of the catalog, with what ECS registers for each. */
  /** Every rule ecsim reports, in code order. */
  function rules() {
    return native.rules();
  }

  function instanceTypes() {
    return native.instanceTypes();
  }

  /**
   * The scaling math (`math.targetTrackingCapacity(4, 80, 50)` and the rest): the functions the
   * simulation's decisions call, with Python's `ecsim.math` parameters in the same order.
   */
  const math = Object.fromEntries(Object.keys(MATH_PARAMETERS).map((name) => [name, (...values) => {
    return unwrap(native.math(name, inputJson(mathInput(name, values))));
  }]));

  return { validateTaskDefinition, validateTaskDefinitionText, validateTemplate, formatReport, rules, instanceTypes, installTimeZones, Simulation, errors, math, _panicProbe: () => unwrap(native._panicProbe()) };
}
