// The OpenAPI builder (rest-openapi.ts, with zod-openapi) loads with the first document or response schema asked
// for, not with the daemon: serving REST requests never needs it.
import type { AppRouter } from '../root.ts';
import type * as OpenApi from './rest-openapi.ts';
import type { RestRoute } from './rest-routes.ts';

const builder = () => import('./rest-openapi.ts');

export async function createOpenApiDocument(router: AppRouter): ReturnType<typeof OpenApi.createOpenApiDocument> {
  return (await builder()).createOpenApiDocument(router);
}

/** The document as committed in docs/openapi.json. */
export async function openApiJson(router: AppRouter): Promise<string> {
  return (await builder()).openApiJson(router);
}

export async function responseSchemaOf(
  router: AppRouter,
  route: RestRoute,
): ReturnType<typeof OpenApi.responseSchemaOf> {
  return (await builder()).responseSchemaOf(router, route);
}
