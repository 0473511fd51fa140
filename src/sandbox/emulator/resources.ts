import { expand } from './expand.js';
import { formArray, type FormMap } from './form.js';
import { mergeMetadata } from './metadata.js';
import type { StripeObject } from './objects.js';
import type { ObjectStore } from './state.js';
import { invalidRequest, resourceMissing, unknownParameter, unrecognizedUrl } from './stripe-errors.js';

// The /v1 endpoints the emulator serves. Each route lists the parameters it accepts because Stripe
// rejects any other one, and code under test must not get away with a parameter Stripe would refuse.

interface Route {
  method: string;
  pattern: RegExp;
  params: readonly string[];
  run(store: ObjectStore, params: FormMap, id: string): object;
}

const LIST_PARAMS = ['limit', 'starting_after', 'expand'];
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 10;

const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/v1\/payment_intents\/([^/]+)$/,
    params: ['expand'],
    run: (store, params, id) => expanded(store, params, found(store.paymentIntent(id), 'payment_intent', id)),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/payment_intents\/([^/]+)$/,
    params: ['metadata', 'expand'],
    run: updatePaymentIntent,
  },
  {
    method: 'GET',
    pattern: /^\/v1\/checkout\/sessions\/([^/]+)$/,
    params: ['expand'],
    run: (store, params, id) => expanded(store, params, found(store.checkoutSession(id), 'checkout.session', id)),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/charges\/([^/]+)$/,
    params: ['expand'],
    run: (store, params, id) => expanded(store, params, found(store.charge(id), 'charge', id)),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/charges$/,
    params: ['payment_intent', ...LIST_PARAMS],
    run: (store, params) => list(store, params, '/v1/charges', 'charge', store.chargesOf(stringParam(params, 'payment_intent'))),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/refunds$/,
    params: ['payment_intent', 'charge', ...LIST_PARAMS],
    run: (store, params) =>
      list(store, params, '/v1/refunds', 'refund', store.refundsOf({
        paymentIntentId: stringParam(params, 'payment_intent'),
        chargeId: stringParam(params, 'charge'),
      })),
  },
];

/** Answers a /v1 request with the response body, or throws the StripeFailure to answer instead. */
export function serveResource(store: ObjectStore, method: string, path: string, params: FormMap): object {
  for (const route of ROUTES) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (match === null) continue;
    const unknown = Object.keys(params).find((name) => !route.params.includes(name));
    if (unknown !== undefined) throw unknownParameter(unknown);
    return route.run(store, params, decodeId(match[1]));
  }
  throw unrecognizedUrl(method, path);
}

function updatePaymentIntent(store: ObjectStore, params: FormMap, id: string): object {
  const paymentIntent = found(store.paymentIntent(id), 'payment_intent', id);
  if (params.metadata === undefined) return expanded(store, params, paymentIntent);
  const metadata = mergeMetadata(paymentIntent.metadata as Record<string, string>, params.metadata);
  // Expand before storing: an invalid expansion rejects the whole request, as on Stripe.
  const response = expanded(store, params, { ...paymentIntent, metadata });
  store.setMetadata(paymentIntent, metadata);
  return response;
}

function expanded(store: ObjectStore, params: FormMap, object: StripeObject): object {
  return expand(object, formArray(params.expand, 'expand'), (id) => store.find(id));
}

function list(store: ObjectStore, params: FormMap, url: string, objectName: string, items: StripeObject[]): object {
  const limit = limitParam(params);
  const after = stringParam(params, 'starting_after');
  let start = 0;
  if (after !== undefined) {
    const index = items.findIndex((item) => item.id === after);
    if (index < 0) throw resourceMissing(objectName, after, 'starting_after');
    start = index + 1;
  }
  const page = { object: 'list', data: items.slice(start, start + limit), has_more: start + limit < items.length, url };
  return expand(page, formArray(params.expand, 'expand'), (id) => store.find(id));
}

function found(object: StripeObject | undefined, objectName: string, id: string): StripeObject {
  if (object === undefined) throw resourceMissing(objectName, id);
  return object;
}

function stringParam(params: FormMap, name: string): string | undefined {
  const value = params[name];
  if (value !== undefined && typeof value !== 'string') throw invalidRequest(`Invalid string: ${name} must be a string`, name);
  return value;
}

function limitParam(params: FormMap): number {
  const raw = stringParam(params, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIMIT) {
    throw invalidRequest(`Invalid limit: must be an integer between 1 and ${MAX_LIMIT}`, 'limit');
  }
  return limit;
}

function decodeId(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? '');
  } catch {
    throw invalidRequest(`Invalid id in URL: ${raw}`, 'id');
  }
}
