import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_USERS } from '../src/platforms/ama2/emulator/state.js';
import { type Sandbox, startSandbox } from '../src/sandbox.js';
import { connectTestClient, sandboxCredentials, type TestConnection } from './helpers/mcp.js';

let sandbox: Sandbox;
let conn: TestConnection;
beforeAll(async () => {
  sandbox = await startSandbox({ ama2ReplyDelayMs: 20 });
  conn = await connectTestClient({ credentials: sandboxCredentials(sandbox) });
});
afterAll(async () => {
  await conn?.close();
  await sandbox?.close();
});

describe('prompts', () => {
  it('are listed with descriptions', async () => {
    const { prompts } = await conn.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual([
      'converse_with_ama2_thread',
      'run_atthene_agent',
      'summarize_conversation',
      'test_amigo_service',
    ]);
    for (const prompt of prompts) expect(prompt.description?.length).toBeGreaterThan(20);
  });

  it('teach the platform loop with the right tool names, and complete arguments', async () => {
    const ama2 = await conn.client.getPrompt({
      name: 'converse_with_ama2_thread',
      arguments: { goal: 'Plan a meetup', user_ids: SANDBOX_USERS[0]!.id },
    });
    const text = (ama2.messages[0]!.content as { text: string }).text;
    for (const tool of ['ama2_create_thread', 'ama2_send_message', 'ama2_wait_for_events'])
      expect(text).toContain(tool);

    const amigo = await conn.client.getPrompt({
      name: 'test_amigo_service',
      arguments: { scenario: 'book a check-up' },
    });
    const amigoText = (amigo.messages[0]!.content as { text: string }).text;
    for (const tool of ['amigo_send_message', 'amigo_close_conversation', 'amigo_test_service'])
      expect(amigoText).toContain(tool);

    const services = await conn.client.complete({
      ref: { type: 'ref/prompt', name: 'test_amigo_service' },
      argument: { name: 'service_id', value: '' },
    });
    // Only active text services are offered for a conversation test.
    expect(services.completion.values.length).toBeGreaterThan(5);
    expect(services.completion.values).toContain('5a4d0b0c-0002-4000-8000-000000000001');
    expect(services.completion.values).not.toContain('5a4d0b0c-0002-4000-8000-000000000002');
    const keys = await conn.client.complete({
      ref: { type: 'ref/prompt', name: 'run_atthene_agent' },
      argument: { name: 'agent_key', value: 'res' },
    });
    expect(keys.completion.values).toEqual(['research_team']);
  });

  it('summarize_conversation embeds the history resource', async () => {
    const created = await conn.call('ama2_create_thread', { target_user_ids: [SANDBOX_USERS[1]!.id] });
    const threadId = (created.structuredContent as { thread_id: string }).thread_id;
    await conn.call('ama2_send_message', { thread_id: threadId, content: 'Picnic on Saturday?' });
    await conn.call('ama2_wait_for_events', { thread_id: threadId, after_seq: 1, timeout_seconds: 5 });
    const uris = await conn.client.complete({
      ref: { type: 'ref/prompt', name: 'summarize_conversation' },
      argument: { name: 'uri', value: 'ama2://' },
    });
    expect(uris.completion.values).toContain(`ama2://threads/${threadId}`);
    const prompt = await conn.client.getPrompt({
      name: 'summarize_conversation',
      arguments: { uri: `ama2://threads/${threadId}` },
    });
    const embedded = prompt.messages[1]!.content as { type: string; resource: { uri: string; text: string } };
    expect(embedded.type).toBe('resource');
    expect(embedded.resource.text).toContain('Picnic on Saturday?');
    expect(embedded.resource.text).toContain('Grace here');
  });
});
