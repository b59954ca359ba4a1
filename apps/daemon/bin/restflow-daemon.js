#!/usr/bin/env node
import { runEntry } from '../../../scripts/pick-entry.mjs';

await runEntry('apps/daemon/dist/restflow-daemon.mjs', 'apps/daemon/src/boot.ts');
