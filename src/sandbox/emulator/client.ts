import type { EmulatorConfig, EmulatorStats, FaultSpec, RequestLogEntry, SeedObjects, StoredPaymentIntent } from './contract.js';

/** Typed access to the emulator's control API (/__emulator/*) over fetch. */
export class EmulatorClient {
  /** `baseUrl` is the emulator's url, e.g. http://127.0.0.1:PORT. */
  constructor(readonly baseUrl: string) {}

  async reset(): Promise<void> {
    await this.call('POST', '/__emulator/reset');
  }

  upsert(objects: SeedObjects): Promise<{ upserted: number }> {
    return this.call('POST', '/__emulator/objects', objects);
  }

  addFaults(faults: FaultSpec[]): Promise<{ added: number; pending: number }> {
    return this.call('POST', '/__emulator/faults', faults);
  }

  clearFaults(): Promise<{ cleared: number }> {
    return this.call('DELETE', '/__emulator/faults');
  }

  configure(config: Partial<EmulatorConfig>): Promise<EmulatorConfig> {
    return this.call('PUT', '/__emulator/config', config);
  }

  config(): Promise<EmulatorConfig> {
    return this.call('GET', '/__emulator/config');
  }

  requests(): Promise<RequestLogEntry[]> {
    return this.call('GET', '/__emulator/requests');
  }

  stats(): Promise<EmulatorStats> {
    return this.call('GET', '/__emulator/stats');
  }

  /** The stored PaymentIntent, or null when the emulator holds none with that id. */
  async paymentIntent(id: string): Promise<StoredPaymentIntent | null> {
    const path = `/__emulator/objects/payment_intents/${encodeURIComponent(id)}`;
    const response = await fetch(`${this.baseUrl}${path}`);
    if (response.status === 404) return null;
    return this.parse(response, 'GET', path);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return this.parse(response, method, path);
  }

  private async parse<T>(response: Response, method: string, path: string): Promise<T> {
    const text = await response.text();
    if (!response.ok) throw new Error(`Stripe emulator ${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  }
}
