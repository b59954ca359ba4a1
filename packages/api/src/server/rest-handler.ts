// REST over the one router, transport-agnostic: a request (method, path, query, parsed JSON body) in, a status and
// a plain-JSON body out. Every route calls its procedure through `createCaller` with the request's context, so
// validation, domain rules and errors are the router's own; only the error's HTTP status and the error body's
// layout are REST's. Bodies are plain JSON (not the superjson envelope of the tRPC transports): times are Unix ms
// numbers, except auth profile times, which are RFC 3339 strings (the same values the router returns).
import { getTRPCErrorShape, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { loadRouterOf } from '../lazy-routers.ts';
import type { AppRouter } from '../root.ts';
import { createCallerFactory } from '../trpc.ts';
import { REST_ROUTES, type RestRoute } from './rest-routes.ts';

export interface RestRequest {
  method: string;
  /** The URL path, without the query string. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
}

export interface RestReply {
  status: number;
  /** Plain JSON. */
  body: unknown;
}

export interface RestFieldError {
  path: string;
  message: string;
}

/**
 * Every REST error body, flat like every error of the daemon's HTTP API (`{ error }` of the listener and the gate,
 * `{ error, code, field_errors }` of the run streams): the message, the router's code, and what else it knows.
 */
export interface RestError {
  /** The router's message. */
  error: string;
  /** The router's error code (BAD_REQUEST, NOT_FOUND, CONFLICT, …). */
  code: string;
  /** The router's field errors of an invalid input. */
  field_errors?: RestFieldError[];
  /** A domain reason (NO_MODEL, NO_API_KEY, DUPLICATE_NAME, …) clients can offer the fix for. */
  reason?: string;
  details?: unknown;
}

export interface RestApiOptions {
  router: AppRouter;
  /** Told about INTERNAL_SERVER_ERROR causes (the body says only "Internal error"). */
  onError?: (error: TRPCError, procedure: string) => void;
}

export interface CompiledRoute {
  route: RestRoute;
  pattern: RegExp;
  keys: string[];
}

/** `{name}` segments match one path segment; the rest of the template is literal. */
export function compileRoute(route: RestRoute): CompiledRoute {
  const keys: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([A-Za-z_]+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      keys.push(param[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), keys };
}

/** What a procedure declares, read from the router itself (its input parser, its `.output()` if any). */
export function procedureOf(
  router: AppRouter,
  path: string,
): { input: z.ZodType | undefined; output: z.ZodType | undefined; type: string } {
  const procedures = router._def.procedures as unknown as Record<string, { _def: Record<string, unknown> } | undefined>;
  const procedure = procedures[path];
  if (!procedure) throw new Error(`REST route names an unknown procedure: ${path}`);
  const inputs = (procedure._def.inputs as z.ZodType[] | undefined) ?? [];
  return {
    input: inputs[0],
    output: procedure._def.output as z.ZodType | undefined,
    type: procedure._def.type as string,
  };
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema under optional/default/… wrappers and pipes (a transform's input side). */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } };
  for (;;) {
    const def = current._zod.def;
    if (WRAPPERS.has(def.type)) current = def.innerType as typeof current;
    else if (def.type === 'pipe') current = def.in as typeof current;
    else return current as unknown as z.ZodType;
  }
}

/** The object shape of an input schema, when it is an object (possibly optional or defaulted). */
export function inputShape(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  if (!schema) return undefined;
  const base = unwrapSchema(schema) as unknown as {
    _zod: { def: { type: string; shape?: Record<string, z.ZodType> } };
  };
  return base._zod.def.type === 'object' ? base._zod.def.shape : undefined;
}

/**
 * Query strings carry text; a field the schema types as a number, a boolean or an array is converted first so the
 * router validates the value the caller meant. Anything that does not convert is passed as text, and the router's
 * own validation names the field.
 */
function queryInput(query: URLSearchParams, shape: Record<string, z.ZodType> | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    const field = shape?.[key];
    const kind = field
      ? (unwrapSchema(field) as unknown as { _zod: { def: { type: string; element?: z.ZodType } } })._zod.def
      : undefined;
    if (kind?.type === 'array') {
      const elementKind = kind.element
        ? (unwrapSchema(kind.element) as unknown as { _zod: { def: { type: string } } })._zod.def.type
        : 'string';
      input[key] = values.map((value) => fromText(value, elementKind));
    } else {
      input[key] = fromText(values[values.length - 1] as string, kind?.type ?? 'string');
    }
  }
  return input;
}

function fromText(value: string, type: string): unknown {
  if ((type === 'number' || type === 'int') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function errorReply(
  status: number,
  code: string,
  message: string,
  more: { field_errors?: RestFieldError[] | null; reason?: string | null; details?: unknown } = {},
): RestReply {
  const body: RestError = { error: message, code };
  if (more.field_errors?.length) body.field_errors = more.field_errors;
  if (more.reason) body.reason = more.reason;
  if (more.details !== undefined && more.details !== null) body.details = more.details;
  return { status, body };
}

export interface RestApi {
  routes: readonly CompiledRoute[];
  /**
   * The reply, or undefined when no route has this path (another handler may take it). `context` is the request's,
   * with the caller its transport authenticated: the procedures' caller rules (read-only tokens) apply to it.
   */
  handle(request: RestRequest, context: ApiContext): Promise<RestReply | undefined>;
}

export function createRestApi(options: RestApiOptions): RestApi {
  const { router } = options;
  const createCaller = createCallerFactory(router);
  const routes = REST_ROUTES.map(compileRoute);
  // A route's input shape is read from its procedure, whose sub-router loads on the route's first request.
  const shapes = new Map<RestRoute, Record<string, z.ZodType> | undefined>();
  const shapeOf = async (route: RestRoute) => {
    if (!shapes.has(route)) {
      await loadRouterOf(router, route.procedure);
      shapes.set(route, inputShape(procedureOf(router, route.procedure).input));
    }
    return shapes.get(route);
  };

  const call = async (route: RestRoute, input: unknown, context: ApiContext): Promise<unknown> => {
    const caller = createCaller(context) as unknown as Record<string, unknown>;
    let target: unknown = caller;
    for (const segment of route.procedure.split('.')) target = (target as Record<string, unknown>)[segment];
    return (target as (input: unknown) => Promise<unknown>)(input);
  };

  const toErrorReply = (cause: unknown, route: RestRoute, input: unknown): RestReply => {
    const error = cause instanceof TRPCError ? cause : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause });
    if (error.code === 'INTERNAL_SERVER_ERROR') options.onError?.(error, route.procedure);
    // The router's own error formatter decides message, field errors and domain reason, as on every transport.
    const shape = getTRPCErrorShape({
      config: router._def._config,
      error,
      // The procedure is loaded unless loading its sub-router is what failed: then the route's method tells.
      type: ((router._def.procedures as unknown as Record<string, { _def: { type: string } } | undefined>)[
        route.procedure
      ]?._def.type ?? (route.method === 'GET' ? 'query' : 'mutation')) as 'query' | 'mutation',
      path: route.procedure,
      input,
      ctx: undefined,
    }) as {
      message: string;
      data: { fieldErrors?: RestFieldError[] | null; reason?: string | null; details?: unknown };
    };
    return errorReply(getHTTPStatusCodeFromError(error), error.code, shape.message, {
      field_errors: shape.data.fieldErrors,
      reason: shape.data.reason,
      details: shape.data.details,
    });
  };

  return {
    routes,
    async handle(request, context) {
      const method = request.method.toUpperCase();
      let pathMatched = false;
      for (const compiled of routes) {
        const m = compiled.pattern.exec(request.path);
        if (!m) continue;
        pathMatched = true;
        if (compiled.route.method !== method) continue;
        const { route } = compiled;
        const fromPath: Record<string, string> = {};
        compiled.keys.forEach((key, i) => {
          fromPath[route.params?.[key] ?? key] = decodeURIComponent(m[i + 1] ?? '');
        });
        let shape: Record<string, z.ZodType> | undefined;
        try {
          shape = await shapeOf(route);
        } catch (error) {
          return toErrorReply(error, route, undefined);
        }
        let fields: Record<string, unknown>;
        if (method === 'GET' || method === 'DELETE') {
          fields = queryInput(request.query, shape);
        } else if (request.body === undefined || request.body === null) {
          fields = {};
        } else if (typeof request.body === 'object' && !Array.isArray(request.body)) {
          fields = request.body as Record<string, unknown>;
        } else {
          return errorReply(400, 'BAD_REQUEST', 'the request body must be a JSON object', {
            field_errors: [{ path: '(input)', message: 'expected a JSON object' }],
          });
        }
        // Path parameters win over a body field of the same name: the URL names the resource.
        const merged = { ...fields, ...fromPath };
        const input = shape === undefined && Object.keys(merged).length === 0 ? undefined : merged;
        try {
          const output = await call(route, input, context);
          return { status: route.status ?? 200, body: output ?? null };
        } catch (error) {
          return toErrorReply(error, route, input);
        }
      }
      if (pathMatched) {
        return errorReply(405, 'METHOD_NOT_SUPPORTED', `${method} is not supported on ${request.path}`);
      }
      return undefined;
    },
  };
}
