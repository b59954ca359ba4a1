import type { RestflowServices } from '@restflow/core';
import type { HttpRequest, HttpRoutes } from './http-server.ts';

/** Domain routes of the HTTP listener (webhook triggers, …). Each handler is a thin adapter over one service. */
export function registerHttpRoutes(routes: HttpRoutes, services: RestflowServices): void {
  // Webhook trigger (docs/entities.md#webhooks): Bearer token of the task, per-task rate limit,
  // body {input?, source?, metadata?}. The token is checked before the body is read (docs/limits.md).
  const hook = (request: HttpRequest) => ({
    taskId: request.params.taskId ?? '',
    authorization: request.headers.authorization,
    source: request.remoteAddress,
  });
  routes.add(
    'POST',
    '/hooks/trigger/:taskId',
    (request) => services.scheduler.webhooks.trigger({ ...hook(request), body: request.body }),
    { authorize: (request) => services.scheduler.webhooks.authorize(hook(request)) },
  );
  routes.add('GET', '/hooks/health', () => ({ status: 200, body: { status: 'ok' } }));
}
