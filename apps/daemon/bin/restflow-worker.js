#!/usr/bin/env node
import { runEntry } from '../../../scripts/pick-entry.mjs';

await runEntry('apps/daemon/dist/restflow-worker.mjs', 'apps/daemon/src/worker/worker-main.ts');
