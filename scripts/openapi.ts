// `npm run openapi`: writes docs/openapi.json, the REST API's OpenAPI 3.1 document generated from the router's
// zod schemas and the route table (packages/api/src/server/rest-openapi.ts), formatted as the repository's
// formatter wants it. packages/api/test/rest-openapi.test.ts fails when the committed file is stale.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appRouter } from '@restflow/api';
import { openApiJson } from '@restflow/api/server';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(root, 'docs', 'openapi.json');
fs.writeFileSync(file, await openApiJson(appRouter));
execFileSync(path.join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], { stdio: 'ignore' });
console.log(`wrote ${path.relative(process.cwd(), file)}`);
