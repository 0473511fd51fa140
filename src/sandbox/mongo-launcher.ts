/**
 * Builds and runs tools/mongo-sandbox (FerretDB embedded over SQLite): a real
 * MongoDB-wire server for tests and the sandbox, with only Go installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, constants, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../package-root.js';

/** Everything the build reads besides *.go files. */
const MODULE_FILES = ['go.mod', 'go.sum'] as const;
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const STDERR_TAIL_CHARS = 8_000;

export interface MongoSandbox {
  uri: string;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

function findSourceDir(): string {
  const dir = join(packageRoot(), 'tools', 'mongo-sandbox');
  if (!existsSync(join(dir, 'go.mod'))) throw new Error(`tools/mongo-sandbox (the embedded database's source) is missing from ${packageRoot()}`);
  return dir;
}

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'billing-backfill');
}

async function sourceHash(sourceDir: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${process.platform}-${process.arch}\0`);
  const goFiles = (await readdir(sourceDir)).filter((name) => name.endsWith('.go')).sort();
  for (const name of [...MODULE_FILES, ...goFiles]) {
    hash.update(name + '\0');
    hash.update(await readFile(join(sourceDir, name)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function runGoBuild(sourceDir: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const child = spawn('go', ['build', '-o', output, '.'], { cwd: sourceDir, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new Error('the Go toolchain (`go`) is not on PATH: it is needed to build the embedded MongoDB sandbox (or set MONGODB_URI)')
          : err,
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`go build of tools/mongo-sandbox failed (${signal ?? `exit ${code}`}):\n${tail(stderr)}`));
    });
  });
}

/** Returns the path of the sandbox binary, building it only when its sources changed. */
export async function ensureMongoSandboxBinary(): Promise<string> {
  const sourceDir = findSourceDir();
  const suffix = process.platform === 'win32' ? '.exe' : '';
  const binary = join(cacheDir(), `mongo-sandbox-${await sourceHash(sourceDir)}${suffix}`);
  try {
    await access(binary, constants.X_OK);
    return binary;
  } catch {
    // not built yet for these sources
  }
  await mkdir(dirname(binary), { recursive: true });
  // A private temp name plus an atomic rename: concurrent builders each
  // produce a complete binary and the last rename wins harmlessly.
  const temp = `${binary}.tmp-${process.pid}-${randomBytes(4).toString('hex')}${suffix}`;
  try {
    await runGoBuild(sourceDir, temp);
    await rename(temp, binary);
  } finally {
    await rm(temp, { force: true });
  }
  return binary;
}

function hasExited(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Resolves with the URI line, or rejects when the child exits or the timeout passes first. */
function waitForUri(child: ChildProcess, stderrTail: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const fail = (reason: string) => {
      cleanup();
      reject(new Error(`mongo-sandbox ${reason}${stderrTail() ? `; its stderr ended with:\n${tail(stderrTail())}` : ''}`));
    };
    const onData = (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline === -1) return;
      const line = stdout.slice(0, newline).trim();
      if (!line.startsWith('mongodb://')) return fail(`printed "${line.slice(0, 200)}" instead of a mongodb:// URI`);
      cleanup();
      resolve(line);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited before it was ready (${signal ?? `exit ${code}`})`);
    const onError = (err: Error) => fail(`could not start: ${err.message}`);
    const timer = setTimeout(() => fail(`was not ready after ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Starts an embedded FerretDB; `stop()` shuts it down and removes the data dir it created. */
export async function startMongoSandbox(opts: { port?: number; dataDir?: string } = {}): Promise<MongoSandbox> {
  const binary = await ensureMongoSandboxBinary();
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'bb-mongo-sandbox-')));

  // stdin stays a pipe held by this process: when we die, however abruptly,
  // the child sees EOF and shuts down (-exit-on-stdin-eof).
  const child = spawn(binary, ['-dir', dataDir, '-listen', `127.0.0.1:${opts.port ?? 0}`, '-exit-on-stdin-eof'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // FerretDB logs every connection: keep only a tail for error messages, and
  // keep draining both pipes so the child never blocks on a full one.
  let stderr = '';
  const keep = (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_CHARS);
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', keep);
  // e.g. a failed kill: worth a line in the tail, never an uncaught exception
  child.on('error', (err) => keep(`\n${err.message}\n`));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!hasExited(child)) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_GRACE_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, STOP_GRACE_MS);
        }
      }
      child.stdin.destroy();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    const uri = await waitForUri(child, () => stderr);
    child.stdout.resume();
    if (child.pid === undefined) throw new Error('mongo-sandbox has no pid');
    return { uri, pid: child.pid, dataDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
