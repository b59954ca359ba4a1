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

export const wireTransformer = {
  serialize(value: unknown) {
    return isPlainJson(value) ? { json: value } : superjson.serialize(value);
  },
  deserialize(value: unknown) {
    return superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]);
  },
};
