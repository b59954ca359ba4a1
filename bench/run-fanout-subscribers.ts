// Child process of bench/run-fanout.bench.ts: N SDK subscribers of one run over the pipe; reports, per
// subscriber, how many events arrived, how many were repeated or missing, and when the stream completed.
import { createRestflowClient } from '@restflow/api/client';

const [pipePath, runId, countText] = process.argv.slice(2) as [string, string, string];
const clients = Array.from({ length: Number(countText) }, () => createRestflowClient({ pipePath }));
await Promise.all(clients.map((c) => c.system.ping.query()));
process.send?.({ ready: true });
const results = await Promise.all(
  clients.map(
    (client) =>
      new Promise<{ received: number; unique: number; lastSeq: number; doneAt: number }>((resolve, reject) => {
        const seen = new Set<number>();
        let received = 0;
        let lastSeq = 0;
        client.runs.onEvents.subscribe(
          { run_id: runId },
          {
            onData: (e) => {
              received += 1;
              seen.add(e.data.seq);
              lastSeq = Math.max(lastSeq, e.data.seq);
            },
            onError: reject,
            onComplete: () => resolve({ received, unique: seen.size, lastSeq, doneAt: Date.now() }),
          },
        );
      }),
  ),
);
for (const client of clients) client.close();
process.send?.({ results }, () => process.exit(0));
