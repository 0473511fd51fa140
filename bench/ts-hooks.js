/**
 * Module hooks for the benchmarks: bench/*.ts is transpiled on the fly, and
 * its imports of ../src/…js run the built dist/…js instead, so in-process
 * figures measure the same compiled code the CLI runs (npm run bench builds first).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath, URL } from 'node:url';
import ts from 'typescript';

const root = new URL('../', import.meta.url).href;
const src = `${root}src/`;
const dist = `${root}dist/`;

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (parent.startsWith(`${root}bench/`) && (specifier.startsWith('./') || specifier.startsWith('../'))) {
    const target = new URL(specifier, parent).href;
    if (target.startsWith(src)) return nextResolve(dist + target.slice(src.length), context);
    if (target.startsWith(`${root}bench/`) && target.endsWith('.js')) {
      return { url: target.replace(/\.js$/, '.ts'), shortCircuit: true };
    }
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
