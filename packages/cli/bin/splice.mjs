#!/usr/bin/env node
// Splice's CLI is TypeScript run through tsx's loader, so the workspace needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
