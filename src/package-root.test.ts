import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, packageVersion } from './package-root.js';

describe('packageRoot', () => {
  it('finds this package from src/ (the bundle is covered by the end-to-end tests)', () => {
    const root = packageRoot();
    expect(root).toBe(join(import.meta.dirname, '..'));
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(manifest.name).toBe('billing-backfill');
    expect(packageVersion()).toBe(manifest.version);
  });
});
