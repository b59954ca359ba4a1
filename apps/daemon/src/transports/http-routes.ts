import type { RestflowServices } from '@restflow/core';
import type { HttpRoutes } from './http-server.ts';

/** Domain routes of the HTTP listener (webhook triggers, …). Each handler is a thin adapter over one service. */
export function registerHttpRoutes(routes: HttpRoutes, services: RestflowServices): void {
  // Webhook trigger (docs/entities.md#webhooks): Bearer token of the task, per-task rate limit,
  // body {input?, source?, metadata?}.
  routes.add('POST', '/hooks/trigger/:taskId', (request) =>
    services.scheduler.webhooks.trigger({
      taskId: request.params.taskId ?? '',
      authorization: request.headers.authorization,
      body: request.body,
    }),
  );
  routes.add('GET', '/hooks/health', () => ({ status: 200, body: { status: 'ok' } }));
}
