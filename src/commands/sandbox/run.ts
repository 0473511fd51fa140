import { ExitCode } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { seedSandbox, type SandboxOptions } from '../../sandbox/sandbox.js';
import { mixedCounts } from '../../sandbox/seed.js';
import type { SandboxFlags } from './command.js';
import { environmentText } from './environment.js';
import { describeSeedCounts } from './seed-summary.js';
import { startSandboxForCli } from './start.js';

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Runs until the factory's signal aborts (SIGINT/SIGTERM), then cleans up. */
export async function sandboxRun(factory: Factory, flags: SandboxFlags): Promise<{ exitCode: number }> {
  const output = factory.output();
  const options: SandboxOptions = {
    ...(flags.mongoPort !== undefined ? { mongoPort: flags.mongoPort } : {}),
    ...(flags.stripePort !== undefined ? { stripePort: flags.stripePort } : {}),
  };
  output.status('starting MongoDB (embedded FerretDB) and the Stripe emulator…');
  const sandbox = await startSandboxForCli(options);
  try {
    if (flags.seed) {
      const counts = mixedCounts(flags.seed);
      const progress = output.progress(flags.seed, 'seeding');
      let ticked = 0;
      const onProgress = (stored: number) => {
        for (; ticked < stored; ticked++) progress.tick();
      };
      await seedSandbox(sandbox.env, counts, { now: factory.clock.now(), signal: factory.signal, onProgress });
      progress.done();
      output.status(`seeded ${flags.seed} dead letters with their Stripe objects: ${describeSeedCounts(counts)}`);
    }
    output.write(environmentText(sandbox.env, output.json));
    output.status(`MongoDB (FerretDB, pid ${sandbox.mongo.pid}) at ${sandbox.env.MONGODB_URI}; Stripe emulator at ${sandbox.env.STRIPE_API_BASE}`);
    output.status('press Ctrl-C to stop (the data is deleted)');
    await untilAborted(factory.signal);
  } finally {
    await sandbox.stop();
  }
  output.status('sandbox stopped, data deleted');
  return { exitCode: ExitCode.ok };
}
