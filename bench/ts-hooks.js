/**
 * Module hooks for the benchmarks: Node 20 cannot run TypeScript, so bench/*.ts
 * and the src/*.ts modules it imports (the emulator, the seeders, the store for
 * the in-process listing figure) are transpiled on the fly. Everything the
 * figures time as "the CLI" is the built dist/ run by a spawned process.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, URL } from 'node:url';
import ts from 'typescript';

const root = new URL('../', import.meta.url).href;
const ours = [`${root}bench/`, `${root}src/`];
const isOurs = (url) => ours.some((dir) => url.startsWith(dir));

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (isOurs(parent) && (specifier.startsWith('./') || specifier.startsWith('../'))) {
    const target = new URL(specifier, parent).href;
    if (isOurs(target) && target.endsWith('.js')) return { url: target.replace(/\.js$/, '.ts'), shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(fileURLToPath(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
