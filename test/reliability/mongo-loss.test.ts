/**
 * Scenario 6: the database goes away in the middle of `retry --all`. A
 * FerretDB of its own (not the suite's shared server) is stopped under the
 * running binary, then restarted on the same data directory and port.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startMongoSandbox, type MongoSandbox } from '../../src/sandbox/mongo-launcher.js';
import { buildScenario, loadStripeObjects, mixedCounts, upstreamDocument } from '../../src/sandbox/seed.js';
import { closeConnection, openConnection } from '../../src/store/connection.js';
import { COLLECTION, useWorld } from '../helpers/world.js';
import { baseRequests, checkInvariants, report, RESOLVABLE, unresolvedSeeds, type World } from './invariants.js';
import { spawnCli, waitUntil } from './processes.js';
import { scaled, timeoutFor } from './scale.js';

const world = useWorld();
const RECORDS = scaled(500, 120);
let sandbox: MongoSandbox | null = null;
let connection: Connection | null = null;
let dataDir: string | null = null;

afterAll(async () => {
  if (connection) await closeConnection(connection).catch(() => undefined);
  await sandbox?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function connect(uri: string): Promise<World> {
  connection = await openConnection(uri);
  const db = connection.db;
  if (!db) throw new Error('no database');
  return { records: () => db.collection(COLLECTION), emulator: world.emulator };
}

describe('scenario 6: MongoDB stopped in the middle of a run', () => {
  it('exits 3 with one clear line; restarted and rerun, it completes', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bb-reliability-'));
    sandbox = await startMongoSandbox({ dataDir });
    const port = Number(new URL(sandbox.uri).port);
    const uri = `mongodb://127.0.0.1:${port}/reliability`;
    let state = await connect(uri);

    const scenario = buildScenario(mixedCounts(RECORDS), { now: new Date() });
    await loadStripeObjects(world.emulatorUrl, scenario.stripe);
    await state.records().insertMany(scenario.records.map(upstreamDocument));
    const env = world.env({ MONGODB_URI: uri });

    const run = spawnCli(['retry', '--all', '--rate', '15'], env);
    const resolved = () => state.records().countDocuments({ resolvedAt: { $ne: null } });
    await waitUntil('some records resolved', async () => (await resolved()) >= 15);
    await closeConnection(connection as Connection);
    connection = null;
    const stoppedAt = Date.now();
    await sandbox.stop();

    const failed = await run;
    const secondsToExit = (Date.now() - stoppedAt) / 1000;
    expect(failed.exitCode, failed.stderr).toBe(3);
    const errors = failed.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: MongoDB is unreachable or refused the connection: \S/);
    expect(failed.stderr).toContain('hint: ');
    // It says how far it got before the database went away.
    expect(failed.stdout.trim().split('\n').at(-1)).toMatch(/^targeted \d+, patched \d+, /);

    sandbox = await startMongoSandbox({ dataDir, port });
    state = await connect(uri);
    const targets = await unresolvedSeeds(state, scenario.records);
    const rerun = await spawnCli(['retry', '--all', '--rate', '1000', '--concurrency', '8', '--json'], env);
    expect(rerun.exitCode, rerun.stderr).toBe(1);
    // The failed run could not release its lock with the database gone; being on this host, the rerun sees it exited.
    expect(rerun.stderr).toContain('took over the lock of tester pid:');
    expect((await unresolvedSeeds(state, scenario.records)).filter((r) => RESOLVABLE.has(r.kind))).toEqual([]);

    const figures = await checkInvariants(state, { seeded: scenario.records, budget: baseRequests(scenario.records) + baseRequests(targets) });
    report('6 mongodb lost', { ...figures, secondsToExit: secondsToExit.toFixed(1), leftForRerun: targets.length, message: JSON.stringify(errors[0]) });
  }, timeoutFor(90_000));
});
