import * as fs from 'node:fs';
import * as os from 'node:os';

/** The niceness training threads run at: below the editor, which keeps the CPU when both want it. */
export const TRAINING_NICENESS = 10;

/**
 * Lowers the priority of the calling thread only, so that runs training on every core still leave
 * the extension host, the editor and the panels the CPU they need. On Linux a thread is a task of
 * its own: its id comes from /proc/thread-self and setpriority() on it changes that thread alone.
 * Elsewhere nothing is changed (a process-wide call would slow the extension host too). Returns
 * the thread's niceness afterwards, or undefined when it was left alone.
 */
export function lowerThreadPriority(niceness = TRAINING_NICENESS): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return undefined;
    if (os.getPriority(tid) < niceness) os.setPriority(tid, niceness);
    return os.getPriority(tid);
  } catch {
    return undefined; // no /proc, or not allowed: training runs at normal priority
  }
}
