import type { RegisterCommand } from '../command';
import { registerValidate } from './validate';
import { registerRun } from './run';
import { registerSandbox } from './sandbox';
import { registerAuth } from './auth';
import { registerCredentials } from './credentials';
import { registerServe } from './serve';
import { registerCatalog } from './catalog';
import { registerTest } from './test';
import { registerFlows } from './flows';
import { registerStart } from './start';

/**
 * Every `splice` command, in the order `splice --help` lists them. Each module adds one line here.
 */
export const commands: RegisterCommand[] = [
  registerStart,
  registerValidate,
  registerRun,
  registerSandbox,
  registerServe,
  registerCredentials,
  registerCatalog,
  registerAuth,
  registerTest,
  registerFlows,
];
