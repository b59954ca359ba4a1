#!/usr/bin/env node
// The daemon's bin before it became CommonJS (restflow-daemon.cjs): service units written by earlier versions of
// `restflow daemon install` start this file.
import './restflow-daemon.cjs';
