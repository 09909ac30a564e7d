// The CommonJS entry: the ESM package itself, through require(esm) (Node 20.19+ and 22.12+), so
// that `require('ecsim')` and `import 'ecsim'` share one module and one set of error classes.
module.exports = require('./index.js');
