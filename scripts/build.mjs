/**
 * Builds the CLI into one CommonJS file, dist/billing-backfill.cjs, with esbuild.
 *
 * Start-up is a product feature: `--help` must cost at most 2× a bare `node`
 * (bench figure 4). On Node 20, a per-file ES module build spends most of that
 * budget in the ES module loader alone (resolving, reading and linking ~30
 * files; about 15 ms before any of our code runs). One CommonJS file needs no
 * ES module loader at all, and esbuild turns each `await import('./run.js')`
 * into a function that initialises that module on first use, so what --help
 * does not run is parsed but never executed.
 *
 * The sources stay ES modules (tests run them directly). Our code, commander
 * and chalk are bundled; the heavy runtime dependencies (mongoose, the stripe
 * SDK, the prompts, cli-table3) stay external: installed with the package and
 * required only by the code paths that need them.
 * Type checking is `npm run typecheck`; esbuild only strips types.
 */
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const pkg = JSON.parse(await readFile(`${root}package.json`, 'utf8'));
const external = Object.keys(pkg.dependencies).flatMap((name) => [name, `${name}/*`]);

/** See scripts/lazy-child-process.cjs. */
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: `${root}scripts/lazy-child-process.cjs` } : undefined,
    );
  },
};

await rm(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/billing-backfill.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: ['scripts/import-meta-url.js'],
  plugins: [lazyChildProcessInCommander],
  sourcemap: 'linked',
  logLevel: 'warning',
});
