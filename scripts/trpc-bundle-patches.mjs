// An esbuild plugin for scripts/bundle.mjs: the daemon's and the CLI's bundles carry tRPC's code with three changes
// that take work off every call over the pipe, each a transform of its own module with the reasons and a test:
// object copies with Object.assign (trpc-object-spread.mjs), no AbortController for a query's or mutation's request
// (trpc-request-signal.mjs) and a subscription's events awaited without Unpromise (trpc-subscription-race.mjs). A
// transform that finds its target written otherwise fails the build, and so does a bundle of tRPC's code in which a
// transform found no target at all (a tRPC that renamed or moved it).
import fs from 'node:fs';
import { withFastObjectSpread } from './trpc-object-spread.mjs';
import { withSubscriptionSignalsOnly } from './trpc-request-signal.mjs';
import { withPlainEventWait } from './trpc-subscription-race.mjs';

const TRPC_DIST = /[\\/]@trpc[\\/](server|client)[\\/]dist[\\/][^\\/]+\.(mjs|cjs)$/;
/** The WebSocket adapter's entry: a bundle that loads it must also have patched its connection handler. */
const WS_ADAPTER = /[\\/]@trpc[\\/]server[\\/]dist[\\/]adapters[\\/]ws\.(mjs|cjs)$/;

export const trpcBundlePatches = {
  name: 'trpc-bundle-patches',
  setup(b) {
    const seen = { trpc: false, wsAdapter: false, spread: false, signal: false };
    b.onStart(() => {
      Object.assign(seen, { trpc: false, wsAdapter: false, spread: false, signal: false });
    });
    b.onLoad({ filter: TRPC_DIST }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      const spread = withFastObjectSpread(source);
      const contents = withPlainEventWait(withSubscriptionSignalsOnly(spread));
      seen.trpc = true;
      seen.spread ||= spread !== source;
      seen.signal ||= contents !== spread;
      return { contents, loader: 'js' };
    });
    b.onLoad({ filter: WS_ADAPTER }, (args) => {
      seen.wsAdapter = true;
      return { contents: fs.readFileSync(args.path, 'utf8'), loader: 'js' };
    });
    b.onEnd((result) => {
      if (result.errors.length > 0) return;
      const missing = [];
      if (seen.trpc && !seen.spread) missing.push("trpc-object-spread found no _objectSpread2 helper in tRPC's code");
      if (seen.wsAdapter && !seen.signal) missing.push('trpc-request-signal found no WebSocket connection handler');
      if (missing.length > 0) throw new Error(`${missing.join('; ')} — check the transforms against this tRPC`);
    });
  },
};
