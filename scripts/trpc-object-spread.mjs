// A transform of tRPC's code for scripts/trpc-bundle-patches.mjs: tRPC's bundled output copies objects with the
// `_objectSpread2` helper its compiler emits for `{ ...a, b }`, several times per call and per streamed item (the
// options of each middleware level, each answer's envelope). The helper lists every key, filters symbols and defines
// each property through a closure: 11 % of the daemon's busy time under the pipe load, ~7 µs per frame
// (bench/RESULTS.md, "one call's work per turn"). The bundled helper copies with `Object.assign` instead, ten times
// faster, which gives the same object for what tRPC passes it: a fresh target, and object literals without getters or
// setters (checked over tRPC's whole output by apps/daemon/test/trpc-object-spread.test.ts). A source with an own
// `__proto__` key (which assigning would turn into the prototype) and a primitive source take the helper's own path.
export const ORIGINAL_HELPER = `function _objectSpread2(e) {
	for (var r = 1; r < arguments.length; r++) {
		var t = null != arguments[r] ? arguments[r] : {};
		r % 2 ? ownKeys(Object(t), !0).forEach(function(r) {
			_defineProperty(e, r, t[r]);
		}) : Object.getOwnPropertyDescriptors ? Object.defineProperties(e, Object.getOwnPropertyDescriptors(t)) : ownKeys(Object(t)).forEach(function(r) {
			Object.defineProperty(e, r, Object.getOwnPropertyDescriptor(t, r));
		});
	}
	return e;
}`;

export const FAST_HELPER = `function _objectSpread2(e) {
	for (var r = 1; r < arguments.length; r++) {
		var t = arguments[r];
		if (t == null) continue;
		if (typeof t === "object" && !Object.prototype.hasOwnProperty.call(t, "__proto__")) Object.assign(e, t);
		else ownKeys(Object(t), !0).forEach(function(r) {
			_defineProperty(e, r, t[r]);
		});
	}
	return e;
}`;

/** A tRPC dist file's source with the fast helper; throws when it defines the helper other than as expected. */
export function withFastObjectSpread(source) {
  if (!source.includes('function _objectSpread2(')) return source;
  if (!source.includes(ORIGINAL_HELPER)) {
    throw new Error(
      "trpc-object-spread: tRPC's _objectSpread2 helper is not the one this transform replaces — check it against this tRPC",
    );
  }
  return source.replace(ORIGINAL_HELPER, FAST_HELPER);
}
