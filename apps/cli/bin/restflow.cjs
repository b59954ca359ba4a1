#!/usr/bin/env node
// CommonJS like the CLI bundle it runs (scripts/bundle.mjs --cjs): no ES module loader at start-up.
require('../../../scripts/pick-entry.cjs').runEntry('apps/cli/dist/restflow.cjs', 'apps/cli/src/main.ts');
