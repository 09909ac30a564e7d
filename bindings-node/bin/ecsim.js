#!/usr/bin/env node
// ecsim's command line: `ecsim validate <templates or cdk.out directories>` (lib/cli.js).
import { main } from '../lib/cli.js';

process.exitCode = main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
