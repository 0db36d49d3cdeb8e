export { main, createProgram } from './main';
export { ExitCode } from './exit-codes';
