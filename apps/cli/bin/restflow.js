#!/usr/bin/env node
import { runEntry } from '../../../scripts/pick-entry.mjs';

await runEntry('apps/cli/dist/restflow.mjs', 'apps/cli/src/main.ts');
