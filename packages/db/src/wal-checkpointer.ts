// SQLite checkpoints the write-ahead log from inside the COMMIT that takes it past 1000 pages: that commit copies
// the log's pages into the database file and syncs both files, several milliseconds during which the daemon's
// event loop answers nothing (bench/RESULTS.md, "the write-ahead log's checkpoints"). Here a thread of its own
// checkpoints instead, through a connection of its own, while the daemon's connection does not checkpoint by
// itself. PASSIVE checkpoints never wait for the writer or the readers and never block them.
//
// The log starts again from its beginning only when a write finds all of it copied, and pages that the daemon
// writes while the thread copies are left for the next pass: under writes without a pause the thread never
// catches up and the log would grow without end. Past LOG_PAGES_BEHIND, the daemon's connection checkpoints by
// itself again (its next COMMIT copies what is left and the log starts over), until the thread finds the log
// short again.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { nativeAddonPath } from './sqlite.ts';

/** SQLite's own default: the connection checkpoints once the log passes this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;
/** How often the thread checkpoints, ms. */
export const CHECKPOINT_EVERY_MS = 100;
/** The log's pages past which the thread is behind (16 MB of 4 KB pages). */
export const LOG_PAGES_BEHIND = 4 * AUTOCHECKPOINT_PAGES;

/** What one pass found: the log's pages, and how many of them are now in the database file. */
export interface CheckpointPass {
  log_pages: number;
  checkpointed_pages: number;
}

export interface WalCheckpointerOptions {
  everyMs?: number;
  /** Default LOG_PAGES_BEHIND. */
  behindAtPages?: number;
  /** Each pass that found the log changed and checkpointed something (tests, diagnostics). */
  onPass?: (pass: CheckpointPass) => void;
  /** The thread failed: the database connection checkpoints by itself again. */
  onError?: (error: Error) => void;
}

export interface WalCheckpointer {
  /** Whether the daemon's connection is checkpointing by itself for now (the thread fell behind, or failed). */
  readonly connectionCheckpoints: boolean;
  /** Ends the thread and gives the connection back its own checkpoints. */
  stop(): Promise<void>;
}

type ThreadMessage = ({ type: 'pass' } & CheckpointPass) | { type: 'behind' } | { type: 'caught-up' };

// Runs in the thread (CommonJS, from a string: the daemon's bundle has no file to point a worker at).
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
// better-sqlite3's errors reach the daemon as their fields only: a plain Error keeps the message.
const plainly = (fn) => {
  try {
    return fn();
  } catch (error) {
    throw new Error(\`\${error.code ?? error.name}: \${error.message}\`);
  }
};
const Database = require(workerData.driver);
const db = plainly(() => new Database(workerData.file, {
  fileMustExist: true,
  ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}),
}));
let behind = false;
let last = { log: 0, checkpointed: 0 };
const pass = () => {
  const [result] = plainly(() => {
    try {
      return db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      // The log in a moment's use by the daemon's connection (its recovery, say): the next pass checkpoints it.
      if (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED') return [];
      throw error;
    }
  });
  if (!result) return;
  if (result.checkpointed > 0 && (result.log !== last.log || result.checkpointed !== last.checkpointed)) {
    parentPort.postMessage({ type: 'pass', log_pages: result.log, checkpointed_pages: result.checkpointed });
  }
  last = result;
  const isBehind = result.log > workerData.behindAtPages;
  if (isBehind !== behind) {
    behind = isBehind;
    parentPort.postMessage({ type: behind ? 'behind' : 'caught-up' });
  }
};
const timer = setInterval(pass, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints `client`'s database from another thread while it runs; undefined for a database without a
 * write-ahead log (in memory, or not in WAL mode), which has nothing to checkpoint.
 */
export function startWalCheckpointer(
  client: Database.Database,
  options: WalCheckpointerOptions = {},
): WalCheckpointer | undefined {
  if (client.memory || client.readonly) return undefined;
  if (String(client.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return undefined;
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      nativeBinding: nativeAddonPath(),
      file: client.name,
      everyMs: options.everyMs ?? CHECKPOINT_EVERY_MS,
      behindAtPages: options.behindAtPages ?? LOG_PAGES_BEHIND,
    },
  });
  // The daemon's exit does not wait for the thread.
  worker.unref();
  let running = true;
  let connectionCheckpoints = false;
  const connectionCheckpointing = (on: boolean) => {
    connectionCheckpoints = on;
    if (client.open) client.pragma(`wal_autocheckpoint = ${on ? AUTOCHECKPOINT_PAGES : 0}`);
  };
  const giveBack = () => {
    if (!running) return;
    running = false;
    connectionCheckpointing(true);
  };
  connectionCheckpointing(false);
  worker.on('message', (message: ThreadMessage) => {
    if (message.type === 'pass') {
      options.onPass?.({ log_pages: message.log_pages, checkpointed_pages: message.checkpointed_pages });
    } else if (running) {
      connectionCheckpointing(message.type === 'behind');
    }
  });
  worker.on('error', (error) => {
    giveBack();
    options.onError?.(error);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(giveBack);
  return {
    get connectionCheckpoints() {
      return connectionCheckpoints;
    },
    async stop() {
      giveBack();
      // Held while it ends: a process with nothing else left to do would otherwise exit before the rest of its
      // shutdown (closing this very database) ran.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
