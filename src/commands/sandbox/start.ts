import { DependencyError, UsageError } from '../../errors.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/sandbox.js';

/** A busy port is the operator's to fix (exit 2); anything else means the sandbox cannot run here (exit 3). */
function startupError(err: unknown, options: SandboxOptions): Error {
  const message = err instanceof Error ? err.message : String(err);
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new UsageError(`port ${options.stripePort} is already in use`, 'pick another with --stripe-port, or leave it out for a free one');
  }
  if (options.mongoPort !== undefined && /address already in use/i.test(message)) {
    return new UsageError(`port ${options.mongoPort} is already in use`, 'pick another with --mongo-port, or leave it out for a free one');
  }
  return new DependencyError(`could not start the sandbox: ${message.split('\n')[0]}`, 'the embedded MongoDB is built with Go on first use: check `go version`');
}

/** startSandbox, with its failures in the operator's terms. */
export async function startSandboxForCli(options: SandboxOptions = {}): Promise<Sandbox> {
  try {
    return await startSandbox(options);
  } catch (err) {
    throw startupError(err, options);
  }
}
