import type { RegisterCommand } from '../command';

/**
 * Every `splice` command, in the order `splice --help` lists them. Each module adds one line here.
 */
export const commands: RegisterCommand[] = [];
