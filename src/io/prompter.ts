/**
 * The prompt library, wrapped in one module we own: commands ask through
 * this interface, tests script the answers, and @inquirer/prompts is only
 * loaded when a person is actually asked something.
 */
import type { IOStreams } from './streams.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  select<T>(message: string, choices: Array<Choice<T>>): Promise<T>;
  /** Type-to-filter selection over a (possibly large) source. */
  search<T>(message: string, source: (term: string | undefined) => Promise<Array<Choice<T>>>): Promise<T>;
  input(message: string, defaultValue?: string): Promise<string>;
}

export function inquirerPrompter(io: IOStreams, signal?: AbortSignal): Prompter {
  // Prompts go to stderr so stdout stays pure data (a --json document is never interleaved).
  const context = { input: io.in, output: io.err, ...(signal ? { signal } : {}) };
  const load = () => import('@inquirer/prompts');
  return {
    async confirm(message, defaultValue = false) {
      return (await load()).confirm({ message, default: defaultValue }, context);
    },
    async select(message, choices) {
      return (await load()).select({ message, choices, pageSize: 12 }, context);
    },
    async search(message, source) {
      return (await load()).search({ message, source: (term) => source(term), pageSize: 12 }, context);
    },
    async input(message, defaultValue) {
      return (await load()).input({ message, ...(defaultValue !== undefined ? { default: defaultValue } : {}) }, context);
    },
  };
}
