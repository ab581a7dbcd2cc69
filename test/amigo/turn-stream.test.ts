import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/core/errors.js';
import { AmigoClient, type AmigoTurnEvent } from '../../src/platforms/amigo/client.js';

// AmigoClient.streamTurn owns the turn stream's wire format (apis/amigo.md §7): typed events with
// the `event:` name re-attached, and a PlatformError of its own for whatever the stream does wrong.

const WORKSPACE = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
/** The frames the stub sends, by conversation id. */
const STREAMS: Record<string, string> = {
  '00000000-0000-4000-8000-000000000001': [
    'event: thinking\ndata: {"tier":1,"tier_name":"fast"}\n\n',
    'event: surprise\ndata: not even json\n\n',
    'event: token\ndata: {"text":"Hi "}\n\n',
    'event: tool_call_completed\ndata: {"call_id":"c1","tool_name":"lookup","result":"ok","succeeded":true}\n\n',
    'event: message\ndata: {"role":"agent","text":"Hi there"}\n\n',
    'event: done\ndata: {"conversation_id":"x","status":"active","turn_count":4}\n\n',
  ].join(''),
  '00000000-0000-4000-8000-000000000002':
    'event: error\ndata: {"message":"model overloaded","code":"upstream_error","retryable":true,"status_code":503}\n\n',
  '00000000-0000-4000-8000-000000000003': 'event: token\ndata: {"text":"Hi"}\n\n',
};

let stub: Server;
let client: AmigoClient;
beforeAll(async () => {
  stub = createServer((req, res) => {
    req.resume();
    const id = /conversations\/([^/]+)\/turns\/stream/.exec(req.url ?? '')?.[1] ?? '';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `req-${id.slice(-1)}` });
    res.end(STREAMS[id] ?? '');
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  client = new AmigoClient({ baseUrl, apiKey: 'amg_test_key_0123456789', workspaceId: WORKSPACE });
});
afterAll(async () => {
  await client.close();
  await new Promise<void>((resolve) => stub.close(() => resolve()));
});

async function collect(id: string): Promise<AmigoTurnEvent[]> {
  const events: AmigoTurnEvent[] = [];
  for await (const event of client.streamTurn(id, { message: 'Hello' }, true)) events.push(event);
  return events;
}

async function failure(id: string): Promise<PlatformError> {
  const error = await collect(id).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe('AmigoClient.streamTurn', () => {
  it('yields typed events with their names, skipping events it does not know', async () => {
    expect(await collect('00000000-0000-4000-8000-000000000001')).toEqual([
      { event: 'thinking', tier: 1, tier_name: 'fast' },
      { event: 'token', text: 'Hi ' },
      { event: 'tool_call_completed', call_id: 'c1', tool_name: 'lookup', result: 'ok', succeeded: true },
      { event: 'message', role: 'agent', text: 'Hi there' },
      { event: 'done', conversation_id: 'x', status: 'active', turn_count: 4 },
    ]);
  });

  it('throws an error event as a PlatformError with its code, status and the request id', async () => {
    const error = await failure('00000000-0000-4000-8000-000000000002');
    expect(error).toMatchObject({
      kind: 'server',
      code: 'upstream_error',
      status: 503,
      message: 'model overloaded',
      requestId: 'req-2',
    });
  });

  it('throws stream_interrupted when the stream ends before done', async () => {
    const error = await failure('00000000-0000-4000-8000-000000000003');
    expect(error).toMatchObject({ kind: 'server', code: 'stream_interrupted', requestId: 'req-3' });
  });
});
