/**
 * Tells the demo: numbered headings, explanations, the exact command line an
 * operator would type, and that command run for real through `main`, with the
 * demo's streams and the sandbox's environment.
 */
import { CliError, ExitCode, InterruptedError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import type { Output } from '../../io/output.js';
import { canPrompt } from '../../io/streams.js';
import { main } from '../../main.js';
import { shellWord } from '../sandbox/environment.js';

export interface Expected {
  /** Exit codes that belong to the story (e.g. 1 while conflicts remain). */
  codes: readonly number[];
  /** Said next to a non-zero exit code. */
  why?: string;
}

export interface BackgroundCommand {
  /** Settles with the exit code when the command ends on its own. */
  done: Promise<number>;
  /** Aborts it as Ctrl-C would and resolves with its exit code. */
  stop(): Promise<number>;
}

const PROMPT_CLOSED = new Set(['ExitPromptError', 'AbortPromptError', 'AbortError']);

export class Narrator {
  private steps = 0;

  constructor(
    private readonly factory: Factory,
    /** The whole environment inner commands see: the operator's own never leaks in. */
    private readonly env: Record<string, string>,
    private readonly pause: boolean,
  ) {}

  get output(): Output {
    return this.factory.output();
  }

  async heading(title: string): Promise<void> {
    if (this.steps > 0) await this.waitForEnter();
    this.steps++;
    this.output.line();
    this.output.line(this.output.theme.bold.cyan(`━━ ${this.steps}. ${title}`));
  }

  explain(...lines: string[]): void {
    for (const line of lines) this.output.line(this.output.theme.dim(line));
  }

  /** The command line as typed, with an optional `VAR=… ` prefix. */
  show(args: string[], prefix = ''): void {
    this.output.line(this.output.theme.bold(`$ ${prefix}billing-backfill ${args.map(shellWord).join(' ')}`));
  }

  async run(args: string[], expected: Expected): Promise<number> {
    this.show(args);
    const code = await this.start(args).done;
    this.check(args, code, expected);
    return code;
  }

  start(args: string[], extraEnv: Record<string, string> = {}): BackgroundCommand {
    const controller = new AbortController();
    const done = main(['node', 'billing-backfill', ...args], {
      io: this.factory.io,
      env: { ...this.env, ...extraEnv },
      signal: AbortSignal.any([this.factory.signal, controller.signal]),
    });
    return {
      done,
      stop: () => {
        controller.abort();
        return done;
      },
    };
  }

  /** Shows the exit code; one outside the story means the demo broke. */
  check(args: string[], code: number, expected: Expected, shown = true): void {
    if (this.factory.signal.aborted) throw new InterruptedError();
    if (!expected.codes.includes(code)) {
      throw new CliError(`the demo broke: \`billing-backfill ${args.join(' ')}\` exited ${code}`, ExitCode.recordsFailed, 'its own error is above; please report it');
    }
    if (shown) this.output.line(this.output.theme.dim(`→ exit ${code}${code !== 0 && expected.why ? ` (${expected.why})` : ''}`));
  }

  private async waitForEnter(): Promise<void> {
    if (!this.pause || !canPrompt(this.factory.io)) return;
    try {
      await this.factory.prompter().input('Press Enter for the next step (Ctrl-C to stop)');
    } catch (err) {
      if (err instanceof Error && PROMPT_CLOSED.has(err.name)) throw new InterruptedError();
      throw err;
    }
  }
}
