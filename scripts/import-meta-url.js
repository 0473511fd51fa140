// Injected by esbuild into the CommonJS bundle (scripts/build.mjs) in place of
// `import.meta.url`, which the sources use to find files next to themselves.
// Written as a module because esbuild injects exports; it runs only inside the
// bundle, where require and __filename exist.
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
