import { linkSync, mkdirSync, readFileSync, rmdirSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Thrown when another live process already writes the file: several processes need PostgreSQL. */
export class AuditFileLockedError extends Error {
  constructor(
    readonly file: string,
    readonly owner: LockOwner,
  ) {
    super(
      `the audit file ${file} is already written by process ${owner.pid} on ${owner.host} (lock ${file}.lock); ` +
        'several API or worker processes need PostgreSQL: set DATABASE_URL',
    );
    this.name = 'AuditFileLockedError';
  }
}

export interface LockOwner {
  pid: number;
  host: string;
  /** The process's start time (Linux: clock ticks since boot, /proc/<pid>/stat), so a reused pid is not taken for it. */
  started?: string;
}

/** Locks this process holds: a second store on the same file in one process is a second writer too. */
const held = new Set<string>();
/** A takeover left by a process that died in its middle is cleared after this long. */
const TAKEOVER_STALE_MS = 10_000;
/**
 * The holder touches its lock this often; a lock from another host (a container sharing the volume) untouched for
 * LOCK_STALE_MS is taken over, since that host's processes cannot be looked at from here.
 */
export const LOCK_HEARTBEAT_MS = 10_000;
export const LOCK_STALE_MS = 3 * LOCK_HEARTBEAT_MS;

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

interface FoundLock {
  raw: string;
  owner?: LockOwner;
  touchedAt: number;
}

function readLock(lockFile: string): FoundLock | undefined {
  try {
    const touchedAt = statSync(lockFile).mtimeMs;
    const raw = readFileSync(lockFile, 'utf8');
    try {
      return { raw, owner: JSON.parse(raw) as LockOwner, touchedAt };
    } catch {
      // Not a lock this module wrote (it writes whole files): nobody holds it.
      return { raw, touchedAt };
    }
  } catch {
    return undefined;
  }
}

function isLive({ owner, touchedAt }: FoundLock & { owner: LockOwner }, lockFile: string): boolean {
  if (owner.host !== hostname()) return Date.now() - touchedAt < LOCK_STALE_MS;
  // This process's pid: its own lock, or one left by an earlier process with the same pid (a restarted container's 1).
  if (owner.pid === process.pid) return held.has(lockFile);
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const now = startTime(owner.pid);
  return owner.started === undefined || now === undefined || now === owner.started;
}

/** Removes the stale lock if it still is the one read; one process at a time (a directory is the mutex). */
function removeStale(lockFile: string, staleRaw: string): void {
  const mutex = `${lockFile}.takeover`;
  try {
    mkdirSync(mutex);
  } catch {
    try {
      if (Date.now() - statSync(mutex).mtimeMs > TAKEOVER_STALE_MS) rmdirSync(mutex);
    } catch {
      // gone meanwhile
    }
    return;
  }
  try {
    if (readLock(lockFile)?.raw === staleRaw) unlinkSync(lockFile);
  } finally {
    rmdirSync(mutex);
  }
}

/**
 * Makes this process the only writer of `file`: `<file>.lock` holds its pid, host and start time, created
 * exclusively and touched every LOCK_HEARTBEAT_MS. A lock whose process is gone (killed, crashed; on another host:
 * untouched for LOCK_STALE_MS) is taken over; a live one throws AuditFileLockedError. Returns the release, which is
 * also run when the process exits.
 */
export function lockWriter(file: string): () => void {
  const lockFile = `${file}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), started: startTime(process.pid) };
  const mine = JSON.stringify({ ...me, at: new Date().toISOString() });
  // Written whole beside it, then linked into place: link fails when the lock exists, and a lock is never half-written.
  const draft = `${lockFile}.${process.pid}.${Date.now()}`;
  writeFileSync(draft, mine);
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        linkSync(draft, lockFile);
        return holdLock(lockFile, mine);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const found = readLock(lockFile);
      if (!found) continue;
      if (found.owner && isLive({ ...found, owner: found.owner }, lockFile)) throw new AuditFileLockedError(file, found.owner);
      removeStale(lockFile, found.raw);
    }
  } finally {
    unlinkSync(draft);
  }
  throw new Error(`could not lock the audit file ${file} (${lockFile} keeps changing)`);
}

function holdLock(lockFile: string, mine: string): () => void {
  held.add(lockFile);
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(lockFile, now, now);
    } catch {
      // removed under us: the next start finds no lock
    }
  }, LOCK_HEARTBEAT_MS).unref();
  const release = () => {
    clearInterval(heartbeat);
    process.removeListener('exit', release);
    held.delete(lockFile);
    try {
      if (readFileSync(lockFile, 'utf8') === mine) unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return release;
}
