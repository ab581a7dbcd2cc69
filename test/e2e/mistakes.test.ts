import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStub } from '../atthene/cli.js';
import { type CliProcess, INITIALIZE_PARAMS, spawnCli, startHttpCli } from '../helpers/cli.js';

// A newcomer's commonest mistakes, answered with the fix by the BUILT CLI (issue #16, problems 4-6).

let proc: CliProcess | undefined;
afterEach(() => {
  proc?.kill();
  proc = undefined;
});

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

const TEMPLATES = [
  'ama2://threads/{thread_id}',
  'amigo://conversations/{conversation_id}',
  'amigo://entity-types',
  'atthene://sessions/{session_id}',
];
type RpcAnswer = { error?: { code: number; message: string; data?: unknown }; result?: unknown };

/** What a client is told for each URI: a resource that does not exist, and one the platform does not know. */
async function expectNotFound(read: (uri: string) => Promise<{ code: number; message: string }>) {
  for (const uri of ['foo://bar', 'ama2://threads/a/b', 'ama2://threads/', 'not a uri']) {
    const { code, message } = await read(uri);
    expect(code, uri).toBe(-32002);
    expect(message, uri).not.toMatch(/MCP error -\d+: MCP error/);
    for (const template of TEMPLATES) expect(message, uri).toContain(template);
  }
  expect(await read('foo://bar')).toMatchObject({
    message: expect.stringMatching(
      /^(MCP error -32002: )?Resource foo:\/\/bar not found; the resources here are /,
    ),
  });
  expect(await read('not a uri')).toMatchObject({
    message: expect.stringContaining('Resource "not a uri" is not a URI;'),
  });
  const unknownId = await read('ama2://threads/no_such_thread');
  expect(unknownId.code).toBe(-32002);
  expect(unknownId.message).toMatch(
    /Resource ama2:\/\/threads\/no_such_thread not found: ama2 answered 404: /,
  );
  expect(unknownId.message).toContain('Check the id in the URI');
}

describe('an unknown resource answers -32002 with the resources that exist', () => {
  it('over stdio (the JSON-RPC error as sent)', async () => {
    const stdio = spawnCli(['--sandbox']);
    proc = stdio;
    await stdio.rpc('initialize', INITIALIZE_PARAMS);
    stdio.notify('notifications/initialized');
    await expectNotFound(async (uri) => {
      const answer = (await stdio.rpc('resources/read', { uri })) as RpcAnswer;
      expect(answer.error?.data).toEqual({ uri });
      return answer.error ?? { code: 0, message: 'no error' };
    });
  });

  it('over HTTP (as the SDK client reports it), and a subscription refused without a doubled prefix', async () => {
    const http = await startHttpCli(['--sandbox']);
    proc = http;
    const client = new Client({ name: 'mistakes', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
    try {
      const failure = async (call: Promise<unknown>) => {
        const error = await call.then(
          () => new McpError(0, 'no error'),
          (e: unknown) => e as McpError,
        );
        return { code: error.code, message: error.message };
      };
      await expectNotFound((uri) => failure(client.readResource({ uri })));
      const refused = await failure(client.subscribeResource({ uri: 'foo://bar' }));
      expect(refused.message).toMatch(/^MCP error -32602: foo:\/\/bar cannot be subscribed to/);
    } finally {
      await client.close();
    }
  });
});
