import type { Command } from 'commander';
import type { ProgramContext } from '../program.js';
import { declareList } from './list/command.js';

export type DeclareCommand = (ctx: ProgramContext) => Command;

/** In help order. */
export const commands: DeclareCommand[] = [declareList];
