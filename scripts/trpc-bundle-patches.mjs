// An esbuild plugin for scripts/bundle.mjs: the daemon's and the CLI's bundles carry tRPC's code with two changes
// that take work off every call over the pipe, each a transform of its own module with the reasons and a test:
// object copies with Object.assign (trpc-object-spread.mjs) and no AbortController for a query's or mutation's
// request (trpc-request-signal.mjs). A transform that no longer finds what it replaces fails the build.
import fs from 'node:fs';
import { withFastObjectSpread } from './trpc-object-spread.mjs';
import { withSubscriptionSignalsOnly } from './trpc-request-signal.mjs';

const TRPC_DIST = /[\\/]@trpc[\\/](server|client)[\\/]dist[\\/][^\\/]+\.(mjs|cjs)$/;

export const trpcBundlePatches = {
  name: 'trpc-bundle-patches',
  setup(b) {
    b.onLoad({ filter: TRPC_DIST }, (args) => ({
      contents: withSubscriptionSignalsOnly(withFastObjectSpread(fs.readFileSync(args.path, 'utf8'))),
      loader: 'js',
    }));
  },
};
