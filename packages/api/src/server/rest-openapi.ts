// The REST reference: an OpenAPI 3.1 document generated (zod-openapi) from the route table and the zod schemas the
// router validates with, so the document cannot describe an input the router would judge differently.
// docs/openapi.json is this document, written by `npm run openapi`; a test fails when it is stale.
import { PROTOCOL_VERSION, RESTFLOW_VERSION } from '@restflow/paths';
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { loadAllRouters, loadRouterOf } from '../lazy-routers.ts';
import type { AppRouter } from '../root.ts';
import type * as Schemas from '../schemas/index.ts';
import { BEARER_SCHEME, restErrorSchema } from './rest-errors.ts';
import { inputShape, procedureOf } from './rest-handler.ts';
import { REST_ROUTES, type RestRoute } from './rest-routes.ts';

export { BEARER_SCHEME, restErrorSchema };

const DESCRIPTION = `The RestFlow daemon's REST API: resource routes over the same router the CLI and the web console use
(each operation's id names the procedure it calls), so inputs are validated by the same schemas and fail with the
same field errors.

- **JSON**: plain JSON in and out (not the superjson envelope of the tRPC transports), fields in snake_case.
- **Times**: Unix time in milliseconds (numbers), except auth profile times, which are RFC 3339 strings. A date
  value anywhere would be sent as an ISO 8601 string (\`2026-01-01T00:00:00.000Z\`).
- **Ids**: where a path takes an \`{id}\`, a unique prefix of the id is accepted.
- **Errors**: \`{ "error": <message>, "code", "field_errors"?, "reason"?, "details"? }\` with the HTTP status of the
  router's code: BAD_REQUEST → 400 (\`field_errors\` lists each invalid field), UNAUTHORIZED → 401, FORBIDDEN → 403,
  NOT_FOUND → 404, CONFLICT → 409, TOO_MANY_REQUESTS → 429, PRECONDITION_FAILED → 412.
- **Auth**: \`Authorization: Bearer <api token>\` (\`restflow token create\`); read-only tokens cannot call
  mutations (POST, PATCH, PUT, DELETE).
- **Secrets**: no route returns a secret's value.

Protocol version ${PROTOCOL_VERSION}.`;

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: restErrorSchema } } };
}

function objectOf(shape: Record<string, z.ZodType>, keys: string[]) {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, shape[key] as z.ZodType])));
}

/** Path parameter names of a route template, in order. */
export function pathKeys(route: RestRoute): string[] {
  return [...route.path.matchAll(/\{([A-Za-z_]+)\}/g)].map((m) => m[1] as string);
}

function responseOf(router: AppRouter, route: RestRoute, schemas: typeof Schemas): z.ZodType {
  const schema = route.response?.(schemas) ?? procedureOf(router, route.procedure).output;
  if (!schema) throw new Error(`REST route ${route.method} ${route.path} documents no response`);
  return schema;
}

/** What a route answers: the route's response or its procedure's `.output()` (both loaded on demand). */
export async function responseSchemaOf(router: AppRouter, route: RestRoute): Promise<z.ZodType> {
  await loadRouterOf(router, route.procedure);
  return responseOf(router, route, await import('../schemas/index.ts'));
}

function operationOf(router: AppRouter, route: RestRoute, schemas: typeof Schemas): ZodOpenApiOperationObject {
  const shape = inputShape(procedureOf(router, route.procedure).input) ?? {};
  const fromPath = new Map(pathKeys(route).map((key) => [key, route.params?.[key] ?? key]));
  const pathFields = new Set(fromPath.values());
  const rest = Object.keys(shape).filter((key) => !pathFields.has(key));
  const operation: ZodOpenApiOperationObject = {
    operationId: route.procedure,
    summary: route.summary,
    description: `Calls the router's \`${route.procedure}\`.`,
    tags: [route.tag],
    responses: {
      [String(route.status ?? 200)]: {
        description: route.status === 201 ? 'Created' : 'OK',
        content: { 'application/json': { schema: responseOf(router, route, schemas) } },
      },
      ...(rest.length > 0 || fromPath.size > 0 ? { '400': errorResponse('Invalid input (see field_errors)') } : {}),
      '401': errorResponse('No valid API token'),
      '429': errorResponse('Too many failed authentication attempts from this address (see retry-after)'),
      '403': errorResponse('The token may not do this (read-only token on a mutation)'),
      ...(fromPath.size > 0 ? { '404': errorResponse('No such resource') } : {}),
      ...(route.method !== 'GET' ? { '409': errorResponse('Conflicts with the current state') } : {}),
    },
  };
  const params: NonNullable<ZodOpenApiOperationObject['requestParams']> = {};
  if (fromPath.size > 0) {
    params.path = z.object(
      Object.fromEntries(
        [...fromPath].map(([key, field]) => [key, (shape[field] as z.ZodType | undefined) ?? z.string()]),
      ),
    );
  }
  if (rest.length > 0 && (route.method === 'GET' || route.method === 'DELETE')) {
    params.query = objectOf(shape, rest);
  } else if (rest.length > 0) {
    operation.requestBody = {
      required: rest.some((key) => !(shape[key] as z.ZodType).safeParse(undefined).success),
      content: { 'application/json': { schema: objectOf(shape, rest) } },
    };
  }
  if (params.path || params.query) operation.requestParams = params;
  return operation;
}

/** The whole document: every sub-router is loaded first, so no route is left out for want of its procedure. */
export async function createOpenApiDocument(router: AppRouter): Promise<ReturnType<typeof createDocument>> {
  await loadAllRouters(router);
  const schemas = await import('../schemas/index.ts');
  const paths: ZodOpenApiPathsObject = {};
  for (const route of REST_ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(router, route, schemas) };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: { title: 'RestFlow daemon API', version: RESTFLOW_VERSION, description: DESCRIPTION },
      tags: [...new Set(REST_ROUTES.map((r) => r.tag))].map((name) => ({ name })),
      security: [{ [BEARER_SCHEME]: [] }],
      components: {
        securitySchemes: {
          [BEARER_SCHEME]: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API token (`restflow token create --name <name> [--read-only]`)',
          },
        },
      },
      paths,
    },
    {
      // JSON.stringify turns a Date into an ISO 8601 string: document what the wire carries.
      override: ({ jsonSchema, zodSchema, io }) => {
        if (zodSchema._zod.def.type === 'date' && io === 'output') {
          jsonSchema.type = 'string';
          jsonSchema.format = 'date-time';
        }
      },
    },
  );
}

/** The document as committed in docs/openapi.json (stable key order from the route table, two-space indent). */
export async function openApiJson(router: AppRouter): Promise<string> {
  return `${JSON.stringify(await createOpenApiDocument(router), null, 2)}\n`;
}
