// The console is a static export (`out/`) that the daemon serves on its loopback HTTP listener; it talks to the
// daemon only over the tRPC WebSocket at ws://<same host>/trpc.
import { fileURLToPath } from 'node:url';

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'export',
  // next/image would emit /_next/image URLs that a static server cannot answer.
  images: { unoptimized: true },
  // `npm run typecheck` (tsc) checks types; the build only compiles.
  typescript: { ignoreBuildErrors: true },
  devIndicators: false,
  reactStrictMode: true,
  // The pages, components and styles live in the shared @restflow/ui package (TypeScript sources).
  transpilePackages: ['@restflow/ui'],
  // npm workspaces hoist node_modules to the repo root; Turbopack must treat that as the project root.
  turbopack: { root: fileURLToPath(new URL('../..', import.meta.url)) },
};

export default nextConfig;
