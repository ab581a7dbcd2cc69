import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import { type CliProcess, startCli, startHttpCli } from '../helpers/cli.js';
import { type Ama2Stub, startClosingStub, stubEvent } from './stub.js';

// Reviewer defects in ama2_wait_for_events through the built CLI: a stream closed before anyone
// read it crashed the process; reconnect pauses hid replies.

let proc: CliProcess | undefined;
let stub: Ama2Stub | undefined;
afterEach(async () => {
  proc?.kill();
  await stub?.close();
  proc = stub = undefined;
});

async function wait(cli: CliProcess, args: Record<string, unknown>) {
  const crashed = cli.exit.then(({ code }) => {
    throw new Error(`the server exited (${code}) during the call; stderr: ${cli.stderr().slice(-2000)}`);
  });
  const answer = await Promise.race([
    cli.rpc('tools/call', { name: 'ama2_wait_for_events', arguments: args }),
    crashed,
  ]);
  return answer.result as CallToolResult;
}

/** Resolves with the exit when the process ends within `ms`, else with 'alive'. */
async function stillAlive(cli: CliProcess, ms: number) {
  const timer = new Promise<'alive'>((resolve) => setTimeout(() => resolve('alive'), ms));
  return Promise.race([cli.exit, timer]);
}

describe('ama2_wait_for_events closing a stream nobody has read yet', () => {
  it('the catch-up poll finds the event: the result comes back and the process lives on', async () => {
    // The stream answers 200 and ends at once; the first poll (the tool's own read) is empty,
    // the catch-up poll after the stream opens holds the reply.
    stub = await startClosingStub(undefined, (n) => ({
      events: n >= 2 ? [stubEvent('thread-1', 11, 'the reply')] : [],
      has_more: false,
    }));
    proc = await startCli([], { AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_BASE_URL: stub.url });
    const result = await wait(proc, { thread_id: 'thread-1', after_seq: 10, timeout_seconds: 10 });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ timed_out: false, latest_seq: 11 });
    expect(await stillAlive(proc, 500)).toBe('alive');
    expect(proc.stderr()).not.toMatch(/Unhandled 'error' event|RequestAbortedError/);
    // The same process still answers.
    const again = await wait(proc, { thread_id: 'thread-1', after_seq: 10, timeout_seconds: 1 });
    expect(again.structuredContent).toMatchObject({ latest_seq: 11 });
  }, 30_000);

  it('the catch-up poll fails: an error result or a timeout, never a crash', async () => {
    stub = await startClosingStub(undefined, (n) => (n >= 2 ? 503 : { events: [], has_more: false }));
    proc = await startCli([], { AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_BASE_URL: stub.url });
    const result = await wait(proc, { thread_id: 'thread-1', after_seq: 10, timeout_seconds: 3 });
    expect(result.content.length).toBeGreaterThan(0);
    expect(await stillAlive(proc, 500)).toBe('alive');
    expect(proc.stderr()).not.toMatch(/Unhandled 'error' event|RequestAbortedError/);
  }, 30_000);
});

describe('the same over HTTP, where a crash would end every session', () => {
  it("one session's wait reads the event; the process and another session go on", async () => {
    stub = await startClosingStub(undefined, (n) => ({
      events: n >= 2 ? [stubEvent('thread-1', 11, 'the reply')] : [],
      has_more: false,
    }));
    const http = await startHttpCli([], { AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_BASE_URL: stub.url });
    proc = http;
    const connect = async () => {
      const client = new Client({ name: 'lifecycle-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      return client;
    };
    const [a, b] = [await connect(), await connect()];
    try {
      const result = (await a.callTool({
        name: 'ama2_wait_for_events',
        arguments: { thread_id: 'thread-1', after_seq: 10, timeout_seconds: 10 },
      })) as CallToolResult;
      expect(result.structuredContent).toMatchObject({ timed_out: false, latest_seq: 11 });
      expect(await stillAlive(http, 500)).toBe('alive');
      const other = (await b.callTool({
        name: 'ama2_poll_events',
        arguments: { thread_id: 'thread-1', after_seq: 10 },
      })) as CallToolResult;
      expect(other.isError).toBeFalsy();
    } finally {
      await Promise.all([a.close(), b.close()].map((p) => p.catch(() => {})));
    }
  }, 30_000);
});

describe('ama2_wait_for_events when every stream ends at once', () => {
  it('a reply arriving mid-wait is reported within a poll interval, and the requests stay under the rate', async () => {
    const appears = 9_000;
    stub = await startClosingStub(undefined, (_n, ms) => ({
      events: ms >= appears ? [stubEvent('thread-1', 11, 'the reply')] : [],
      has_more: false,
    }));
    proc = await startCli([], { AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_BASE_URL: stub.url });
    const result = await wait(proc, { thread_id: 'thread-1', after_seq: 10, timeout_seconds: 30 });
    expect(result.structuredContent).toMatchObject({ timed_out: false, latest_seq: 11 });
    const times = stub.times;
    const found = times.find((t) => t >= appears) ?? Number.POSITIVE_INFINITY;
    // Polling every 2 s once streams keep ending: the reply is read within ~2 s (3.5 s allows for load);
    // the old backoff slept blind for up to 16-30 s by then.
    expect(found - appears).toBeLessThan(3500);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    expect(Math.max(...gaps)).toBeLessThan(3500);
    // The documented 300/min per key allows 5 a second; the loop keeps under half of that.
    const seconds = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
    expect(times.length).toBeLessThan(2.5 * seconds + 5);
  }, 40_000);
});
