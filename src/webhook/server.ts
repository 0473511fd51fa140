/**
 * The webhook's HTTP side over node:http: routing, the raw body (bounded),
 * a deadline per request, /healthz, and a graceful close. Everything about
 * events is in handler.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookHandler, type WebhookHandlerDeps, type WebhookLogFields, type WebhookResponse } from './handler.js';

export const DEFAULT_DEADLINE_MS = 20_000;
export const MAX_BODY_BYTES = 1024 * 1024;
const SHUTDOWN_GRACE_MS = 10_000;
const HEALTH_TIMEOUT_MS = 2_000;
/** How long a handler stuck in a call that ignores the abort gets before the server answers for it. */
const ABORT_GRACE_MS = 1_000;

export type WebhookLogLine = WebhookLogFields & { status: number; durationMs: number };

export interface WebhookServerDeps extends Omit<WebhookHandlerDeps, 'leaseMs'> {
  log: (line: WebhookLogLine) => void;
  /** Resolves when MongoDB answers (for /healthz). */
  pingDatabase: () => Promise<unknown>;
  /** Per request, well under the 30 s after which `stripe listen` gives up. */
  deadlineMs?: number;
  shutdownGraceMs?: number;
}

export interface WebhookServerOptions {
  host: string;
  port: number;
  /** e.g. /webhook */
  path: string;
}

export interface RunningWebhookServer {
  /** The endpoint, e.g. http://127.0.0.1:4242/webhook */
  url: string;
  port: number;
  /** Stops accepting, lets requests in flight finish (bounded), then closes every connection. */
  close(): Promise<void>;
}

type Reply = Pick<WebhookResponse, 'status' | 'body'> & { headers?: Record<string, string> };

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...reply.headers });
  res.end(text);
}

/** The body, or null as soon as it exceeds `limit` (the rest is never read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      resolve(null);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function afterAbort(signal: AbortSignal, ms: number): Promise<WebhookResponse> {
  return new Promise((resolve) => {
    const answer = () => {
      setTimeout(
        () => resolve({ status: 503, body: { error: 'deadline exceeded; retry later' }, log: { eventId: null, type: null, outcome: 'deadline-exceeded', paymentIntentId: null } }),
        ms,
      ).unref();
    };
    if (signal.aborted) answer();
    else signal.addEventListener('abort', answer, { once: true });
  });
}

export async function startWebhookServer(deps: WebhookServerDeps, options: WebhookServerOptions): Promise<RunningWebhookServer> {
  const deadlineMs = deps.deadlineMs ?? DEFAULT_DEADLINE_MS;
  // The claim must outlive any request holding it, or a redelivery would take over mid-patch.
  const handle = createWebhookHandler({ ...deps, leaseMs: 2 * deadlineMs + ABORT_GRACE_MS });
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  async function health(res: ServerResponse): Promise<void> {
    try {
      await withTimeout(deps.pingDatabase(), HEALTH_TIMEOUT_MS);
      send(res, { status: 200, body: { ok: true, database: 'up' } });
    } catch {
      send(res, { status: 503, body: { ok: false, database: 'down' } });
    }
  }

  async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const deadline = AbortSignal.any([AbortSignal.timeout(deadlineMs), shutdown.signal]);
    const body = await readBody(req, MAX_BODY_BYTES);
    let response: WebhookResponse;
    if (body === null) {
      response = { status: 413, body: { error: `body larger than ${MAX_BODY_BYTES} bytes` }, log: { eventId: null, type: null, outcome: 'rejected', paymentIntentId: null, reason: 'body too large' } };
    } else {
      const signature = req.headers['stripe-signature'];
      response = await Promise.race([
        handle({ rawBody: body, signature: Array.isArray(signature) ? signature[0] : signature, signal: deadline }),
        afterAbort(deadline, ABORT_GRACE_MS),
      ]);
    }
    // An unread body must not keep the connection: node closes it after answering.
    send(res, { ...response, ...(body === null ? { headers: { connection: 'close' } } : {}) });
    deps.log({ ...response.log, status: response.status, durationMs: Math.round(performance.now() - startedAt) });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (closing) return send(res, { status: 503, body: { error: 'shutting down' }, headers: { connection: 'close' } });
    if (path === '/healthz') {
      if (req.method === 'GET' || req.method === 'HEAD') return health(res);
      return send(res, { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'GET' } });
    }
    if (path !== options.path) return send(res, { status: 404, body: { error: 'not found' } });
    if (req.method !== 'POST') return send(res, { status: 405, body: { error: 'method not allowed' }, headers: { allow: 'POST' } });
    return webhook(req, res);
  }

  const server = createServer((req, res) => {
    const done = route(req, res)
      .catch(() => send(res, { status: 500, body: { error: 'internal error' } }))
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  });
  server.requestTimeout = deadlineMs;
  server.headersTimeout = Math.min(deadlineMs, 60_000);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const drained = Promise.all(inFlight).then(() => true);
    const grace = new Promise<false>((resolve) => setTimeout(() => resolve(false), deps.shutdownGraceMs ?? SHUTDOWN_GRACE_MS).unref());
    if (!(await Promise.race([drained, grace]))) {
      // Out of patience: abort what is left; each still answers (5xx) so Stripe redelivers.
      shutdown.abort();
      await Promise.all(inFlight);
    }
    server.closeAllConnections();
    await stopped;
  };

  return {
    url: `http://${host}:${port}${options.path}`,
    port,
    close: () => (closed ??= close()),
  };
}
