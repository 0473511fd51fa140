import type { Command } from 'commander';
import type { ProgramContext } from '../program.js';
import { declareList } from './list/command.js';
import { declareShow } from './show/command.js';
import { declareRetry } from './retry/command.js';
import { declareResolve } from './resolve/command.js';
import { declareStats } from './stats/command.js';
import { declarePrune } from './prune/command.js';
import { declareDoctor } from './doctor/command.js';
import { declareWebhook } from './webhook/command.js';
import { declareSandbox } from './sandbox/command.js';
import { declareDemo } from './demo/command.js';

export type DeclareCommand = (ctx: ProgramContext) => Command;

/** In help order. */
export const commands: DeclareCommand[] = [declareList, declareShow, declareRetry, declareResolve, declareStats, declarePrune, declareDoctor, declareWebhook, declareSandbox, declareDemo];
