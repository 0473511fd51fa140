// `node --import ./bench/register.js bench/run.ts`: Node 20 cannot run TypeScript by itself.
import { register } from 'node:module';

register('./ts-hooks.js', import.meta.url);
