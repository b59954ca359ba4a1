import { describe, expect, it } from '@jest/globals';
import superjson from 'superjson';
import { wireTransformer } from '../src/transformer.ts';

const roundTrip = (value: unknown) =>
  superjson.deserialize(JSON.parse(JSON.stringify(wireTransformer.serialize(value))));

describe('wire transformer', () => {
  it('sends plain JSON without metadata, readable by plain superjson', () => {
    const event = { type: 'token', payload: { text: 'hi', n: 3, ok: true, list: [1, 'a', null] } };
    expect(wireTransformer.serialize(event)).toEqual({ json: event });
    expect(roundTrip(event)).toEqual(event);
  });

  it('falls back to superjson for values plain JSON cannot carry', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const rich = { at, big: 10n, map: new Map([['k', 1]]), set: new Set([1]), missing: undefined, nan: Number.NaN };
    const back = roundTrip(rich) as typeof rich;
    expect(back.at).toEqual(at);
    expect(back.big).toBe(10n);
    expect(back.map.get('k')).toBe(1);
    expect(back.set.has(1)).toBe(true);
    expect('missing' in back).toBe(true);
    expect(Number.isNaN(back.nan)).toBe(true);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(wireTransformer.deserialize(wireTransformer.serialize([new Date(0)]))).toEqual([new Date(0)]);
  });

  it("decodes a call without input (superjson's undefined) as superjson does, and only that shortcut", () => {
    const none = JSON.parse(JSON.stringify(superjson.serialize(undefined)));
    expect(none).toEqual({ json: null, meta: { values: ['undefined'], v: 1 } });
    expect(wireTransformer.deserialize(none)).toBeUndefined();
    expect(wireTransformer.deserialize({ meta: { values: ['undefined'] } })).toBeUndefined();
    // Anything else still goes through the refusal walk and superjson.
    for (const value of [{ n: undefined }, [undefined], { a: [1, undefined] }, null, 0, '']) {
      const wire = JSON.parse(JSON.stringify(superjson.serialize(value)));
      expect(wireTransformer.deserialize(wire)).toEqual(superjson.deserialize(wire));
    }
    const shared = { x: 1 };
    const withRefs = JSON.parse(JSON.stringify(superjson.serialize({ a: shared, b: shared })));
    const back = wireTransformer.deserialize(withRefs) as { a: object; b: object };
    expect(back.a).toBe(back.b);
  });

  it('does not trust objects with prototypes or pathological depth', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    // Class instances take superjson's path, whatever it decides for them.
    expect(wireTransformer.serialize({ p: new Point(1) })).toEqual(superjson.serialize({ p: new Point(1) }));
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100; i++) deep = { deep };
    expect(roundTrip(deep)).toEqual(deep);
  });
});
