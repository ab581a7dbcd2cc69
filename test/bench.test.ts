import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// Throws when dist/cli.js is missing: the bench measures the build.
import './helpers/cli.js';

// The bench (bench/run.js) in quick mode on the built CLI: it reports every target of issue #15 with a
// numeric ratio, and leaves no process behind, neither when it ends nor when it is killed mid-run.
// No figure is asserted: the counts are tiny and the machine is shared.

const RUN = join(import.meta.dirname, '../bench/run.js');

interface BenchJson {
  targets: Array<{ target: string; ratio: number; met: boolean; project: string; reference: string }>;
  pids: Array<{ pid: number; name: string }>;
}

const ISSUE_15_TARGETS = [
  /^in-memory tool call p50 ≤ 1\.15x floor/,
  /^HTTP tool call p50 ≤ 1\.1x floor/,
  /^HTTP throughput at concurrency 1 ≥ 0\.9x floor/,
  /^HTTP throughput at concurrency 8 ≥ 0\.9x floor/,
  /^HTTP throughput at concurrency 64 ≥ 0\.9x floor/,
  /^heap per idle HTTP session after GC ≤ 60 KB/,
  /^session open p50 ≤ 10 ms/,
  /^cold start to initialize ≤ 0\.8x server-everything \(ours, keys in env\)/,
  /^cold start to initialize ≤ 0\.8x server-everything \(ours --sandbox\)/,
  /^no priming-event timer/,
  /^tools\/list, all tools ≤ 12,000 tokens/,
  /^model-read tokens per tool ≤ 110/,
];

/** Alive and not a zombie (a killed child whose parent is gone may stay a zombie until reaped). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function survivors(pids: number[], withinMs: number): Promise<number[]> {
  const until = Date.now() + withinMs;
  let alive = pids.filter(running);
  while (alive.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    alive = alive.filter(running);
  }
  return alive;
}

function bench(env: Record<string, string>): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [RUN], {
    env: { ...process.env, BENCH_QUICK: '1', BENCH_TRACE_CHILDREN: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  child.stdout?.resume();
  return { child, stderr: () => stderr };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
const tracedPids = (stderr: string) => [...stderr.matchAll(/bench: child (\d+)/g)].map((m) => Number(m[1]));

describe('bench/run.js (quick mode)', () => {
  it('reports every issue #15 target with a numeric ratio and leaves no child running', async () => {
    const json = join(mkdtempSync(join(tmpdir(), 'bench-')), 'bench.json');
    const run = bench({ BENCH_JSON: json });
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 100_000);
    expect(await exited(run.child), run.stderr()).toBe(0);
    clearTimeout(timer);
    const result = JSON.parse(readFileSync(json, 'utf8')) as BenchJson;
    for (const pattern of ISSUE_15_TARGETS) {
      const row = result.targets.find((t) => pattern.test(t.target));
      expect(row, `no target row matching ${pattern}`).toBeDefined();
      expect(Number.isFinite(row?.ratio), `${row?.target}: ratio ${row?.ratio}`).toBe(true);
      expect(typeof row?.met).toBe('boolean');
    }
    expect(result.pids.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'sandbox',
        'client',
        'ours (http)',
        'floor (http)',
        'server-everything (http)',
      ]),
    );
    expect(
      await survivors(
        result.pids.map((p) => p.pid),
        2_000,
      ),
    ).toEqual([]);
  }, 120_000);

  it('leaves no child running when killed mid-run, by SIGTERM or by SIGKILL', async () => {
    const runs = (['SIGTERM', 'SIGKILL'] as const).map((signal) => ({ signal, ...bench({}) }));
    await Promise.all(
      runs.map(async (run) => {
        // Once the HTTP phase starts: the sandbox, the in-memory child, the client and two servers exist.
        const until = Date.now() + 60_000;
        while (
          !/HTTP tool call latency/.test(run.stderr()) &&
          Date.now() < until &&
          run.child.exitCode === null
        )
          await new Promise((r) => setTimeout(r, 50));
        run.child.kill(run.signal);
        await exited(run.child);
      }),
    );
    for (const run of runs) {
      const pids = tracedPids(run.stderr());
      expect(pids.length, run.stderr()).toBeGreaterThanOrEqual(4);
      expect(await survivors(pids, 5_000), `${run.signal}: ${run.stderr()}`).toEqual([]);
    }
  }, 90_000);
});
