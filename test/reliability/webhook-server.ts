/**
 * The webhook server started in the test process, on its own connection, wired
 * to the world's database and Stripe emulator the way `billing-backfill webhook` wires it.
 */
import type { Connection } from 'mongoose';
import { afterAll, beforeAll } from 'vitest';
import { systemClock } from '../../src/core/ports.js';
import { StoreAdmin } from '../../src/store/admin.js';
import { closeConnection, MongoDeadLetterRepository, MongoWebhookEventStore, openConnection } from '../../src/store/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { createStripeGateway } from '../../src/stripe/gateway.js';
import { createWebhookVerifier } from '../../src/stripe/webhook-signature.js';
import { startWebhookServer, type RunningWebhookServer, type WebhookLogLine } from '../../src/webhook/server.js';
import type { World } from '../helpers/world.js';

export interface InProcessWebhook {
  server: RunningWebhookServer;
  connection: Connection;
}

/** Starts before the suite's tests and stops after them; read the fields inside tests. */
export function useInProcessWebhook(world: World, secret: string, log: (line: WebhookLogLine) => void = () => undefined): InProcessWebhook {
  const handle = {} as InProcessWebhook;
  beforeAll(async () => {
    handle.connection = await openConnection(world.uri);
    handle.server = await startWebhookServer(
      {
        verifier: createWebhookVerifier(secret),
        gateway: createStripeGateway(createStripeClient({ secretKey: 'sk_test_reliability', apiBase: world.emulatorUrl })),
        repository: new MongoDeadLetterRepository(handle.connection),
        events: new MongoWebhookEventStore(handle.connection),
        clock: systemClock,
        pingDatabase: () => new StoreAdmin(handle.connection, 'billing_failed_backfills').serverInfo(),
        log,
      },
      { host: '127.0.0.1', port: 0, path: '/webhook' },
    );
  });
  afterAll(async () => {
    await handle.server?.close();
    if (handle.connection) await closeConnection(handle.connection);
  });
  return handle;
}
