import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../helpers/cli.js';

// The built CLI (dist/cli.js) on --sandbox, against the strict Amigo emulator: everything the
// tools send passes the operations' validation, and what the platform would refuse is refused.

let proc: CliProcess | undefined;
afterEach(() => proc?.kill());

type ToolResult = {
  isError?: boolean;
  content: Array<{ text: string }>;
  structuredContent?: Record<string, unknown>;
};
async function call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const answer = await proc!.rpc('tools/call', { name, arguments: args });
  expect(answer.error).toBeUndefined();
  return answer.result as ToolResult;
}
async function ok(name: string, args: Record<string, unknown> = {}) {
  const result = await call(name, args);
  expect(result.isError, `${name}: ${result.content[0]?.text}`).toBeFalsy();
  return result.structuredContent ?? {};
}

describe('the built CLI with --sandbox, Amigo tools against the strict emulator', () => {
  it('a conversation, entity lookups, a function and the overview all pass validation; no field is ignored', async () => {
    proc = await startCli(['--sandbox'], { LOG_LEVEL: 'warn' });

    const services = (await ok('amigo_list_services', { limit: 20 })).services as Array<{
      id: string;
      channel_type: string;
    }>;
    const text = services.find((s) => s.channel_type === 'text')!;
    const started = await ok('amigo_send_message', {
      service_id: text.id,
      message: 'Hi, I need an appointment next week.',
      include_tool_calls: true,
    });
    const conversationId = started.conversation_id as string;
    expect(started).toMatchObject({ started: true });
    await ok('amigo_send_message', { conversation_id: conversationId, message: 'Thursday works.' });
    expect(await ok('amigo_get_conversation', { conversation_id: conversationId })).toMatchObject({
      status: 'active',
    });
    const entities = (await ok('amigo_list_entities', { entity_types: ['patient'], tags: ['vip'], limit: 5 }))
      .entities as Array<{ id: string }>;
    await ok('amigo_get_entity_timeline', { entity_id: entities[0]!.id, limit: 2 });
    expect(await ok('amigo_resolve_entity', { entity_type: 'patient', phone: '+15550100000' })).toMatchObject(
      {
        total: 1,
      },
    );
    await ok('amigo_search_world', { q: 'Avery' });
    await ok('amigo_list_calls', { direction: 'inbound', limit: 5 });
    await ok('amigo_invoke_function', { function_name: 'patients_by_tag', input: { tag: 'vip' } });
    await ok('amigo_get_analytics', { days: 7 });
    await ok('amigo_close_conversation', { conversation_id: conversationId });

    // The emulator warns about any field an operation does not declare; our client sent none.
    expect(proc.stderr()).not.toMatch(/ignored fields/);
  });

  it('amigo_get_conversation cursors reach the first turn of a long conversation, within a small budget', async () => {
    proc = await startCli(['--sandbox'], { LOG_LEVEL: 'warn', MCP_MAX_RESULT_CHARS: '2500' });
    const services = (await ok('amigo_list_services', { limit: 20 })).services as Array<{
      id: string;
      channel_type: string;
    }>;
    const text = services.find((s) => s.channel_type === 'text')!;
    const started = await ok('amigo_send_message', { service_id: text.id, message: 'message 0' });
    const conversationId = started.conversation_id as string;
    for (let i = 1; i < 12; i++)
      await ok('amigo_send_message', {
        conversation_id: conversationId,
        message: `message ${i} ${'z'.repeat(150)}`,
      });

    const pages: Array<Array<{ role: string; text: string }>> = [];
    let cursor: string | undefined;
    let turnCount = 0;
    let cuts = 0;
    for (let n = 0; n < 40; n++) {
      const result = await call('amigo_get_conversation', {
        conversation_id: conversationId,
        limit: 10,
        ...(cursor ? { cursor } : {}),
      });
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      expect(result.content[0]!.text.length).toBeLessThanOrEqual(2500);
      const page = result.structuredContent as {
        turns: Array<{ role: string; text: string }>;
        turn_count: number;
        next_cursor?: string;
        truncated?: boolean;
      };
      if (page.truncated) cuts++;
      turnCount = page.turn_count;
      pages.push(page.turns);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    expect(cursor).toBeUndefined();
    expect(cuts).toBeGreaterThan(0);
    const turns = pages.reverse().flat();
    // Greeting, then a user message and an agent reply per send: each once, oldest first.
    expect(turns).toHaveLength(turnCount);
    expect(turnCount).toBe(25);
    expect(turns[0]?.text).toMatch(/^Hello, this is/);
    expect(
      turns.filter((t) => t.role === 'user').map((t) => t.text.split(' ').slice(0, 2).join(' ')),
    ).toEqual(Array.from({ length: 12 }, (_, i) => `message ${i}`));
  }, 30_000);

  it('a value the platform refuses comes back as its 422, naming the field', async () => {
    proc = await startCli(['--sandbox']);
    // entity_type is `^[a-z0-9_]+$` in the document (EntityTypeString); the old emulator took any.
    const refused = await call('amigo_resolve_entity', { entity_type: 'Patient', phone: '+15550100000' });
    expect(refused.isError).toBe(true);
    expect(refused.content[0]?.text).toMatch(
      /body\.entity_type: String should match pattern '\^\[a-z0-9_\]\+\$'/,
    );
  });
});
