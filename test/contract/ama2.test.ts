import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError } from '../../src/core/errors.js';
import type { OpenApiDocument } from '../../src/core/platform.js';
import { Ama2Client } from '../../src/platforms/ama2/client.js';
import { AMA2_SANDBOX_LIMITED_TOKEN } from '../../src/platforms/ama2/emulator/credentials.js';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { ama2 } from '../../src/platforms/ama2/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { createContract, operationKeys } from '../helpers/openapi-contract.js';
import { startToolCli, type ToolCli } from './cli.js';

// Issue #14: the AMA2 tools' and client's wire traffic, as the sandbox emulator recorded it
// (request and response), validates against src/platforms/ama2/openapi.json.

let sandbox: Sandbox;
let doc: OpenApiDocument;
let contract: ReturnType<typeof createContract>;
let cli: ToolCli | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ ama2ReplyDelayMs: 30 });
  doc = await ama2.openapi();
  contract = createContract(doc);
});
afterAll(async () => {
  cli?.close();
  await sandbox?.close();
});

const records = () => sandbox.emulators.ama2.requests;
const keysOf = () => new Set(records().map((r) => contract.operationOf(r)?.key));

describe('AMA2 tools and emulator against the OpenAPI document', () => {
  it('a thread flow through the built CLI: every request and answer validates', async () => {
    sandbox.emulators.ama2.clearRequests();
    cli = await startToolCli({
      AMA2_BASE_URL: sandbox.ama2.baseUrl,
      AMA2_TOKEN: sandbox.ama2.token,
      AMA2_USER_TOKEN: sandbox.ama2.userToken ?? '',
    });
    const created = await cli.call('ama2_create_thread', { target_user_ids: [SANDBOX_USERS[0]!.id] });
    const threadId = String(created.structuredContent?.thread_id);
    await cli.call('ama2_create_thread', { target_user_ids: [SANDBOX_USERS[0]!.id] });
    await cli.call('ama2_set_participation_mode', { thread_id: threadId, participation_mode: 'open' });
    await cli.call('ama2_send_message', { thread_id: threadId, content: 'Hello, anyone there?' });
    await cli.call('ama2_wait_for_events', { thread_id: threadId, after_seq: 1, timeout_seconds: 5 });
    await cli.call('ama2_poll_events', { thread_id: threadId, after_seq: 0, limit: 1 });
    await cli.call('ama2_poll_events', { thread_id: threadId });
    const hook = await cli.call('ama2_register_webhook', {
      thread_id: threadId,
      callback_url: 'https://example.com/ama2/hook',
    });
    await cli.call('ama2_remove_webhook', {
      thread_id: threadId,
      subscription_id: String(hook.structuredContent?.subscription_id),
    });
    await cli.call('ama2_list_threads', {});

    expect(records().flatMap(contract.contractProblems)).toEqual([]);
    expect([...keysOf()].sort()).toEqual(
      [
        'GET /api/v1/chat/threads',
        'POST /api/v1/chat/threads',
        'POST /api/v1/chat/threads/{thread_id}/mode',
        'POST /api/v1/chat/threads/{thread_id}/agent-messages',
        'GET /api/v1/chat/threads/{thread_id}/events',
        'GET /api/v1/chat/threads/{thread_id}/events/stream',
        'POST /api/v1/chat/threads/{thread_id}/webhooks',
        'DELETE /api/v1/chat/threads/{thread_id}/webhooks/{subscription_id}',
      ].sort(),
    );
  });

  it('the client: health, and the error answers (400, 401, 403, 404) match the documented error body', async () => {
    sandbox.emulators.ama2.clearRequests();
    const client = new Ama2Client(sandbox.ama2);
    const limited = new Ama2Client({ ...sandbox.ama2, token: AMA2_SANDBOX_LIMITED_TOKEN });
    const wrong = new Ama2Client({ ...sandbox.ama2, token: 'ama_eat_00000000000000000000' });
    try {
      await client.health();
      const thread = await client.createThread({ target_user_ids: [SANDBOX_USERS[1]!.id] });
      await expect(client.pollEvents('no-such-thread', {})).rejects.toBeInstanceOf(PlatformError);
      await expect(limited.setParticipationMode(thread.thread_id, 'open')).rejects.toMatchObject({
        status: 403,
      });
      await expect(wrong.pollEvents(thread.thread_id, {})).rejects.toMatchObject({ status: 401 });
      await expect(client.registerWebhook(thread.thread_id, 'http://insecure.example')).rejects.toMatchObject(
        {
          status: 400,
        },
      );
    } finally {
      await Promise.all([client.close(), limited.close(), wrong.close()]);
    }
    const statuses = records().map((r) => r.response?.status);
    expect(statuses).toEqual(expect.arrayContaining([200, 404, 403, 401, 400]));
    // The one deliberate violation: the client leaves the https check to the platform.
    expect(records().flatMap(contract.contractProblems)).toEqual([
      expect.stringMatching(/webhooks: request body: data\/callback_url must match pattern/),
    ]);
    expect(keysOf().has('GET /health')).toBe(true);
  });

  it('the harness flags an undocumented query parameter, a bad body and an undocumented answer', () => {
    const base = { query: {}, headers: { 'content-type': 'application/json' }, time: Date.now() };
    const poll = {
      ...base,
      method: 'GET',
      path: '/api/v1/chat/threads/t1/events',
      rawPath: '/api/v1/chat/threads/t1/events?after_seq=2',
      bodyText: '',
      response: { status: 200, json: { events: [{ thread_seq: 'one' }] } },
    };
    const send = {
      ...base,
      method: 'POST',
      path: '/api/v1/chat/threads/t1/agent-messages',
      rawPath: '/api/v1/chat/threads/t1/agent-messages',
      bodyText: '{"message_text":"hi"}',
      json: { message_text: 'hi' },
      response: { status: 202, json: {} },
    };
    expect(contract.contractProblems(poll)).toEqual([
      expect.stringMatching(/query parameter after_seq is not documented/),
      expect.stringMatching(/response 200: .*must have required property 'event_id'/),
    ]);
    expect(contract.contractProblems(send)).toEqual([
      expect.stringMatching(/request body: .*must have required property 'content'/),
      expect.stringMatching(/status 202 is not documented/),
    ]);
    expect(contract.contractProblems({ ...send, rawPath: '/sdk/v1/threads/t1/messages' })).toEqual([
      expect.stringMatching(/is not an operation of the document/),
    ]);
    expect(operationKeys(doc)).toContain('GET /api/v1/chat/threads/{thread_id}/events/stream');
  });
});
