/**
 * The composition root and the only place that maps errors to exit codes.
 * `main` never calls process.exit: bin/ sets process.exitCode from its result,
 * and tests call it in-process with their own streams, env and clock.
 */
import { setMaxListeners } from 'node:events';
import { CommanderError } from 'commander';
import { describeError, ExitCode } from './errors.js';
import { Factory, type FactoryDeps } from './factory.js';
import { packageVersion } from './package-root.js';
import { processStreams } from './io/streams.js';
import { buildProgram, type ProgramContext } from './program.js';

export type MainDeps = Partial<FactoryDeps>;

export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? processStreams();
  const ownSignals = !deps.signal;
  const controller = new AbortController();
  // Every in-flight request and backoff listens to it: up to --concurrency × a few.
  setMaxListeners(1000, controller.signal);
  const signal = deps.signal ?? controller.signal;

  // First Ctrl-C asks the command to stop cleanly; a second one gives up at once.
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  if (ownSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  const factory = new Factory({ io, env: deps.env ?? process.env, signal, ...(deps.clock ? { clock: deps.clock } : {}), ...(deps.prompter ? { prompter: deps.prompter } : {}) });
  const ctx: ProgramContext = { factory, exitCode: ExitCode.ok };
  const program = buildProgram(ctx, packageVersion());
  const streams = {
    writeOut: (s: string) => io.out.write(s),
    writeErr: (s: string) => io.err.write(s),
    outputError: (s: string, write: (s: string) => void) => write(s),
  };
  // addCommand() does not pass these settings down: set them on every command.
  for (const command of [program, ...program.commands]) command.exitOverride().configureOutput(streams);

  try {
    await program.parseAsync(argv);
    return signal.aborted && ctx.exitCode === ExitCode.ok && !ctx.stopsOnSignal ? ExitCode.interrupted : ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version are "errors" to commander; everything else is bad usage.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    const described = describeError(err);
    if (described.message) {
      await factory.loadOutput();
      const output = factory.output();
      if (described.exitCode === ExitCode.interrupted) output.status('interrupted');
      else output.error(described.message, described.hint);
    }
    return described.exitCode;
  } finally {
    await factory.close();
    if (ownSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

