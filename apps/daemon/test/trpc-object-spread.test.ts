// The bundles copy objects in tRPC's code with Object.assign instead of its compiler's `_objectSpread2` helper
// (scripts/trpc-object-spread.mjs). That is the same copy only for what tRPC passes the helper, so this checks
// tRPC's whole output for it, and the two helpers against each other.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from '@babel/parser';
import { describe, expect, it } from '@jest/globals';

const require = createRequire(import.meta.url);
const plugin = (await import(pathToFileURL(require.resolve('../../../scripts/trpc-object-spread.mjs')).href)) as {
  ORIGINAL_HELPER: string;
  FAST_HELPER: string;
  withFastObjectSpread(source: string): string;
};

const distOf = (pkg: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), 'dist');
const DISTS = [distOf('@trpc/server'), distOf('@trpc/client')];

interface Node {
  type: string;
  [key: string]: unknown;
}
const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
const calleeName = (node: Node): string => {
  const callee = node.callee as Node;
  if (callee.type === 'Identifier') return callee.name as string;
  if (callee.type === 'MemberExpression') return ((callee.property as Node).name as string) ?? '';
  return '';
};
const isSpreadCall = (node: unknown): node is Node =>
  isNode(node) && node.type === 'CallExpression' && /objectSpread2$/.test(calleeName(node));

/** Every call of the helper in a file: whether its target is fresh, and whether a literal has accessors. */
function spreadCalls(source: string): { freshTarget: boolean; accessorLiteral: boolean }[] {
  const found: { freshTarget: boolean; accessorLiteral: boolean }[] = [];
  const visit = (node: Node) => {
    if (isSpreadCall(node)) {
      const [target, ...sources] = node.arguments as Node[];
      found.push({
        freshTarget: target?.type === 'ObjectExpression' || isSpreadCall(target),
        accessorLiteral: [target, ...sources].some(
          (arg) =>
            arg?.type === 'ObjectExpression' &&
            (arg.properties as Node[]).some((p) => p.kind === 'get' || p.kind === 'set'),
        ),
      });
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc') continue;
      if (Array.isArray(value)) for (const item of value) if (isNode(item)) visit(item);
      if (isNode(value)) visit(value);
    }
  };
  visit(parse(source, { sourceType: 'unambiguous', errorRecovery: true }).program as unknown as Node);
  return found;
}

/** A helper's source as a function, with the compiler's support functions it calls. */
function helper(source: string): (...args: unknown[]) => object {
  const support = `
    function _defineProperty(e, r, t) {
      return r in e ? Object.defineProperty(e, r, { value: t, enumerable: true, configurable: true, writable: true }) : (e[r] = t), e;
    }
    function ownKeys(e, r) {
      var t = Object.keys(e);
      if (Object.getOwnPropertySymbols) {
        var o = Object.getOwnPropertySymbols(e);
        r && (o = o.filter(function (r) { return Object.getOwnPropertyDescriptor(e, r).enumerable; })), t.push.apply(t, o);
      }
      return t;
    }`;
  return new Function(`${support}\n${source}\nreturn _objectSpread2;`)() as (...args: unknown[]) => object;
}

describe("tRPC's object-spread helper in the bundles", () => {
  it("is only ever given a fresh target and object literals without getters or setters, in tRPC's whole output", () => {
    let calls = 0;
    for (const dist of DISTS) {
      for (const file of fs.readdirSync(dist).filter((f) => /\.(mjs|cjs)$/.test(f))) {
        const source = fs.readFileSync(path.join(dist, file), 'utf8');
        for (const call of spreadCalls(source)) {
          calls++;
          expect({ file, ...call }).toEqual({ file, freshTarget: true, accessorLiteral: false });
        }
        if (source.includes('function _objectSpread2(')) {
          expect(plugin.withFastObjectSpread(source)).toContain(plugin.FAST_HELPER);
        }
      }
    }
    // tRPC spreads in ~200 places: a scan that found none would prove nothing.
    expect(calls).toBeGreaterThan(100);
  });

  it('builds the same objects as the compiler’s helper for what tRPC passes it', () => {
    const original = helper(plugin.ORIGINAL_HELPER);
    const fast = helper(plugin.FAST_HELPER);
    const hidden = Symbol('hidden');
    const shown = Symbol('shown');
    const withSymbols = Object.defineProperty({ [shown]: 1, a: 1 }, hidden, { value: 2, enumerable: false });
    let reads = 0;
    const withGetter = {
      get counted() {
        reads++;
        return 'read';
      },
    };
    const prototypeKey = JSON.parse('{"__proto__": {"polluted": true}, "b": 2}') as object;
    const cases: (() => unknown[])[] = [
      () => [{}, { ctx: { user: 'a' }, type: 'query', path: 'system.ping' }],
      () => [{ a: 1 }, { a: 2, b: 3 }, { b: 4 }, { c: 5 }],
      () => [{}, withSymbols],
      () => [{}, withGetter],
      () => [{}, null, {}, undefined, { after: true }],
      () => [{}, ['x', 'y']],
      () => [{}, 'ab'],
      () => [{}, prototypeKey],
      () => [{ toString: 1 }, { toString: 2, hasOwnProperty: 3 }],
    ];
    for (const args of cases) {
      const a = original(...args());
      const b = fast(...args());
      expect(Reflect.ownKeys(b)).toEqual(Reflect.ownKeys(a));
      expect(Object.getOwnPropertyDescriptors(b)).toEqual(Object.getOwnPropertyDescriptors(a));
      expect(Object.getPrototypeOf(b)).toBe(Object.getPrototypeOf(a));
    }
    // The own `__proto__` key stays a key: the copy's prototype is not replaced.
    expect((fast({}, prototypeKey) as { polluted?: boolean }).polluted).toBeUndefined();
    // A getter of a source is read once per copy, by both.
    expect(reads).toBe(2);
  });

  it('stops the build when tRPC defines the helper differently', () => {
    const changed = 'function _objectSpread2(e) {\n\treturn Object.assign(e, ...arguments);\n}';
    expect(() => plugin.withFastObjectSpread(changed)).toThrow(/not the one this transform replaces/);
    expect(plugin.withFastObjectSpread('export const x = 1;')).toBe('export const x = 1;');
  });
});
