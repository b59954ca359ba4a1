// Where a slow ping's time went (bench/pipe-under-load.bench.ts `--trace`): the pinger's send and receive times
// beside the daemon's read and answer times (bench/ping-trace-probe.mjs), both on the machine's wall clock.
import fs from 'node:fs';

/** One ping as the pinger saw it: wall-clock send and receive, ms since the epoch. */
export type SentPing = [sentAt: number, receivedAt: number];
/** The same ping as the daemon saw it: read from the socket, answer written (start, end of the write call). */
export type DaemonPing = [readAt: number, writeStart: number, writeEnd: number];

/** The daemon's trace so far, in the order it read the pings (the pinger sends one at a time). */
export function readDaemonPings(file: string): DaemonPing[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').map(Number) as DaemonPing);
}

export interface Legs {
  pings: number;
  slow: number;
  /** Of the slow pings, how many lost most of their time in each leg (beyond that leg's median). */
  waitedToBeRead: number;
  inTheDaemon: number;
  onTheWayBack: number;
  /** Slow pings during which the daemon was collecting garbage (known only with its collections traced). */
  duringGc: number;
  daemonGcTraced: boolean;
  /** Slow pings during which the pinger was (its own collections delay what it reads). */
  duringPingerGc: number;
  /** The daemon's own part of every ping (read → answer written), ms. */
  daemonMs: number[];
}

export const noLegs = (): Legs => ({
  pings: 0,
  slow: 0,
  waitedToBeRead: 0,
  inTheDaemon: 0,
  onTheWayBack: 0,
  duringGc: 0,
  daemonGcTraced: false,
  duringPingerGc: 0,
  daemonMs: [],
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** How far the two processes' clocks may disagree, ms. */
const CLOCK_SLACK_MS = 0.5;

/**
 * Splits the pinger's pings `from`..`to` into their legs. The daemon's list pairs up with the pinger's one to one
 * once the pings of other clients before the pinger's first (the start-up check) are skipped: the pinger sends one
 * at a time, and no other client pings. Each leg is measured beyond its median, so the two processes' clocks need
 * not agree to the microsecond.
 */
export function legsOf(
  sent: SentPing[],
  daemon: DaemonPing[],
  from: number,
  to: number,
  slowerThanMs: number,
  gcPauses: [start: number, end: number][] | undefined,
  pingerGcPauses: [start: number, end: number][] = [],
): Legs {
  const legs = noLegs();
  legs.daemonGcTraced = gcPauses !== undefined;
  const firstSent = sent[0]?.[0] ?? 0;
  const before = daemon.findIndex(([, , writeEnd]) => writeEnd >= firstSent - CLOCK_SLACK_MS);
  const rows: { rtt: number; inbound: number; handling: number; outbound: number; at: number; end: number }[] = [];
  for (let i = from; i < Math.min(to, sent.length); i++) {
    const [sentAt, receivedAt] = sent[i] as SentPing;
    const seen = before < 0 ? undefined : daemon[before + i];
    if (!seen || seen[0] < sentAt - CLOCK_SLACK_MS || seen[2] > receivedAt + CLOCK_SLACK_MS) continue;
    const [readAt, , writeEnd] = seen;
    rows.push({
      rtt: receivedAt - sentAt,
      inbound: readAt - sentAt,
      handling: writeEnd - readAt,
      outbound: receivedAt - writeEnd,
      at: sentAt,
      end: receivedAt,
    });
  }
  const usual = {
    inbound: median(rows.map((r) => r.inbound)),
    handling: median(rows.map((r) => r.handling)),
    outbound: median(rows.map((r) => r.outbound)),
  };
  for (const row of rows) {
    legs.pings++;
    legs.daemonMs.push(row.handling);
    if (row.rtt <= slowerThanMs) continue;
    legs.slow++;
    const inbound = row.inbound - usual.inbound;
    const handling = row.handling - usual.handling;
    const outbound = row.outbound - usual.outbound;
    if (inbound >= handling && inbound >= outbound) legs.waitedToBeRead++;
    else if (handling >= outbound) legs.inTheDaemon++;
    else legs.onTheWayBack++;
    const during = (pauses: [number, number][]) => pauses.some(([start, end]) => end > row.at && start < row.end);
    if (gcPauses && during(gcPauses)) legs.duringGc++;
    if (during(pingerGcPauses)) legs.duringPingerGc++;
  }
  return legs;
}

export function addLegs(into: Legs, more: Legs): void {
  into.pings += more.pings;
  into.slow += more.slow;
  into.waitedToBeRead += more.waitedToBeRead;
  into.inTheDaemon += more.inTheDaemon;
  into.onTheWayBack += more.onTheWayBack;
  into.duringGc += more.duringGc;
  into.daemonGcTraced ||= more.daemonGcTraced;
  into.duringPingerGc += more.duringPingerGc;
  into.daemonMs.push(...more.daemonMs);
}

export function showLegs(legs: Legs): string {
  const share = (n: number) => `${((100 * n) / Math.max(1, legs.slow)).toFixed(0)} %`;
  const daemon = [...legs.daemonMs].sort((a, b) => a - b);
  const p99 = daemon[Math.min(daemon.length - 1, Math.floor(daemon.length * 0.99))] ?? 0;
  return (
    `trace: ${legs.slow} of ${legs.pings} pings over the goal; most of their time went ` +
    `waiting to be read ${share(legs.waitedToBeRead)}, in the daemon ${share(legs.inTheDaemon)}, ` +
    `on the way back ${share(legs.onTheWayBack)}; ` +
    `${legs.daemonGcTraced ? `${share(legs.duringGc)} met a collection in the daemon` : "the daemon's collections not traced (--gc)"}, ` +
    `${share(legs.duringPingerGc)} one in the pinger. ` +
    `The daemon's own part (read → answer written): p50 ${median(legs.daemonMs).toFixed(3)} p99 ${p99.toFixed(3)} ms`
  );
}
