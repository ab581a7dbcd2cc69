import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStub } from '../atthene/cli.js';
import { type CliProcess, INITIALIZE_PARAMS, spawnCli, startCli, startHttpCli } from '../helpers/cli.js';

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
    proc = await startCli([], {
      AMA2_TOKEN: 'ama_eat_stub_token_0000',
      AMA2_BASE_URL: stub.origin,
      AMIGO_API_KEY: 'amigo_stub_key_00000000',
      AMIGO_WORKSPACE_ID: UUID,
      AMIGO_BASE_URL: stub.origin,
      ATTHENE_API_KEY: 'atthene_stub_key_0000000',
      ATTHENE_BASE_URL: stub.baseUrl,
    });
    const answer = (await proc.rpc('tools/call', { name: tool, arguments: args })) as ToolAnswer;
    expect(answer.result?.isError, textOf(answer)).toBe(true);
    expect(textOf(answer)).toBe(`Invalid input for ${tool}: ${expected}`);
    expect(stub.requests).toEqual([]);
    // The server keeps serving after the refusal.
    const list = (await proc.rpc('tools/list')) as { result?: { tools: unknown[] } };
    expect(list.result?.tools.length).toBeGreaterThan(10);
  });
});

describe('a misnamed tool or a prompt without its argument gets the fix, and the server keeps serving', () => {
  it.each([
    ['amigo_get_entitiy', 'Tool amigo_get_entitiy not found; did you mean amigo_get_entity?'],
    ['AMA2-send-message', 'Tool AMA2-send-message not found; did you mean ama2_send_message?'],
    [
      'ama2_frobnicate',
      /^Tool ama2_frobnicate not found; the ama2 tools are ama2_create_thread, .*ama2_wait_for_events\.$/,
    ],
    [
      'send',
      'Tool send not found; tools/list names the tools offered; platforms_status says which platforms are configured.',
    ],
  ])('%s', async (name, expected) => {
    proc = await startCli(['--sandbox']);
    const answer = (await proc.rpc('tools/call', { name, arguments: {} })) as ToolAnswer;
    expect(answer.result?.isError).toBe(true);
    if (typeof expected === 'string') expect(textOf(answer)).toBe(expected);
    else expect(textOf(answer)).toMatch(expected);
    const status = (await proc.rpc('tools/call', { name: 'platforms_status', arguments: {} })) as ToolAnswer;
    expect(status.result?.isError).toBeFalsy();
  });

  it('a huge misnamed tool or argument name gets a short answer (no did-you-mean over it, the name cut)', async () => {
    proc = await startCli(['--sandbox']);
    const huge = `x${'y'.repeat(200_000)}`;
    const tool = (await proc.rpc('tools/call', { name: huge, arguments: {} })) as ToolAnswer;
    expect(tool.result?.isError).toBe(true);
    expect(textOf(tool).length).toBeLessThan(400);
    expect(textOf(tool)).toMatch(/^Tool xy{79}\.\.\. not found; /);
    const manyArgs = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${huge}${i}`, 1]));
    const args = (await proc.rpc('tools/call', {
      name: 'platforms_status',
      arguments: manyArgs,
    })) as ToolAnswer;
    expect(args.result?.isError).toBe(true);
    expect(textOf(args).length).toBeLessThan(2_000);
    expect(textOf(args)).toContain('(and 40 more unknown fields)');
  });

  it('a prompt missing a required argument is refused naming it; an unknown prompt names those there are', async () => {
    proc = await startCli(['--sandbox']);
    const missing = (await proc.rpc('prompts/get', {
      name: 'run_atthene_agent',
      arguments: {},
    })) as RpcAnswer;
    expect(missing.error).toMatchObject({
      code: -32602,
      message: 'Invalid arguments for prompt run_atthene_agent: task is required (What to ask the agent.)',
    });
    const unknown = (await proc.rpc('prompts/get', { name: 'run_agent', arguments: {} })) as RpcAnswer;
    expect(unknown.error?.code).toBe(-32602);
    expect(unknown.error?.message).toMatch(
      /^Prompt run_agent not found; the prompts here are .*run_atthene_agent/,
    );
    const ok = (await proc.rpc('prompts/get', {
      name: 'run_atthene_agent',
      arguments: { task: 'hi' },
    })) as RpcAnswer;
    expect(JSON.stringify(ok.result)).toContain('Task: hi');
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

/** stderr lines that are not pino's JSON log lines: what a person reads. */
const plainLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));

/** Runs the CLI to its exit; resolves with the exit code and the plain stderr lines. */
async function startupFailure(args: string[], env: Record<string, string> = {}) {
  proc = spawnCli(args, env);
  // A server that starts after all ends with its stdin, instead of waiting for a client.
  proc.child.stdin.end();
  const { code } = await proc.exit;
  expect(proc.stdoutLines).toEqual([]);
  return { code, lines: plainLines(proc.stderr()) };
}

const ATTHENE_ONLY = { ATTHENE_API_KEY: 'atthene_key_0000000000' };

describe('startup errors are one line, naming the variable or flag and the fix, and exit 2', () => {
  it.each([
    [
      'a malformed AMA2_TOKEN',
      [],
      { AMA2_TOKEN: 'abc' },
      /^agent-platforms-mcp: AMA2_TOKEN must be an external-agent token starting with ama_eat_ .*; create one in AMA2/,
    ],
    [
      'an AMA2_TOKEN with spaces',
      [],
      { AMA2_TOKEN: 'ama_eat_abc def' },
      /^agent-platforms-mcp: AMA2_TOKEN must be an external-agent token starting with ama_eat_ /,
    ],
    [
      'a short AMA2_USER_TOKEN',
      [],
      { AMA2_USER_TOKEN: 'abc' },
      /^agent-platforms-mcp: AMA2_USER_TOKEN must be a JWT/,
    ],
    [
      'an Amigo key with spaces',
      [],
      { AMIGO_API_KEY: 'amigo key 00', AMIGO_WORKSPACE_ID: UUID },
      /^agent-platforms-mcp: AMIGO_API_KEY must not contain spaces; /,
    ],
    [
      'a short Atthene key',
      [],
      { ATTHENE_API_KEY: 'abc' },
      /^agent-platforms-mcp: ATTHENE_API_KEY .*; create one/,
    ],
    [
      'no platform',
      [],
      {},
      /^agent-platforms-mcp: no platform is configured; set AMA2_TOKEN .*ATTHENE_API_KEY.*, or run with --sandbox/,
    ],
    [
      'an unknown flag',
      ['--verbose'],
      {},
      /^agent-platforms-mcp: unknown option '--verbose'; run with --help/,
    ],
    [
      'a flag without its value',
      ['--port'],
      {},
      /^agent-platforms-mcp: option '--port <value>' argument missing; run with --help/,
    ],
    [
      '--toolsets naming only a platform without credentials',
      ['--toolsets', 'amigo'],
      ATTHENE_ONLY,
      /^agent-platforms-mcp: --toolsets amigo names no platform with credentials; set AMIGO_API_KEY and AMIGO_WORKSPACE_ID, or name a configured one \(atthene\)$/,
    ],
    [
      'bad sandbox faults',
      ['--sandbox-faults', '5xx=2'],
      {},
      /^agent-platforms-mcp: --sandbox-faults \/ SANDBOX_FAULTS: 5xx must be a rate from 0 to 1; /,
    ],
  ])('%s', async (_what, args, env, pattern) => {
    const { code, lines } = await startupFailure(args, env);
    expect(code).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it('several bad variables: one line each', async () => {
    const { code, lines } = await startupFailure([], {
      AMA2_TOKEN: 'abc',
      ATTHENE_API_KEY: 'atthene_key_0000000000',
      ATTHENE_BASE_URL: 'not a url',
    });
    expect(code).toBe(2);
    expect(lines).toEqual([
      expect.stringMatching(/^agent-platforms-mcp: AMA2_TOKEN must be /),
      expect.stringMatching(/^agent-platforms-mcp: ATTHENE_BASE_URL must be an http\(s\) URL/),
    ]);
  });

  it('a busy port: exit 2 with the flag to pass', async () => {
    const holder = createNetServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const { code, lines } = await startupFailure(['--sandbox', '--http', '--port', String(port)]);
      expect(code).toBe(2);
      expect(lines).toEqual([`agent-platforms-mcp: port ${port} is in use; pass --port 0 for a free one`]);
    } finally {
      holder.close();
    }
  });

  it('a --host that is not an address of this machine: exit 2 naming it', async () => {
    const { code, lines } = await startupFailure(
      ['--sandbox', '--http', '--host', '192.0.2.1', '--port', '0'],
      {
        MCP_HTTP_TOKEN: 'x'.repeat(32),
        MCP_ALLOWED_HOSTS: 'mcp.example.com',
      },
    );
    expect(code).toBe(2);
    expect(lines).toEqual([
      'agent-platforms-mcp: --host 192.0.2.1 is not an address of this machine; pass --host 127.0.0.1 or one of its own addresses',
    ]);
  });
});

describe('--toolsets naming a platform without credentials', () => {
  let stub: Awaited<ReturnType<typeof startStub>>;
  beforeAll(async () => {
    stub = await startStub(() => ({ status: 200, json: [] }));
  });
  afterAll(() => stub.close());
  const status = async (cli: CliProcess) => {
    const answer = (await cli.rpc('tools/call', { name: 'platforms_status', arguments: {} })) as {
      result: { structuredContent: { warning?: string } };
    };
    return answer.result.structuredContent;
  };

  it('warns on stderr and in platforms_status, and serves the platforms that have them', async () => {
    proc = await startCli(['--toolsets', 'amigo,atthene'], {
      ...ATTHENE_ONLY,
      ATTHENE_BASE_URL: stub.baseUrl,
    });
    const warning =
      '--toolsets names amigo, which has no credentials; set AMIGO_API_KEY and AMIGO_WORKSPACE_ID to offer its tools';
    expect(plainLines(proc.stderr())).toEqual([`agent-platforms-mcp: warning: ${warning}`]);
    expect((await status(proc)).warning).toBe(warning);
    const list = (await proc.rpc('tools/list')) as { result: { tools: Array<{ name: string }> } };
    expect(list.result.tools.map((t) => t.name)).toContain('atthene_list_agents');
  });

  it('says nothing when --toolsets is not given', async () => {
    proc = spawnCli([], { ...ATTHENE_ONLY, ATTHENE_BASE_URL: stub.baseUrl });
    await proc.rpc('initialize', INITIALIZE_PARAMS);
    expect((await status(proc)).warning).toBeUndefined();
    expect(plainLines(proc.stderr())).toEqual([]);
  });
});
