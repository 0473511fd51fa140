import { ControlInputError, parseConfigPatch, parseFaults, parseSeeds } from './control-input.js';
import type { Emulator } from './emulator.js';

// The test/benchmark-facing API under /__emulator. Its routes and JSON shapes are a contract other
// tools rely on (see contract.ts and README.md); it needs no API key and is never rate limited.

export const CONTROL_PREFIX = '/__emulator';

export interface ControlReply {
  status: number;
  body: unknown;
}

const PAYMENT_INTENT_ROUTE = /^\/__emulator\/objects\/payment_intents\/([^/]+)$/;

export function serveControl(emulator: Emulator, method: string, path: string, rawBody: string): ControlReply {
  try {
    return route(emulator, method, path, rawBody);
  } catch (error) {
    if (error instanceof ControlInputError || error instanceof SyntaxError || error instanceof URIError) {
      return failure(400, error.message);
    }
    throw error;
  }
}

function route(emulator: Emulator, method: string, path: string, rawBody: string): ControlReply {
  switch (`${method} ${path}`) {
    case 'POST /__emulator/reset':
      emulator.reset();
      return ok({ reset: true });
    case 'POST /__emulator/objects':
      return ok({ upserted: emulator.store.upsert(parseSeeds(json(rawBody))) });
    case 'POST /__emulator/faults': {
      const faults = parseFaults(json(rawBody));
      emulator.faults.add(faults);
      return ok({ added: faults.length, pending: emulator.faults.pending });
    }
    case 'DELETE /__emulator/faults':
      return ok({ cleared: emulator.faults.clear() });
    case 'GET /__emulator/config':
      return ok(emulator.config);
    case 'PUT /__emulator/config':
      return ok(emulator.configure(parseConfigPatch(json(rawBody))));
    case 'GET /__emulator/requests':
      return ok(emulator.log.list());
    case 'GET /__emulator/stats':
      return ok(emulator.log.stats());
  }
  const match = method === 'GET' ? PAYMENT_INTENT_ROUTE.exec(path) : null;
  if (match !== null) {
    const id = decodeURIComponent(match[1] ?? '');
    const paymentIntent = emulator.store.paymentIntent(id);
    return paymentIntent === undefined ? failure(404, `No such payment_intent: '${id}'`, 'resource_missing') : ok(paymentIntent);
  }
  return failure(404, `Unknown control route: ${method} ${path}`);
}

function json(rawBody: string): unknown {
  if (rawBody.trim() === '') throw new ControlInputError('Expected a JSON body');
  return JSON.parse(rawBody) as unknown;
}

function ok(body: unknown): ControlReply {
  return { status: 200, body };
}

export function failure(status: number, message: string, code?: string): ControlReply {
  return { status, body: { error: { type: 'invalid_request_error', message, ...(code === undefined ? {} : { code }) } } };
}
