import { openSqlite } from '@restflow/db/sqlite';

export class AlreadyRunningError extends Error {
  override name = 'AlreadyRunningError';
}

export interface InstanceLock {
  release(): void;
}

/**
 * Single-instance lock, taken before the database is opened. SQLite's exclusive locking mode holds an OS file
 * lock (fcntl/LockFileEx) on `daemon.lock` for as long as the connection is open, and the kernel drops it when the
 * process dies — even on SIGKILL — so there is never a stale lock to clean up and no check-then-write race.
 */
export function acquireInstanceLock(file: string): InstanceLock {
  const db = openSqlite(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The file holds no data worth a sync: on a new data dir, creating it costs no fsync (each one is milliseconds
    // on a busy disk), and no journal file comes and goes.
    db.pragma('synchronous = OFF');
    db.pragma('journal_mode = MEMORY');
    // BEGIN EXCLUSIVE takes the lock, and exclusive locking mode keeps it past COMMIT. Nothing is written once the
    // file exists (the table is for daemons of earlier versions, which fill it): a write would cost every start
    // the journal's fsyncs. The pid file says who holds the lock.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER, acquired_at INTEGER)');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new AlreadyRunningError('another RestFlow daemon holds the instance lock');
    }
    throw error;
  }
  return { release: () => db.open && db.close() };
}
