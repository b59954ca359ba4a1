import type { RestflowServices } from '@restflow/core';
import type { HttpRoutes } from './http-server.ts';

/** Domain routes of the HTTP listener (webhook triggers, …). Each handler is a thin adapter over one service. */
export function registerHttpRoutes(_routes: HttpRoutes, _services: RestflowServices): void {}
