// The CommonJS entry of `ecsim/cdk` (require(esm), as lib/index.cjs).
module.exports = require('./cdk.js');
