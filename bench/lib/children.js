// One registry of every process the bench spawns. Each is killed (SIGKILL) when the bench exits for
// any reason: normal end, error, SIGINT/SIGTERM/SIGHUP, uncaught exception or rejection. Processes
// that run bench code or the heap hook also hold an IPC channel and exit when it closes, and the stdio
// servers (cold start, tools/list) exit when their stdin closes, so even a bench killed with SIGKILL
// (no handler runs) leaves nothing behind.
import { spawn } from 'node:child_process';

const children = new Set();
const spawned = [];

/** Every pid the bench spawned, with its name (the bench test checks that none survives). */
export const spawnedPids = () => spawned.map((c) => ({ pid: c.pid, name: c.name }));

export function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}
const fail = (error) => {
  process.stderr.write(`bench: ${error?.stack ?? error}\n`);
  killAll();
  process.exit(1);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

/** Our environment minus anything that configures a server (platform keys, MCP_*, LOG_LEVEL). */
function inherited() {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(AMA2_|AMIGO_|ATTHENE_|MCP_|SANDBOX_|LOG_LEVEL|PORT$)/.test(k),
    ),
  );
}

/**
 * Spawns `node ...args` with stdin/stdout/stderr piped and, with `ipc`, an IPC channel; registers it.
 * BENCH_TRACE_CHILDREN=1 prints each pid on stderr (the bench test checks none survives).
 */
export function spawnNode(args, { env = {}, ipc = false, name = args.join(' ') } = {}) {
  const child = spawn(process.execPath, args, {
    stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : 'pipe',
    env: { ...inherited(), ...env },
  });
  children.add(child);
  spawned.push(child);
  child.once('exit', () => children.delete(child));
  child.name = name;
  if (process.env.BENCH_TRACE_CHILDREN === '1') process.stderr.write(`bench: child ${child.pid} ${name}\n`);
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr = (stderr + c).slice(-20_000);
  });
  child.stderrText = () => stderr;
  return child;
}

/** Resolves with the first match of `pattern` in the child's stream (stdout or stderr), or rejects. */
export function waitFor(child, stream, pattern, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (fn, value) => {
      clearTimeout(timer);
      child[stream].off('data', onData);
      child.off('exit', onExit);
      fn(value);
    };
    const onData = (c) => {
      text += c;
      const m = pattern.exec(text);
      if (m) done(resolve, m);
    };
    const onExit = (code) =>
      done(reject, new Error(`${child.name} exited (${code}) before ${pattern}: ${child.stderrText()}`));
    const timer = setTimeout(
      () => done(reject, new Error(`${child.name}: no ${pattern} in ${timeoutMs} ms: ${child.stderrText()}`)),
      timeoutMs,
    );
    child[stream].on('data', onData);
    child.once('exit', onExit);
  });
}

/** Sends `message` over the child's IPC channel and resolves with its next message of the same type. */
export function ask(child, message, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (m?.type !== message.type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (m.error) reject(new Error(`${child.name}: ${m.error}`));
      else resolve(m);
    };
    const onExit = (code) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      reject(new Error(`${child.name} exited (${code}): ${child.stderrText()}`));
    };
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      reject(new Error(`${child.name}: no answer to ${message.type} in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}

/** Kills one child and waits for it to be gone. */
export function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

/** Lets a child with the heap hook or tether exit on its own (so --cpu-prof writes), then kills it. */
export function release(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    else child.kill('SIGKILL');
  });
}
