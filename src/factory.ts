/**
 * Lazily built, memoized dependencies. Nothing here connects or loads
 * mongoose/stripe until a command asks for it, so --help and bad flags stay
 * instant and never touch a secret or the network.
 */
import { resolveConfig, type Config, type GlobalFlags } from './config.js';
import { UsageError } from './errors.js';
import type { Clock, DeadLetterRepository, LockStore, StripeGateway, WebhookEventStore } from './core/ports.js';
import { systemClock } from './core/ports.js';
import type { Output } from './io/output.js';
import { inquirerPrompter, type Prompter } from './io/prompter.js';
import type { IOStreams } from './io/streams.js';
import type { StoreAdmin } from './store/admin.js';

export interface Database {
  repository: DeadLetterRepository;
  locks: LockStore;
  webhookEvents: WebhookEventStore;
  /** Server, collection and index inspection for `doctor`. */
  admin: StoreAdmin;
  close(): Promise<void>;
}

export interface FactoryDeps {
  io: IOStreams;
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  signal?: AbortSignal;
  /** Tests script prompts through this. */
  prompter?: Prompter;
}

export class Factory {
  readonly io: IOStreams;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  private flags: GlobalFlags = {};
  private cachedConfig: Config | null = null;
  private cachedOutput: Output | null = null;
  private outputModule: typeof import('./io/output.js') | null = null;
  private db: Promise<Database> | null = null;
  private gateway: StripeGateway | null = null;
  private readonly prompterOverride: Prompter | undefined;

  constructor(deps: FactoryDeps) {
    this.io = deps.io;
    this.env = deps.env;
    this.clock = deps.clock ?? systemClock;
    this.signal = deps.signal ?? new AbortController().signal;
    this.prompterOverride = deps.prompter;
  }

  /** Called once commander has parsed the global flags. */
  setFlags(flags: GlobalFlags): void {
    this.flags = flags;
    this.cachedConfig = null;
    this.cachedOutput = null;
  }

  config(): Config {
    this.cachedConfig ??= resolveConfig(this.flags, this.env, this.io.stdoutIsTTY);
    return this.cachedConfig;
  }

  /**
   * Loads the output layer, and chalk with it, which costs more at start-up
   * than anything else --help would otherwise skip. Commands get it through
   * the preAction hook; output() needs it loaded first.
   */
  async loadOutput(): Promise<void> {
    this.outputModule ??= await import('./io/output.js');
  }

  output(): Output {
    if (!this.outputModule) throw new Error('Factory.output() was called before loadOutput()');
    if (!this.cachedOutput) {
      // Output must work even when the config is invalid, to report that error.
      let json = Boolean(this.flags.json);
      let color = false;
      try {
        ({ json, color } = this.config());
      } catch {
        // reported by whoever asked for the config
      }
      this.cachedOutput = new this.outputModule.Output(this.io, { json, color });
    }
    return this.cachedOutput;
  }

  prompter(): Prompter {
    return this.prompterOverride ?? inquirerPrompter(this.io, this.signal);
  }

  database(): Promise<Database> {
    this.db ??= this.openDatabase();
    return this.db;
  }

  private async openDatabase(): Promise<Database> {
    const { mongoUri, collection } = this.config();
    if (!mongoUri) throw new UsageError('no MongoDB URI configured', 'pass --mongo-uri or set MONGODB_URI');
    const store = await import('./store/index.js');
    const connection = await store.openConnection(mongoUri);
    return {
      repository: new store.MongoDeadLetterRepository(connection, collection),
      locks: new store.MongoLockStore(connection),
      webhookEvents: new store.MongoWebhookEventStore(connection),
      admin: new store.StoreAdmin(connection, collection),
      close: () => store.closeConnection(connection),
    };
  }

  hasStripe(): boolean {
    return this.config().stripe !== null;
  }

  async stripe(): Promise<StripeGateway> {
    if (this.gateway) return this.gateway;
    const { stripe, stripeApiBase } = this.config();
    if (!stripe) throw new UsageError('no Stripe key configured', 'pass --stripe-key or set STRIPE_SECRET_KEY (or use --offline where offered)');
    const { createStripeClient } = await import('./stripe/client.js');
    const { createStripeGateway } = await import('./stripe/gateway.js');
    this.gateway = createStripeGateway(createStripeClient({ secretKey: stripe.key, ...(stripeApiBase ? { apiBase: stripeApiBase } : {}) }));
    return this.gateway;
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (!db) return;
    try {
      await (await db).close();
    } catch {
      // a connection that never opened has nothing to close
    }
  }
}
