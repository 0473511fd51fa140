import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTROL_PREFIX, failure, serveControl } from './control-api.js';
import { nonNegative, rateLimit } from './control-input.js';
import { Emulator, failureReply, type Reply, type StripeRequest } from './emulator.js';
import { faultReply } from './faults.js';
import { StripeFailure, unrecognizedUrl } from './stripe-errors.js';

export interface StripeEmulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Added to every answered /v1 response, after the request was processed. */
  latencyMs?: number;
  /** GET requests per rolling second; null or 0 means unlimited (the default). */
  readsPerSecond?: number | null;
  /** POST requests per rolling second; null or 0 means unlimited (the default). */
  writesPerSecond?: number | null;
}

export interface StripeEmulator {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  port: number;
  close(): Promise<void>;
}

const STRIPE_BODY_LIMIT = 1024 * 1024;
// Benchmarks seed 100,000 objects in one call.
const CONTROL_BODY_LIMIT = 200 * 1024 * 1024;
// Longer than a client's idle keep-alive sockets usually live, so the server rarely closes a socket
// the stripe SDK is about to reuse (which would surface as a spurious connection error).
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const emulator = new Emulator({
    latencyMs: nonNegative(options.latencyMs ?? 0, 'latencyMs'),
    readsPerSecond: rateLimit(options.readsPerSecond, 'readsPerSecond'),
    writesPerSecond: rateLimit(options.writesPerSecond, 'writesPerSecond'),
  });
  const server = createServer((req, res) => {
    handle(emulator, req, res).catch((error: unknown) => answerCrash(res, error));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => (closing ??= closeServer(server)),
  };
}

async function handle(emulator: Emulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const [path = '/', query = ''] = splitUrl(req.url ?? '/');
  if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
    const body = await readBody(req, CONTROL_BODY_LIMIT);
    const reply = body === undefined ? failure(413, `Body larger than ${CONTROL_BODY_LIMIT} bytes`) : serveControl(emulator, method, path, body);
    send(res, { status: reply.status, body: JSON.stringify(reply.body), headers: {} });
    return;
  }
  if (!path.startsWith('/v1/')) {
    send(res, failureReply(unrecognizedUrl(method, path)));
    return;
  }
  const arrivedAt = new Date();
  const body = await readBody(req, STRIPE_BODY_LIMIT);
  const request: StripeRequest = {
    method,
    path,
    query,
    body: body ?? '',
    authorization: req.headers.authorization,
    idempotencyKey: firstHeader(req.headers['idempotency-key']),
    arrivedAt,
  };
  send(res, await answer(emulator, request, body === undefined), emulator.config.latencyMs);
}

/** Faults first (they stand in for Stripe or the network misbehaving), then normal processing. */
async function answer(emulator: Emulator, request: StripeRequest, tooLarge: boolean): Promise<Reply | 'drop'> {
  if (tooLarge) {
    const reply = failureReply(new StripeFailure(413, 'invalid_request_error', `Request body larger than ${STRIPE_BODY_LIMIT} bytes`));
    emulator.record(request, reply.status);
    return reply;
  }
  const fault = emulator.faults.take(request.method, request.path);
  if (fault === undefined) return emulator.handle(request);
  if (fault.delayMs > 0) await sleep(fault.delayMs);
  if (fault.dropConnection) {
    emulator.record(request, 0);
    return 'drop';
  }
  if (fault.status === undefined) return emulator.handle(request);
  emulator.record(request, fault.status);
  return faultReply({ ...fault, status: fault.status });
}

// Processing happened already; only the answer is delayed, with a timer, as a slow network would.
function send(res: ServerResponse, reply: Reply | 'drop', latencyMs = 0): void {
  if (reply === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (latencyMs > 0) {
    setTimeout(() => write(res, reply), latencyMs);
  } else {
    write(res, reply);
  }
}

function write(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Request-Id', `req_${randomUUID().replaceAll('-', '').slice(0, 14)}`);
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.setHeader('Content-Length', Buffer.byteLength(reply.body));
  res.writeHead(reply.status);
  res.end(reply.body);
}

function answerCrash(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const message = `The Stripe emulator failed: ${error instanceof Error ? error.message : String(error)}`;
  write(res, failureReply(new StripeFailure(500, 'api_error', message)));
}

/** Resolves to undefined when the body exceeds `limit`; the rest is still read so the socket stays usable. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}

function splitUrl(url: string): [string, string] {
  const mark = url.indexOf('?');
  return mark < 0 ? [url, ''] : [url.slice(0, mark), url.slice(mark + 1)];
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

// close() alone waits for idle keep-alive sockets to time out; tests would hang for a minute.
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
