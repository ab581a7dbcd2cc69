import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { AMA2_SANDBOX_TOKEN } from '../../src/core/emulator/credentials.js';
import { type CliProcess, INITIALIZE_PARAMS, spawnCli } from '../helpers/cli.js';
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

async function startCli(env: Record<string, string>): Promise<CliProcess> {
  const cli = spawnCli([], env);
  await cli.rpc('initialize', INITIALIZE_PARAMS);
  cli.notify('notifications/initialized');
  return cli;
}

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
    proc = await startCli({ AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_BASE_URL: stub.url });
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
    proc = await startCli({ AMA2_TOKEN: AMA2_SANDBOX_TOKEN, AMA2_BASE_URL: stub.url });
    const result = await wait(proc, { thread_id: 'thread-1', after_seq: 10, timeout_seconds: 3 });
    expect(result.content.length).toBeGreaterThan(0);
    expect(await stillAlive(proc, 500)).toBe('alive');
    expect(proc.stderr()).not.toMatch(/Unhandled 'error' event|RequestAbortedError/);
  }, 30_000);
});
