// Validation speed through the npm package (napi) and the WASM bundle, in Node.
//   node bench/validate.mjs      (after ./dev test has built both)
import { readFileSync } from 'node:fs';
import * as ecsim from '../bindings-node/lib/index.js';
import { makeApi } from '../bindings-node/lib/api.js';

const shop = JSON.parse(readFileSync(new URL('../tests/templates/shop.template.json', import.meta.url), 'utf8'));
const web = shop.Resources.WebTaskDef1A2B3C4D.Properties;
const resources = {};
for (let copy = 0; copy < 25; copy++) {
  for (const [id, resource] of Object.entries(shop.Resources)) {
    if (resource.Type === 'AWS::ECS::TaskDefinition') resources[`${id}${copy}`] = resource;
  }
}
const text = JSON.stringify({ Resources: resources }, null, 1);

function bestOf(runs, repeat, call) {
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < repeat; i++) call();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9 / repeat);
  }
  return best;
}

const wasm = await import('../web/pkg/ecsim_wasm.js');
wasm.initSync({ module: readFileSync(new URL('../web/pkg/ecsim_wasm_bg.wasm', import.meta.url)) });
for (const [name, api] of [['node (napi)', ecsim], ['wasm', makeApi(wasm)]]) {
  const perDefinition = bestOf(5, 2000, () => api.validateTaskDefinition(web));
  const perTemplate = bestOf(5, 20, () => api.validateTemplate(text));
  console.log(
    `${name.padEnd(12)} validateTaskDefinition (CloudFormation shape, 4 containers): ${(perDefinition * 1e6).toFixed(1)} µs;` +
      ` validateTemplate (100 definitions, JSON text): ${(perTemplate * 1e3).toFixed(2)} ms`,
  );
}
