#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has produced it, otherwise the TypeScript source through tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'dist', 'src', 'cli', 'index.js');
if (existsSync(compiled)) {
  require(compiled).buildCli().parseAsync(process.argv).catch(fail);
} else {
  require('tsx/cjs');
  require('../src/cli/index.ts').buildCli().parseAsync(process.argv).catch(fail);
}

function fail(err) {
  process.stderr.write(`${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
}
