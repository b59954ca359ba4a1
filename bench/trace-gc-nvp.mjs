// Loaded into a daemon with `--import` (bench/pipe-alloc.bench.ts): V8 prints one line per collection on stdout,
// with the bytes allocated since the previous one (`allocated=`), the pause and what survived.
import v8 from 'node:v8';

v8.setFlagsFromString('--trace-gc-nvp');
