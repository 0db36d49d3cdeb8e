import type { RegisterCommand } from '../command';
import { registerSandbox } from './sandbox';
import { registerAuth } from './auth';
import { registerCredentials } from './credentials';
import { registerServe } from './serve';

/**
 * Every `splice` command, in the order `splice --help` lists them. Each module adds one line here.
 */
export const commands: RegisterCommand[] = [
  registerSandbox,
  registerServe,
  registerCredentials,
  registerAuth,
];
