// superjson on the wire, with a fast path for values that are already plain JSON (every streamed run event):
// those are sent as `{ json }` without a walk that builds type metadata. Clients decode both forms with plain
// `superjson.deserialize`, so the wire format is unchanged.
import superjson from 'superjson';

const MAX_DEPTH = 64;

function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // NaN/Infinity/-0 need superjson's metadata to survive.
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (depth > MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (key === '__proto__') return false;
        if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      // undefined, bigint, symbol, function: superjson knows how (or refuses).
      return false;
  }
}

/** Deeper requests are refused before superjson's recursive walk (docs/limits.md). */
export const MAX_INPUT_DEPTH = 1000;
/** BigInt() parsing is quadratic in the digits: longer bigints are refused before it runs. */
export const MAX_BIGINT_DIGITS = 10_000;

/**
 * What an input that cannot be decoded becomes: a value no schema accepts, which the base procedure turns into
 * a BAD_REQUEST for that call (trpc.ts). Throwing here instead would make tRPC answer a PARSE_ERROR without the
 * request's id, and the caller would wait forever.
 */
export class RefusedInput {
  constructor(readonly reason: string) {}
}

/** Why a superjson document is refused before decoding, or undefined. Iterative: a deep input cannot overflow it. */
function refusalOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { json, meta } = value as { json?: unknown; meta?: unknown };
  let longDigits = false;
  let bigints = false;
  const stack: [unknown, number, boolean][] = [
    [json, 1, true],
    [meta, 1, false],
  ];
  while (stack.length > 0) {
    const [node, depth, inJson] = stack.pop() as [unknown, number, boolean];
    if (typeof node === 'string') {
      if (inJson && node.length > MAX_BIGINT_DIGITS && /^-?\d+$/.test(node)) longDigits = true;
      else if (!inJson && node === 'bigint') bigints = true;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_INPUT_DEPTH) return `input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
    for (const child of Object.values(node)) stack.push([child, depth + 1, inJson]);
  }
  if (bigints && longDigits) return `input has a bigint of more than ${MAX_BIGINT_DIGITS} digits`;
  return undefined;
}

/**
 * superjson's encoding of `undefined`, `{"json":null,"meta":{"values":["undefined"],"v":1}}`: what clients send for every call
 * without input (a ping, a list, a config read). Decoded without the refusal walk and superjson's copy, which
 * would only come to the same `undefined` (less garbage per call on a busy pipe: bench/pipe-under-load.bench.ts).
 */
function isEncodedUndefined(value: object): boolean {
  const { json, meta } = value as { json?: unknown; meta?: { values?: unknown; referentialEqualities?: unknown } };
  if ((json !== null && json !== undefined) || meta === null || typeof meta !== 'object') return false;
  const { values, referentialEqualities } = meta;
  return (
    Array.isArray(values) && values.length === 1 && values[0] === 'undefined' && referentialEqualities === undefined
  );
}

export const wireTransformer = {
  serialize(value: unknown) {
    return isPlainJson(value) ? { json: value } : superjson.serialize(value);
  },
  deserialize(value: unknown) {
    // No input at all (a raw client may leave `input` out): nothing to decode.
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'object' && isEncodedUndefined(value)) return undefined;
    const refusal = refusalOf(value);
    if (refusal) return new RefusedInput(refusal);
    try {
      return superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]);
    } catch (error) {
      // superjson refuses prototype keys (`__proto__`, `constructor`, `prototype`) in its annotations.
      return new RefusedInput(`input could not be decoded: ${(error as Error).message}`);
    }
  },
};
