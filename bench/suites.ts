import { compilerSuite } from './compiler-suite';
import { engineSuite } from './engine-suite';
import { mappingSuite } from './mapping-suite';
import type { BenchSuite } from './measure';
import { serverSuite } from './server-suite';

/** Every bench suite, in table order. Later areas append theirs (one line each). */
export const suites: BenchSuite[] = [mappingSuite, engineSuite, serverSuite, compilerSuite];
