import { PassThrough, Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, scriptedPrompter } from '../../../test/helpers/cli.js';
import { CliError, ExitCode, InterruptedError } from '../../errors.js';
import { Factory } from '../../factory.js';
import type { Prompter } from '../../io/prompter.js';
import { Narrator } from './narrator.js';

async function narratorOn(opts: { tty: boolean; pause: boolean; prompter: Prompter }) {
  let stdout = '';
  const out = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      stdout += chunk.toString();
      cb();
    },
  });
  const io = { in: new PassThrough(), out, err: new PassThrough(), stdinIsTTY: opts.tty, stdoutIsTTY: opts.tty, stderrIsTTY: opts.tty };
  const factory = new Factory({ io, env: {}, prompter: opts.prompter });
  await factory.loadOutput();
  return { narrator: new Narrator(factory, { NO_COLOR: '1' }, opts.pause), stdout: () => stdout };
}

describe('billing-backfill demo', () => {
  it('on a terminal, pauses between its steps and draws tables', async () => {
    const prompter = scriptedPrompter(Array.from({ length: 7 }, () => ''));
    const run = await runCli(['demo'], { tty: true, prompter });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(prompter.asked).toEqual(Array.from({ length: 7 }, () => 'Press Enter for the next step (Ctrl-C to stop)'));
    expect(run.stdout).toMatch(/━━ 8\. New payments: the webhook/);
    // cli-table3 borders around the list
    expect(run.stdout).toMatch(/┌─+┬/);
    expect(run.stdout).toMatch(/POST \/webhook → 200/);
    expect(run.stderr).toMatch(/sandbox stopped; nothing is left running/);
  }, 60_000);

  it('has no --json mode (exit 2, nothing started)', async () => {
    const run = await runCli(['demo', '--json']);
    expect(run.exitCode).toBe(ExitCode.usage);
    expect(run.stderr).toMatch(/no --json output/);
    expect(run.stderr).not.toMatch(/starting the sandbox/);
  });

  it('documents itself', async () => {
    const run = await runCli(['demo', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('--no-pause');
    expect(run.stdout).toContain('$ npm run demo');
  });
});

describe('the narrator', () => {
  it('never pauses with --no-pause, nor when nobody is at a terminal', async () => {
    for (const setting of [
      { tty: true, pause: false },
      { tty: false, pause: true },
    ]) {
      const prompter = scriptedPrompter([]);
      const { narrator, stdout } = await narratorOn({ ...setting, prompter });
      await narrator.heading('one');
      await narrator.heading('two');
      expect(prompter.asked).toEqual([]);
      expect(stripVTControlCharacters(stdout())).toBe('\n━━ 1. one\n\n━━ 2. two\n');
    }
  });

  it('turns Ctrl-C at the pause into an interruption', async () => {
    const closed = Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
    const prompter = { ...scriptedPrompter([]), input: () => Promise.reject(closed) };
    const { narrator } = await narratorOn({ tty: true, pause: true, prompter });
    await narrator.heading('one');
    await expect(narrator.heading('two')).rejects.toBeInstanceOf(InterruptedError);
  });

  it('shows an expected exit code with its reason, and fails the demo on an unexpected one', async () => {
    const { narrator, stdout } = await narratorOn({ tty: false, pause: false, prompter: scriptedPrompter([]) });
    narrator.check(['retry', '--all'], 1, { codes: [0, 1], why: 'conflicts remain' });
    expect(stdout()).toBe('→ exit 1 (conflicts remain)\n');

    const broken = narrator.run(['list', '--no-such-flag'], { codes: [0] });
    await expect(broken).rejects.toBeInstanceOf(CliError);
    await expect(broken).rejects.toMatchObject({ exitCode: ExitCode.recordsFailed, message: 'the demo broke: `billing-backfill list --no-such-flag` exited 2' });
    expect(stdout()).toContain('$ billing-backfill list --no-such-flag\n');
  });
});
