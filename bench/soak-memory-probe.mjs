// Loaded into the daemon under soak (NODE_OPTIONS=--import): writes its memory figures to a file once a second,
// so the bench reads the daemon's own heap without any API for it.
import fs from 'node:fs';

const file = process.env.RESTFLOW_SOAK_MEMORY_FILE;
if (file) {
  setInterval(() => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ rss, heapUsed, heapTotal, external, at: Date.now() }));
    fs.renameSync(`${file}.tmp`, file);
  }, 1000).unref();
}
