import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../helpers/cli.js';

// The built CLI against a loopback stub of Amigo and Atthene that misbehaves on purpose: a
// malformed turn-stream frame, a key that starts failing under a subscription, an execute that
// fails after the tool has returned status running (issue #13).

const WORKSPACE = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const CONVERSATION = '7d0c3c1e-1111-4222-8333-444455556666';
const SESSION = 'session-1';
/** The session a subscription watches; deleted (404) once the watch has polled it. */
const WATCHED = 'session-2';

let stub: Server;
let base: string;
/** Requests per `METHOD path`, and whether the Amigo key has been revoked. */
const counts = new Map<string, number>();
let keyRevoked = false;
let watchedDeleted = false;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'stub-req-42' });
  res.end(JSON.stringify(body));
}

function amigo(res: ServerResponse, route: string): void {
  if (keyRevoked) {
    json(res, 401, { detail: 'Invalid or expired API key' });
    return;
  }
  if (route === `POST /v1/${WORKSPACE}/conversations/${CONVERSATION}/turns/stream`) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'stub-req-42' });
    res.write('event: token\ndata: {"text":"Hel"}\n\n');
    res.write('event: token\ndata: {"text": lo\n\n');
    res.end('event: done\ndata: {"status":"active","turn_count":2}\n\n');
    return;
  }
  if (route === `GET /v1/${WORKSPACE}/conversations/${CONVERSATION}`) {
    json(res, 200, {
      id: CONVERSATION,
      channel_kind: 'web',
      status: 'active',
      lifecycle: 'active',
      turn_count: 2,
      created_at: '2026-11-25T10:00:00Z',
      updated_at: '2026-11-25T10:00:00Z',
      turns: [],
    });
    return;
  }
  json(res, 404, { detail: 'Not Found' });
}

beforeAll(async () => {
  stub = createServer((req, res) => {
    const route = `${req.method} ${req.url?.split('?')[0]}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    req.resume();
    if (route === `POST /api/v1/runtime/${SESSION}/execute/`) {
      // Longer than wait_seconds, then the platform fails.
      setTimeout(
        () => json(res, 500, { error: { type: 'internal_error', message: 'worker crashed' } }),
        2500,
      );
      return;
    }
    if (route === `GET /api/v1/runtime/${WATCHED}/status/`) {
      // Django REST's answer for an unknown object (apis/atthene.md §1).
      if (watchedDeleted) json(res, 404, { detail: 'Not found.' });
      else json(res, 200, { session_id: WATCHED, status: 'active', message_count: 2 });
      return;
    }
    amigo(res, route);
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

let proc: CliProcess | undefined;
afterEach(() => proc?.kill());

async function start(): Promise<CliProcess> {
  proc = await startCli([], {
    AMIGO_API_KEY: 'amg_test_key_0123456789abcdef',
    AMIGO_WORKSPACE_ID: WORKSPACE,
    AMIGO_BASE_URL: base,
    ATTHENE_API_KEY: 'ath_test_key_0123456789abcdef',
    ATTHENE_BASE_URL: `${base}/api/v1`,
    LOG_LEVEL: 'info',
  });
  return proc;
}

type ToolResult = { isError?: boolean; content: Array<{ text: string }> };

/** The first error-level log notification the server sent on stdout, if any. */
function errorNotice(cli: CliProcess) {
  return cli.stdoutLines
    .map((line) => JSON.parse(line) as { method?: string; params?: { level?: string; data?: unknown } })
    .find((m) => m.method === 'notifications/message' && m.params?.level === 'error');
}
describe('wire failures reach the client as platform errors and log lines', () => {
  it('a malformed turn-stream frame is an Amigo server error with the request id, not a bug in the server', async () => {
    const cli = await start();
    const answer = await cli.rpc('tools/call', {
      name: 'amigo_send_message',
      arguments: { conversation_id: CONVERSATION, message: 'Hello?' },
    });
    const result = answer.result as ToolResult;
    expect(result.isError).toBe(true);
    const text = result.content[0]?.text ?? '';
    expect(text).toMatch(/^amigo error server \[malformed_event\]: the turn stream sent a token event/);
    expect(text).toContain('(request id stub-req-42)');
    expect(text).not.toMatch(/bug in the server/);
  });

  it('a subscription whose key starts failing (401) stops polling and tells the client why', async () => {
    keyRevoked = false;
    const cli = await start();
    const uri = `amigo://conversations/${CONVERSATION}`;
    const route = `GET /v1/${WORKSPACE}/conversations/${CONVERSATION}`;
    counts.delete(route);
    expect((await cli.rpc('resources/subscribe', { uri })).error).toBeUndefined();
    // The first read and one poll succeed, then the key is revoked.
    for (let i = 0; i < 40 && (counts.get(route) ?? 0) < 2; i++) await sleep(250);
    keyRevoked = true;
    // The watch polls every 2 s: one 401 ends it (not transient), so a few intervals see no more.
    const notice = () => errorNotice(cli);
    for (let i = 0; i < 40 && !notice(); i++) await sleep(250);
    expect(notice()?.params?.data).toMatchObject({
      resource: uri,
      subscription: 'ended',
      error: expect.stringMatching(/^amigo error 401 auth: Invalid or expired API key/),
    });
    const after = counts.get(route) ?? 0;
    await sleep(5000);
    expect(counts.get(route)).toBe(after);
    expect(after).toBe(3);
    expect(cli.stderr()).toMatch(/resource watch stopped with an error/);
  }, 30_000);

  it('an Atthene subscription whose session is deleted (404) stops polling and tells the client why', async () => {
    watchedDeleted = false;
    const cli = await start();
    const uri = `atthene://sessions/${WATCHED}`;
    const route = `GET /api/v1/runtime/${WATCHED}/status/`;
    counts.delete(route);
    expect((await cli.rpc('resources/subscribe', { uri })).error).toBeUndefined();
    // The first read and one poll succeed, then the session is deleted.
    for (let i = 0; i < 40 && (counts.get(route) ?? 0) < 2; i++) await sleep(250);
    watchedDeleted = true;
    const notice = () => errorNotice(cli);
    for (let i = 0; i < 40 && !notice(); i++) await sleep(250);
    expect(notice()?.params?.data).toMatchObject({
      resource: uri,
      subscription: 'ended',
      error: expect.stringMatching(/^atthene error 404 not_found/),
    });
    // One 404 ends the watch (not transient): a few more intervals see no more requests.
    const after = counts.get(route) ?? 0;
    await sleep(5000);
    expect(counts.get(route)).toBe(after);
    expect(after).toBe(3);
    expect(cli.stderr()).toMatch(/resource watch stopped with an error/);
  }, 30_000);

  it('an Atthene execute that fails after the call returned status running is logged', async () => {
    const cli = await start();
    const answer = await cli.rpc('tools/call', {
      name: 'atthene_execute_turn',
      arguments: { session_id: SESSION, content: 'Summarise', wait_seconds: 1 },
    });
    expect((answer.result as { structuredContent?: { status?: string } }).structuredContent?.status).toBe(
      'running',
    );
    const logged = () => /background Atthene execute failed/.exec(cli.stderr());
    for (let i = 0; i < 40 && !logged(); i++) await sleep(250);
    const line = cli
      .stderr()
      .split('\n')
      .find((l) => l.includes('background Atthene execute failed'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ session: SESSION, err: { kind: 'server', status: 500 } });
  }, 30_000);
});
