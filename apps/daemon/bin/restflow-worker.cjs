#!/usr/bin/env node
// CommonJS like the worker bundle it runs (scripts/bundle.mjs --cjs), as the daemon's bin: no ES module loader at
// start-up, and the bundle's compiled code kept between runs (scripts/code-cache.cjs).
require('../../../scripts/pick-entry.cjs').runEntry(
  'apps/daemon/dist/restflow-worker.cjs',
  'apps/daemon/src/worker/worker-main.ts',
);
