import { cpus, totalmem, release, platform } from 'node:os';

export interface Machine {
  cores: number;
  cpu: string;
  memory: string;
  node: string;
  os: string;
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
