import type { RegisterCommand } from '../command';
import { registerAuth } from './auth';
import { registerCredentials } from './credentials';

/**
 * Every `splice` command, in the order `splice --help` lists them. Each module adds one line here.
 */
export const commands: RegisterCommand[] = [
  registerCredentials,
  registerAuth,
];
