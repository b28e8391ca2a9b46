#!/usr/bin/env node
// The syncwave command. Runs the TypeScript sources through tsx so a fresh clone
// needs no build step; `npm run build` output is not required.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
