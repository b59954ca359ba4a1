#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so the workspace needs no build step to be usable.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
