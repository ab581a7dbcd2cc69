import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AMA2_SANDBOX_LIMITED_TOKEN,
  AMA2_SANDBOX_TOKEN,
} from '../../src/platforms/ama2/emulator/credentials.js';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { connectTestClient, sandboxCredentials } from '../helpers/mcp.js';

// The AMA2 emulator is written from apis/ama2.md and is strict: a request the platform would
// refuse is refused, so a client bug (e.g. `after_seq` for `last_thread_seq`, §0.2) cannot pass.

const ADA = SANDBOX_USERS[0]!;
let sandbox: Sandbox;
let threadId: string;

async function raw(
  path: string,
  init: { method?: string; query?: string; json?: unknown; user?: boolean } = {},
) {
  const url = `${sandbox.ama2.baseUrl}${path.replace(':id', threadId)}${init.query ?? ''}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${init.user ? sandbox.ama2.userToken : sandbox.ama2.token}`,
      ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

beforeAll(async () => {
  sandbox = await startSandbox({ ama2ReplyDelayMs: 50 });
  const created = await raw('/api/v1/chat/threads', { method: 'POST', json: { target_user_ids: [ADA.id] } });
  threadId = (created.body as { thread_id: string }).thread_id;
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(() => sandbox.emulators.ama2.clearRequests());

// `:id` stands for the thread created in beforeAll (it.each tables are built before it runs).
const thread = (rest = '') => `/api/v1/chat/threads/:id${rest}`;

describe('the AMA2 sandbox token', () => {
  it('is ama_eat_ followed by 32 bytes as hex, as documented (apis/ama2.md §1)', () => {
    expect(sandbox.ama2.token).toBe(AMA2_SANDBOX_TOKEN);
    for (const token of [AMA2_SANDBOX_TOKEN, AMA2_SANDBOX_LIMITED_TOKEN])
      expect(token).toMatch(/^ama_eat_[0-9a-f]{64}$/);
  });
});

describe('the AMA2 emulator refuses what the platform refuses: 400 {code: BAD_REQUEST, message}', () => {
  it.each([
    [
      'poll with after_seq instead of last_thread_seq',
      thread('/events'),
      { query: '?after_seq=0' },
      /unknown query field after_seq \(known: last_thread_seq, limit\)/,
    ],
    [
      'poll with a non-numeric last_thread_seq',
      thread('/events'),
      { query: '?last_thread_seq=abc' },
      /last_thread_seq/,
    ],
    ['poll with limit 0', thread('/events'), { query: '?limit=0' }, /limit/],
    ['poll with limit given twice', thread('/events'), { query: '?limit=5&limit=6' }, /limit/],
    [
      'stream with a query (it takes none)',
      thread('/events/stream'),
      { query: '?last_thread_seq=3' },
      /last_thread_seq/,
    ],
    [
      'list threads with a cursor (none documented)',
      '/api/v1/chat/threads',
      { query: '?cursor=x', user: true },
      /cursor/,
    ],
    [
      'create with an unknown field',
      '/api/v1/chat/threads',
      { method: 'POST', json: { target_user_ids: [ADA.id], participants: [] } },
      /participants/,
    ],
    [
      'create with target_user_ids as a string',
      '/api/v1/chat/threads',
      { method: 'POST', json: { target_user_ids: ADA.id } },
      /target_user_ids/,
    ],
    [
      'create with initial_message as a number',
      '/api/v1/chat/threads',
      { method: 'POST', json: { target_user_ids: [ADA.id], initial_message: 5 } },
      /initial_message/,
    ],
    [
      'create with an unknown participation_mode',
      '/api/v1/chat/threads',
      { method: 'POST', json: { target_user_ids: [ADA.id], participation_mode: 'closed' } },
      /participation_mode/,
    ],
    ['create without a body', '/api/v1/chat/threads', { method: 'POST' }, /body/],
    ['create with an array body', '/api/v1/chat/threads', { method: 'POST', json: [ADA.id] }, /body/],
    [
      'send with message_text (Gen B) instead of content',
      thread('/agent-messages'),
      { method: 'POST', json: { message_text: 'hi', client_message_id: 'c1' } },
      /message_text|content/,
    ],
    [
      'send without client_message_id',
      thread('/agent-messages'),
      { method: 'POST', json: { content: 'hi' } },
      /client_message_id/,
    ],
    [
      'send with base_seq as a string',
      thread('/agent-messages'),
      { method: 'POST', json: { content: 'hi', client_message_id: 'c2', base_seq: '3' } },
      /base_seq/,
    ],
    [
      'send with a negative latest_seen_seq',
      thread('/agent-messages'),
      { method: 'POST', json: { content: 'hi', client_message_id: 'c3', latest_seen_seq: -1 } },
      /latest_seen_seq/,
    ],
    [
      'send with mentions as a string',
      thread('/agent-messages'),
      { method: 'POST', json: { content: 'hi', client_message_id: 'c4', mentions: 'user:x' } },
      /mentions/,
    ],
    [
      'send with content over 5000 characters',
      thread('/agent-messages'),
      { method: 'POST', json: { content: 'x'.repeat(5001), client_message_id: 'c5' } },
      /content/,
    ],
    [
      'set mode with mode instead of participation_mode',
      thread('/mode'),
      { method: 'POST', json: { mode: 'open' } },
      /mode/,
    ],
    [
      'register a webhook with url instead of callback_url',
      thread('/webhooks'),
      { method: 'POST', json: { url: 'https://h.example.com' } },
      /url/,
    ],
    [
      'remove a webhook with a query',
      thread('/webhooks/sub-1'),
      { method: 'DELETE', query: '?force=true' },
      /force/,
    ],
  ] as const)('%s', async (_name, path, init, field) => {
    const answer = await raw(path, init);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(field) });
    // Nothing happened: no message was posted.
    expect(sandbox.worlds.ama2.threads.get(threadId)!.events).toEqual([]);
  });

  it('the documented forms of the same requests pass', async () => {
    expect((await raw(thread('/events'), { query: '?last_thread_seq=0&limit=5' })).status).toBe(200);
    const sent = await raw(thread('/agent-messages'), {
      method: 'POST',
      json: {
        content: 'hi',
        client_message_id: 'ok-1',
        base_seq: 0,
        latest_seen_seq: 0,
        mentions: [`user:${ADA.id}`],
      },
    });
    expect(sent).toMatchObject({ status: 200, body: { accepted: true } });
    expect(
      (await raw(thread('/mode'), { method: 'POST', json: { participation_mode: 'open' } })).status,
    ).toBe(200);
  });
});

describe('our client passes the strict emulator', () => {
  it('every AMA2 tool call and the resource read get a 2xx', async () => {
    const conn = await connectTestClient({ credentials: sandboxCredentials(sandbox, ['ama2']) });
    try {
      const created = await conn.call('ama2_create_thread', {
        target_user_ids: [SANDBOX_USERS[2]!.id],
        participation_mode: 'invocation_only',
        initial_message: 'strict check',
      });
      const id = (created.structuredContent as { thread_id: string }).thread_id;
      const calls: Array<[string, Record<string, unknown>]> = [
        [
          'ama2_send_message',
          {
            thread_id: id,
            content: 'all fields',
            base_seq: 1,
            latest_seen_seq: 1,
            mentions: [`user:${SANDBOX_USERS[2]!.id}`],
          },
        ],
        ['ama2_poll_events', { thread_id: id, after_seq: 0, limit: 10 }],
        ['ama2_wait_for_events', { thread_id: id, after_seq: 2, timeout_seconds: 5 }],
        ['ama2_set_participation_mode', { thread_id: id, participation_mode: 'open' }],
        ['ama2_list_threads', {}],
      ];
      for (const [name, args] of calls) expect((await conn.call(name, args)).isError, name).toBeFalsy();
      const hook = await conn.call('ama2_register_webhook', {
        thread_id: id,
        callback_url: 'https://h.example.com/x',
      });
      const { subscription_id } = hook.structuredContent as { subscription_id: string };
      expect(
        (await conn.call('ama2_remove_webhook', { thread_id: id, subscription_id })).isError,
      ).toBeFalsy();
      await conn.client.readResource({ uri: `ama2://threads/${id}` });
      const refused = sandbox.emulators.ama2.requests.filter((r) => (r.response?.status ?? 0) >= 400);
      expect(refused).toEqual([]);
    } finally {
      await conn.close();
    }
  }, 20_000);
});
