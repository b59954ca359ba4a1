// The generated REST reference: the committed docs/openapi.json is what `npm run openapi` writes today, and the
// document holds every route of the table with the router's own input schemas. (Validation as OpenAPI 3.1 and the
// served copy: apps/daemon/test/rest-api.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { appRouter } from '../src/root.ts';
import { createOpenApiDocument, openApiJson } from '../src/server/rest-openapi.ts';
import { REST_ROUTES } from '../src/server/rest-routes.ts';

const committed = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/openapi.json');

interface Operation {
  operationId: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<string, unknown>;
}

type Paths = Record<string, Record<string, Operation>>;
const pathsOf = (document: Awaited<ReturnType<typeof createOpenApiDocument>>) => (document.paths ?? {}) as Paths;

describe('OpenAPI document', () => {
  it('docs/openapi.json is up to date (run `npm run openapi` after changing routes or schemas)', async () => {
    const onDisk = JSON.parse(fs.readFileSync(committed, 'utf8'));
    expect(onDisk).toEqual(JSON.parse(await openApiJson(appRouter)));
  });

  it('documents every route of the table, with its procedure, parameters and responses', async () => {
    const document = await createOpenApiDocument(appRouter);
    const documented = Object.entries(document.paths ?? {}).flatMap(([p, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).toEqual(REST_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of REST_ROUTES) {
      const operation = pathsOf(document)[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId).toBe(route.procedure);
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(operation?.parameters?.filter((p) => p.in === 'path').map((p) => p.name) ?? []).toEqual(pathParams);
      expect(Object.keys(operation?.responses ?? {})).toEqual(
        expect.arrayContaining([String(route.status ?? 200), '401', '403']),
      );
    }
    expect(document.components?.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    expect(document.security).toEqual([{ bearer: [] }]);
  });

  it('takes request schemas from the procedures: the body of a create is the router’s input schema', async () => {
    const document = await createOpenApiDocument(appRouter);
    const create = pathsOf(document)['/api/tasks']?.post;
    const body = create?.requestBody?.content['application/json'].schema as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
    };
    const routerInput = z.toJSONSchema(
      (appRouter._def.procedures as unknown as Record<string, { _def: { inputs: z.ZodType[] } }>)['tasks.create']?._def
        .inputs[0] as z.ZodType,
      { io: 'input' },
    ) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(body.properties).sort()).toEqual(Object.keys(routerInput.properties).sort());
    expect(body.required.sort()).toEqual(routerInput.required.sort());
    expect(body.additionalProperties).toBe(false);
    // GET filters are query parameters, path parameters are not repeated in the query.
    const events = pathsOf(document)['/api/tasks/{id}/events']?.get;
    expect(events?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:limit']);
  });
});
