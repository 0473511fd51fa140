#!/usr/bin/env node
'use strict';
// CommonJS on purpose: with the bundle in dist/ also CommonJS, `--help` never
// starts Node's ES module loader, which alone costs more than our whole start-up
// budget leaves (see scripts/build.mjs).

// `--version` alone is answered before loading anything else: scripts and
// health checks call it often, and it needs nothing but package.json.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  // A closed pipe (`billing-backfill list | head`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  require('../dist/billing-backfill.cjs')
    .main(process.argv)
    .then((code) => {
      process.exitCode = code;
    });
}
