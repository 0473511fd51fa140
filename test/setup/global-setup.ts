/**
 * One database server for the whole run: MONGODB_URI when set (real MongoDB,
 * nothing started), otherwise the embedded FerretDB, built on first use.
 */
import type { TestProject } from 'vitest/node';
import { startMongoSandbox, type MongoSandbox } from '../../src/sandbox/mongo-launcher.js';
import { closeConnection, openConnection } from '../../src/store/connection.js';
import { serverInfo } from '../../src/store/server-info.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
    serverKind: 'ferretdb' | 'mongodb';
  }
}

async function detectKind(uri: string): Promise<'ferretdb' | 'mongodb'> {
  const connection = await openConnection(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    return (await serverInfo(connection)).kind;
  } finally {
    await closeConnection(connection);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_URI;
  let sandbox: MongoSandbox | undefined;
  try {
    const uri = external || (sandbox = await startMongoSandbox()).uri;
    const kind = await detectKind(uri);
    project.provide('mongoUri', uri);
    project.provide('serverKind', kind);
    // for CLIs spawned by end-to-end tests
    process.env.BB_TEST_MONGO_URI = uri;
    return async () => {
      await sandbox?.stop();
    };
  } catch (err) {
    await sandbox?.stop();
    throw err;
  }
}
