import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeConnection, openConnection } from '../store/connection.js';
import { isRunning, sandboxChildrenOf } from '../../test/helpers/sandbox-processes.js';
import { EmulatorClient } from './emulator/client.js';
import { SANDBOX_STRIPE_KEY, seededRecordId, seedSandbox, startSandbox } from './sandbox.js';
import { mixedCounts } from './seed.js';

function occupiedPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server });
    });
  });
}

describe('sandbox', () => {
  it('seeds records in MongoDB with matching objects in the emulator, and stops without leaving a process or its temp dir', async () => {
    const sandbox = await startSandbox();
    try {
      expect(sandbox.env.STRIPE_SECRET_KEY).toBe(SANDBOX_STRIPE_KEY);
      expect(sandbox.env.MONGODB_URI).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/billing$/);
      expect(isRunning(sandbox.mongo.pid)).toBe(true);

      const progress: number[] = [];
      const scenario = await seedSandbox(sandbox.env, mixedCounts(20), { now: new Date('2026-12-01T12:00:00Z'), onProgress: (n) => progress.push(n) });
      const { records } = scenario;
      expect(records).toHaveLength(20);
      expect(progress).toEqual([20]);
      expect(new Set(records.map((r) => r.kind))).toEqual(new Set(['fixable', 'fixable-needs-session', 'already-correct', 'conflict', 'missing', 'refunded']));

      const connection = await openConnection(sandbox.env.MONGODB_URI);
      try {
        const docs = await connection.db!.collection('billing_failed_backfills').find().toArray();
        expect(docs.map((d) => d.paymentIntentId).sort()).toEqual(records.map((r) => r.paymentIntentId).sort());
        expect(docs.every((d) => d.resolvedAt === null && d.failedAt instanceof Date && typeof d.stripeSessionId === 'string')).toBe(true);
        const first = docs.find((d) => d.paymentIntentId === records[0]?.paymentIntentId);
        expect(await seededRecordId(sandbox.env, records[0]!.paymentIntentId)).toBe(String(first?._id));
      } finally {
        await closeConnection(connection);
      }

      const emulator = new EmulatorClient(sandbox.env.STRIPE_API_BASE);
      for (const record of records) {
        const pi = await emulator.paymentIntent(record.paymentIntentId);
        if (record.kind === 'missing') expect(pi).toBeNull();
        else expect(pi?.metadata).toEqual(scenario.stripe.payment_intents.find((p) => p.id === record.paymentIntentId)?.metadata);
      }
    } finally {
      await sandbox.stop();
    }
    expect(isRunning(sandbox.mongo.pid)).toBe(false);
    expect(() => process.kill(sandbox.mongo.pid, 0)).toThrow();
    expect(existsSync(sandbox.mongo.dataDir)).toBe(false);
    await sandbox.stop();
  });

  it('stops the database again when the emulator cannot start', async () => {
    const busy = await occupiedPort();
    const before = new Set(sandboxChildrenOf(process.pid).map((c) => c.pid));
    try {
      await expect(startSandbox({ stripePort: busy.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      busy.server.close();
    }
    const leftover = sandboxChildrenOf(process.pid).filter((c) => !before.has(c.pid) && isRunning(c.pid));
    expect(leftover).toEqual([]);
  });
});
