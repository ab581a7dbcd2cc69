import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, INITIALIZE_PARAMS, spawnCli } from '../helpers/cli.js';

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
    proc = spawnCli(['--sandbox'], { LOG_LEVEL: 'warn' });
    await proc.rpc('initialize', INITIALIZE_PARAMS);
    proc.notify('notifications/initialized');

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

  it('a value the platform refuses comes back as its 422, naming the field', async () => {
    proc = spawnCli(['--sandbox']);
    await proc.rpc('initialize', INITIALIZE_PARAMS);
    proc.notify('notifications/initialized');
    // entity_type is `^[a-z0-9_]+$` in the document (EntityTypeString); the old emulator took any.
    const refused = await call('amigo_resolve_entity', { entity_type: 'Patient', phone: '+15550100000' });
    expect(refused.isError).toBe(true);
    expect(refused.content[0]?.text).toMatch(
      /body\.entity_type: String should match pattern '\^\[a-z0-9_\]\+\$'/,
    );
  });
});
