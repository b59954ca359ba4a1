#!/usr/bin/env node
// The worker's bin before it became CommonJS (restflow-worker.cjs): systemd units written from earlier versions of
// docs/workers.md start this file.
import './restflow-worker.cjs';
