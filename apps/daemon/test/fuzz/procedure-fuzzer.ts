// A property-based fuzzer of a tRPC router over the real pipe (issue 20). For every procedure it sends generated
// inputs — wrong types, huge and unicode strings (lone surrogates, NUL), deep nesting, prototype keys, boundary
// numbers, and objects built from the procedure's own field names — through a real client, and holds each call
// to the contract: a result or a typed 4xx error, never INTERNAL_SERVER_ERROR, never a dropped connection, and a
// rejected call leaves the daemon's data unchanged.
import { isDaemonUnavailable, type RestflowClient, TRPCClientError } from '@restflow/api/client';
import type { AnyRouter } from '@trpc/server';
import fc from 'fast-check';
import { z } from 'zod';

export interface FuzzProcedure {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  /** Every property name of the input schema, at any depth: generated objects use them as keys. */
  fields: string[];
  /** The input's JSON Schema (the last `.input()`), from which well-formed inputs are generated. */
  schema: unknown;
}

/** The router's procedures, from its definition: a procedure added tomorrow is fuzzed without listing it here. */
export function proceduresOf(router: AnyRouter): FuzzProcedure[] {
  const unloaded = Object.keys(router._def.lazy);
  if (unloaded.length > 0) throw new Error(`load every sub-router first (loadAllRouters); not loaded: ${unloaded}`);
  const procedures = router._def.procedures as Record<string, { _def: { type: string; inputs?: z.ZodType[] } }>;
  return Object.entries(procedures).map(([path, procedure]) => {
    const fields = new Set<string>();
    let schema: unknown;
    for (const input of procedure._def.inputs ?? []) {
      schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' });
      collectFields(schema, fields);
    }
    return { path, type: procedure._def.type as FuzzProcedure['type'], fields: [...fields].sort(), schema };
  });
}

function collectFields(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectFields(item, into);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object')
      for (const field of Object.keys(value)) into.add(field);
    collectFields(value, into);
  }
}

/** Codes a bad input may get: the 4xx family of tRPC's codes. */
export const CLIENT_ERROR_CODES = new Set([
  'BAD_REQUEST',
  'PARSE_ERROR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_SUPPORTED',
  'TIMEOUT',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNPROCESSABLE_CONTENT',
  'TOO_MANY_REQUESTS',
  'CLIENT_CLOSED_REQUEST',
]);

// ---- generated inputs ----

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const specialStrings = fc.constantFrom(
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  'abc\u0000def ghi',
  'abc\uD800def',
  '\uD800',
  'x\uDFFFy',
  '\uFEFF',
  '😀',
  'e\u0301',
  '\u202Eevil',
  '"',
  "'",
  '\\',
  '%',
  '_',
  '*',
  '" OR 1=1 --',
  "'; DROP TABLE agents; --",
  'NEAR(a b)',
  'a AND b OR NOT c',
  '(',
  '[',
  '.*',
  '(a+)+$',
  '../../../../etc/passwd',
  '/',
  'C:\\Windows',
  '__proto__',
  'default',
  '0',
  '-1',
  'NaN',
  'null',
  'http://127.0.0.1:1/',
  '* * * * *',
  'A'.repeat(129),
);

/** Ordinary text with one character that parsers, SQL, FTS or UTF-8 treat specially. */
const withNastyChar = fc
  .tuple(
    fc.string({ minLength: 3, maxLength: 8 }),
    fc.constantFrom(
      '\u0000',
      '\uD800',
      '\uDC00',
      '"',
      "'",
      '*',
      '%',
      '_',
      '\\',
      '\n',
      '(',
      ')',
      ':',
      '^',
      '-',
      '\u2028',
    ),
    fc.string({ maxLength: 8 }),
  )
  .map(([before, nasty, after]) => `${before}${nasty}${after}`);

/** Lengths just over the documented limits (docs/limits.md) and far over them. */
const hugeStrings = fc
  .constantFrom(101, 201, 254, 321, 501, 2001, 4097, 10_001, 16_385, 65_537, 100_001, 200_001, 1_100_000)
  .chain((length) => fc.constantFrom('x', '😀', '\uD800', ' ').map((unit) => unit.repeat(length).slice(0, length)));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 3, arbitrary: specialStrings },
  { weight: 2, arbitrary: withNastyChar },
  { weight: 1, arbitrary: hugeStrings },
);

export const boundaryNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    -0.5,
    2,
    59,
    999,
    1000,
    1001,
    10_001,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    2 ** 32,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MIN_SAFE_INTEGER,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
  ),
  fc.integer(),
  fc.double(),
);

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: boundaryNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
);

function nested(levels: number, inner: unknown): unknown {
  let value = inner;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
}

/** Any value, with object keys drawn from `fields` (the procedure's own names) and from hostile ones. */
export function hostileValue(fields: string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(
    { weight: fields.length > 0 ? 5 : 0, arbitrary: fields.length > 0 ? fc.constantFrom(...fields) : fc.constant('a') },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    ),
  }));
  return fc.oneof(
    { weight: 8, arbitrary: value },
    // Deep nesting, around the SDK's and the daemon's depth limits and far past them.
    { weight: 1, arbitrary: fc.constantFrom(40, 999, 1000, 1001, 1500, 5000).map((levels) => nested(levels, 'leaf')) },
  );
}

type Schema = Record<string, unknown>;

/** Text that fits a field's limits but not its expectations: NUL, lone surrogates, quotes, FTS and SQL syntax… */
function fittingString(node: Schema, known: string[], key: string): fc.Arbitrary<string> {
  // A field naming a thing mostly names one that exists, so the call goes past NOT_FOUND into the service.
  const knownWeight = known.length === 0 ? 0 : /(^|_)(id|key)$/.test(key) ? 12 : 2;
  const min = (node.minLength as number | undefined) ?? 0;
  const max = (node.maxLength as number | undefined) ?? 1000;
  const fit = (value: string) =>
    value.length >= min && value.length <= max ? value : `${value}${'x'.repeat(min)}`.slice(0, max);
  if (node.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (typeof node.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(node.pattern)).map(fit);
    } catch {
      // A pattern fast-check cannot generate from: plain strings below.
    }
  }
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: Math.min(max, 30) }) },
      { weight: 4, arbitrary: withNastyChar },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: Math.min(max, 30) }) },
      { weight: 3, arbitrary: specialStrings },
      { weight: knownWeight, arbitrary: known.length > 0 ? fc.constantFrom(...known) : fc.constant('') },
      { weight: 1, arbitrary: fc.constant('y'.repeat(max)) },
    )
    .map(fit);
}

/** Well-formed values for a JSON Schema (as zod writes them), so calls get past validation into the services. */
export function fromSchema(node: unknown, known: string[], depth = 0, key = ''): fc.Arbitrary<unknown> {
  if (!node || typeof node !== 'object' || depth > 8) return leaf;
  const schema = node as Schema;
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((alt) => fromSchema(alt, known, depth + 1, key)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const min = schema.minimum ?? (typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : undefined);
  const max = schema.maximum ?? (typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : undefined);
  switch (schema.type) {
    case 'string':
      return fittingString(schema, known, key);
    case 'integer':
      return fc.oneof(
        fc.integer({ min: Math.max(Number(min ?? -1e9), -(2 ** 31)), max: Math.min(Number(max ?? 1e9), 2 ** 31 - 1) }),
        fc.constantFrom(...[min, max].filter((n): n is number => typeof n === 'number' && Number.isSafeInteger(n))),
      );
    case 'number':
      return fc.double({ min: Number(min ?? -1e9), max: Number(max ?? 1e9), noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items, known, depth + 1), {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.max(
          (schema.minItems as number | undefined) ?? 0,
          Math.min(3, (schema.maxItems as number) ?? 3),
        ),
      });
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, unknown>;
      const required = (schema.required ?? []) as string[];
      if (Object.keys(properties).length === 0 && schema.additionalProperties) {
        const key = schema.propertyNames
          ? fromSchema(schema.propertyNames, known, depth + 1)
          : fc.string({ maxLength: 10 });
        return fc.dictionary(key as fc.Arbitrary<string>, fromSchema(schema.additionalProperties, known, depth + 1), {
          maxKeys: 3,
        });
      }
      // The required fields and at most two optional ones: each extra field is one more chance of a refusal.
      const optional = Object.keys(properties).filter((k) => !required.includes(k));
      return fc.subarray(optional, { maxLength: Math.min(2, optional.length) }).chain((chosen) => {
        const keys = [...required.filter((k) => k in properties), ...chosen];
        return fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(properties[k], known, depth + 1, k)])));
      });
    }
    default:
      if (Array.isArray(schema.type)) {
        return fc.oneof(...schema.type.map((type) => fromSchema({ ...schema, type }, known, depth, key)));
      }
      return leaf;
  }
}

/** Replaces the `index`-th node (in walk order) of a well-formed value with a hostile one. */
function mutateAt(value: unknown, index: number, replacement: unknown): unknown {
  let counter = 0;
  const walk = (node: unknown): unknown => {
    if (counter++ === index) return replacement;
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object' && !(node instanceof Date)) {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v)]));
    }
    return node;
  };
  return walk(value);
}

/**
 * What a procedure is called with: well-formed inputs with awkward text (they reach the services), well-formed
 * inputs with one part replaced by anything, objects of its own field names with hostile values, and anything.
 */
export function inputFor(procedure: FuzzProcedure, known: string[] = []): fc.Arbitrary<unknown> {
  const value = hostileValue(procedure.fields);
  const wellFormed = procedure.schema === undefined ? fc.constant(undefined) : fromSchema(procedure.schema, known);
  const oneWrong = fc
    .tuple(wellFormed, fc.nat({ max: 20 }), value)
    .map(([valid, index, replacement]) => mutateAt(valid, index, replacement));
  const ownFields =
    procedure.fields.length > 0
      ? fc.dictionary(fc.constantFrom(...procedure.fields), value, { maxKeys: Math.min(6, procedure.fields.length) })
      : fc.constant({});
  return fc.oneof(
    { weight: 4, arbitrary: wellFormed },
    { weight: 3, arbitrary: oneWrong },
    { weight: 2, arbitrary: ownFields },
    { weight: 1, arbitrary: value },
  );
}

// ---- calling ----

export type Outcome = { kind: 'result' } | { kind: 'client-error'; code: string } | { kind: 'broken'; reason: string };

/**
 * Calls procedures by path with an SDK client over the pipe (its proxy serves any router's paths); a subscription
 * is given `subscriptionMs` to fail, then stopped.
 */
export function pipeCaller(sdk: RestflowClient, subscriptionMs = 150) {
  // biome-ignore lint/suspicious/noExplicitAny: procedures are called by path, whatever the router
  const client = sdk as any;
  return async (procedure: FuzzProcedure, input: unknown): Promise<Outcome> => {
    const target = procedure.path.split('.').reduce((node, segment) => node[segment], client);
    try {
      if (procedure.type === 'subscription') {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            subscription.unsubscribe();
            resolve();
          }, subscriptionMs);
          const subscription = target.subscribe(input, {
            onError: (error: unknown) => {
              clearTimeout(timer);
              reject(error);
            },
            onComplete: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
      } else if (procedure.type === 'query') {
        await target.query(input);
      } else {
        await target.mutate(input);
      }
      return { kind: 'result' };
    } catch (error) {
      return classify(error);
    }
  };
}

export function classify(error: unknown): Outcome {
  if (!(error instanceof TRPCClientError)) return { kind: 'broken', reason: `not a TRPCClientError: ${String(error)}` };
  const code = (error.data as { code?: string } | undefined)?.code;
  if (isDaemonUnavailable(error)) return { kind: 'broken', reason: `dropped: ${error.message}` };
  if (code && CLIENT_ERROR_CODES.has(code)) return { kind: 'client-error', code };
  return { kind: 'broken', reason: `${code ?? 'no code'}: ${error.message}` };
}

// ---- the property ----

export interface FuzzOptions {
  procedures: FuzzProcedure[];
  call: (procedure: FuzzProcedure, input: unknown) => Promise<Outcome>;
  /** A dump of the daemon's data by part (table): compared before and after every rejected call. */
  snapshot: () => Record<string, string>;
  /**
   * Brings work a successful call started in the background to an end before the next call's "before" snapshot
   * (a run retrying a provider for seconds), so its later writes are not blamed on a rejected call.
   */
  quiesce?: () => Promise<void>;
  seed: number;
  numRuns: number;
  /** Stops generating (without failing) once this much time has been spent on one procedure. */
  timeLimitMs?: number;
  /** A call answered later than this is a stall, and fails the run (default 10 s). */
  maxCallMs?: number;
  /** Strings that name existing things (ids, keys), mixed into generated text so calls find them. */
  known?: string[];
}

export class FuzzFailure extends Error {
  override name = 'FuzzFailure';
}

function describeInput(input: unknown): string {
  try {
    const text = JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
    return text === undefined
      ? String(input)
      : text.length > 300
        ? `${text.slice(0, 300)}… (${text.length} chars)`
        : text;
  } catch {
    return '(an input JSON cannot show)';
  }
}

const sameParts = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys({ ...a, ...b }).every((part) => a[part] === b[part]);

/** The snapshot once two looks 10 ms apart agree (at most 20 looks). */
async function settled(snapshot: () => Record<string, string>): Promise<Record<string, string>> {
  let previous = snapshot();
  for (let look = 0; look < 20; look++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const next = snapshot();
    if (sameParts(previous, next)) return next;
    previous = next;
  }
  return previous;
}

/** Fuzzes one procedure; throws a FuzzFailure naming the procedure, the input and the seed to replay it. */
export async function fuzzProcedure(procedure: FuzzProcedure, options: FuzzOptions): Promise<number> {
  let calls = 0;
  let previousSucceeded = true;
  // fast-check stops waiting for a run at the time limit but cannot stop the run itself: its call may still be
  // writing when the next procedure takes its "before" snapshot, which then blames that procedure's first call.
  // Each run is kept here and awaited before this procedure counts as done.
  let inFlight: Promise<unknown> = Promise.resolve();
  const property = fc.asyncProperty(inputFor(procedure, options.known), (input) => {
    const run = checkOne(input);
    inFlight = run.catch(() => undefined);
    return run;
  });
  const checkOne = async (input: unknown) => {
    calls++;
    // A call that succeeded may have started work that writes a little later (a run, the default agent's model
    // watch): end it and wait until the data holds still, so only this call's writes are seen. Holding still for
    // a moment is not enough on its own: a run whose provider refuses the connection retries with backoff (1, 2,
    // 4 s) and writes its failure seconds later, during whichever call is then in flight.
    if (previousSucceeded) await options.quiesce?.();
    const before = previousSucceeded ? await settled(options.snapshot) : options.snapshot();
    const started = Date.now();
    const outcome = await options.call(procedure, input);
    const took = Date.now() - started;
    if (took > (options.maxCallMs ?? 10_000)) throw new FuzzFailure(`${procedure.path}: a call took ${took} ms`);
    if (outcome.kind === 'broken') throw new FuzzFailure(`${procedure.path}: ${outcome.reason}`);
    previousSucceeded = outcome.kind === 'result';
    if (outcome.kind !== 'client-error') return;
    const after = options.snapshot();
    const changed = Object.keys({ ...before, ...after }).filter((part) => before[part] !== after[part]);
    if (changed.length > 0) {
      throw new FuzzFailure(
        `${procedure.path}: a call rejected with ${outcome.code} changed the daemon's data (${changed.join(', ')})`,
      );
    }
  };
  let details = await fc.check(property, {
    seed: options.seed,
    numRuns: options.numRuns,
    endOnFailure: true,
    ...(options.timeLimitMs ? { interruptAfterTimeLimit: options.timeLimitMs, markInterruptAsFailure: false } : {}),
  });
  await inFlight;
  // On a loaded machine a short share can run out before the first input is even tried: every procedure gets at
  // least one, whatever the time.
  if (calls === 0) {
    details = await fc.check(property, { seed: options.seed, numRuns: 1, endOnFailure: true });
    await inFlight;
  }
  // Running out of time is the bound of a default run, not a failure (the inputs that did run passed).
  if (details.failed && !(details.interrupted && details.errorInstance === null)) {
    const reason =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new FuzzFailure(
      `${reason}\n  input: ${describeInput(details.counterexample?.[0])}\n  seed: ${options.seed} ` +
        `(replay: RESTFLOW_FUZZ_SEED=${options.seed}, path ${details.counterexamplePath})`,
    );
  }
  return calls;
}
