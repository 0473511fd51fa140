#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `--version` alone is answered before loading anything else: scripts and
// health checks call it often, and it needs nothing but package.json.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // A closed pipe (`billing-backfill list | head`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const { main } = await import('../dist/main.js');
  process.exitCode = await main(process.argv);
}
