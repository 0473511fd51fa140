import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  cpu: string;
  memory: string;
  node: string;
  os: string;
}

/** The 1-minute load average: other work on the machine competes with every CPU-bound figure. */
export function currentLoad(): string {
  return (loadavg()[0] ?? 0).toFixed(1);
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}
