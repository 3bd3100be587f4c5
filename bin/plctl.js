#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` has produced it, otherwise the TypeScript source through tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const compiled = join(__dirname, '..', 'dist', 'src', 'cli', 'index.js');

// `plctl history T-1 | head`: the reader went away; stop quietly instead of crashing with EPIPE.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
if (existsSync(compiled)) {
  require(compiled).buildCli().parseAsync(process.argv).catch(fail);
} else {
  require('tsx/cjs');
  require('../src/cli/index.ts').buildCli().parseAsync(process.argv).catch(fail);
}

function fail(err) {
  const cli = existsSync(compiled) ? require(compiled) : require('../src/cli/index.ts');
  cli.reportError(err, process.argv.includes('--json'));
  process.exit(1);
}
