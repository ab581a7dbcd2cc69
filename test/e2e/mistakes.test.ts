import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStub } from '../atthene/cli.js';
import { type CliProcess, INITIALIZE_PARAMS, spawnCli } from '../helpers/cli.js';

// A newcomer's commonest mistakes, answered with the fix by the BUILT CLI (issue #16, problems 4-6).

let proc: CliProcess | undefined;
afterEach(() => proc?.kill());

const UUID = '00000000-0000-4000-8000-000000000001';

type ToolAnswer = { result?: { isError?: boolean; content: Array<{ type: string; text?: string }> } };
const textOf = (answer: ToolAnswer) => answer.result?.content.map((c) => c.text ?? '').join('\n') ?? '';

describe('a misnamed argument is refused with the name it meant, before any request', () => {
  let stub: Awaited<ReturnType<typeof startStub>>;
  beforeAll(async () => {
    stub = await startStub(() => ({ status: 500, json: { detail: 'the test expects no request' } }));
  });
  afterAll(() => stub.close());

  it.each([
    [
      'ama2_send_message',
      { thread_id: 't1', message: 'hi' },
      'unknown field "message"; did you mean "content"?',
    ],
    [
      'atthene_execute_turn',
      { session_id: 's1', message: 'hi' },
      'unknown field "message"; did you mean "content"?',
    ],
    [
      'amigo_send_message',
      { service_id: UUID, content: 'hi' },
      'unknown field "content"; did you mean "message"?',
    ],
    ['ama2_poll_events', { threadId: 't1' }, 'unknown field "threadId"; did you mean "thread_id"?'],
    [
      'api_read',
      { platfrom: 'amigo', operation_id: 'x' },
      'unknown field "platfrom"; did you mean "platform"?',
    ],
    [
      'ama2_set_participation_mode',
      { thread_id: 't1', participation_mode: 'open', colour: 'red' },
      'unknown field "colour"; the fields are thread_id, participation_mode.',
    ],
    ['platforms_status', { verbose: true }, 'unknown field "verbose"; this tool takes no arguments.'],
  ])('%s %j', async (tool, args, expected) => {
    proc = spawnCli([], {
      AMA2_TOKEN: 'ama_eat_stub_token_0000',
      AMA2_BASE_URL: stub.origin,
      AMIGO_API_KEY: 'amigo_stub_key_00000000',
      AMIGO_WORKSPACE_ID: UUID,
      AMIGO_BASE_URL: stub.origin,
      ATTHENE_API_KEY: 'atthene_stub_key_0000000',
      ATTHENE_BASE_URL: stub.baseUrl,
    });
    await proc.rpc('initialize', INITIALIZE_PARAMS);
    proc.notify('notifications/initialized');
    const answer = (await proc.rpc('tools/call', { name: tool, arguments: args })) as ToolAnswer;
    expect(answer.result?.isError, textOf(answer)).toBe(true);
    expect(textOf(answer)).toBe(`Invalid input for ${tool}: ${expected}`);
    expect(stub.requests).toEqual([]);
    // The server keeps serving after the refusal.
    const list = (await proc.rpc('tools/list')) as { result?: { tools: unknown[] } };
    expect(list.result?.tools.length).toBeGreaterThan(10);
  });
});
