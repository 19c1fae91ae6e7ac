// Every process a suite starts is registered here, so it is stopped by its PID when the suite
// ends, fails, or is interrupted (SIGINT, SIGTERM, SIGHUP), and never by name.
import { once } from 'node:events';

const running = new Map(); // pid -> name

/** Registers a started process by PID until `forget(pid)` (a ChildProcess is forgotten when it exits). */
export function track(pid, name, child) {
  if (!pid) throw new Error(`${name} did not start`);
  running.set(pid, name);
  child?.once('exit', () => running.delete(pid));
  return pid;
}

export function forget(pid) {
  running.delete(pid);
}

/** Stops a ChildProcess: SIGTERM, up to `graceMs` to exit, then SIGKILL. Safe to call twice. */
export async function stop(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function stopAllNow() {
  for (const pid of running.keys()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  running.clear();
}

// 'exit' handlers must be synchronous: a last SIGTERM to whatever is still running.
process.once('exit', stopAllNow);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.once(signal, () => {
    stopAllNow();
    process.exit(code);
  });
}
