// Loaded into a benchmarked daemon with `--import` (bench/pipe-under-load.bench.ts `--trace`): for every
// `system.ping` request the daemon reads, appends one line to $RESTFLOW_BENCH_PING_TRACE_FILE — when the daemon's
// event loop read the frame and when it wrote the answer (wall clock, ms since the epoch, the clock the bench's
// pinger reads too). With the pinger's own send and receive times, the bench splits each round trip into the wait
// before the daemon read the ping, the daemon's handling, and the way back.
import fs from 'node:fs';
import net from 'node:net';

const file = process.env.RESTFLOW_BENCH_PING_TRACE_FILE;
const now = () => performance.timeOrigin + performance.now();
if (file) {
  /** Per socket: when its last ping was read, until the answer is written. */
  const readAt = new WeakMap();
  let lines = '';
  const emit = net.Socket.prototype.emit;
  net.Socket.prototype.emit = function (event, chunk, ...rest) {
    // A ping frame is small; only the pinger sends them, one at a time.
    if (event === 'data' && Buffer.isBuffer(chunk) && chunk.length < 256 && chunk.includes('"system.ping"')) {
      readAt.set(this, now());
    }
    return emit.call(this, event, chunk, ...rest);
  };
  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (...args) {
    const read = readAt.get(this);
    if (read === undefined) return write.apply(this, args);
    readAt.delete(this);
    const start = now();
    const written = write.apply(this, args);
    lines += `${read.toFixed(4)} ${start.toFixed(4)} ${now().toFixed(4)}\n`;
    return written;
  };
  const flush = () => {
    if (!lines) return;
    fs.appendFileSync(file, lines);
    lines = '';
  };
  setInterval(flush, 100).unref();
  process.on('exit', flush);
}
