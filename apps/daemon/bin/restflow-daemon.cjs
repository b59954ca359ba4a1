#!/usr/bin/env node
// CommonJS like the daemon bundle it runs (scripts/bundle.mjs --cjs): no ES module loader at start-up.
require('../../../scripts/pick-entry.cjs').runEntry('apps/daemon/dist/restflow-daemon.cjs', 'apps/daemon/src/boot.ts');
