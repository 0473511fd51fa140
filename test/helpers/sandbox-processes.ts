/**
 * Finds the embedded database processes a sandbox starts, through /proc
 * (Linux), so tests can prove none outlives its owner. An orphan is
 * re-parented once its owner exits, so children must be noted while the
 * owner still runs: `watchSandboxChildren` polls for them.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface SandboxProcess {
  pid: number;
  /** The -dir argument: the sandbox's temp data dir. */
  dataDir: string | null;
}

function parentOf(pid: string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields after the last ')' are safe.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

export function sandboxChildrenOf(parentPid: number): SandboxProcess[] {
  const found: SandboxProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || parentOf(entry) !== parentPid) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.includes('mongo-sandbox')) continue;
    const dir = argv.indexOf('-dir');
    found.push({ pid: Number(entry), dataDir: dir >= 0 ? (argv[dir + 1] ?? null) : null });
  }
  return found;
}

/** Alive and not a zombie waiting to be reaped. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Notes every sandbox child of `parentPid` until stopped; `look()` notes them now (e.g. right before a kill). */
export function watchSandboxChildren(parentPid: number, everyMs = 100): { seen: Map<number, SandboxProcess>; look(): void; stop(): void } {
  const seen = new Map<number, SandboxProcess>();
  const look = () => {
    for (const child of sandboxChildrenOf(parentPid)) seen.set(child.pid, child);
  };
  look();
  const timer = setInterval(look, everyMs);
  return { seen, look, stop: () => clearInterval(timer) };
}
