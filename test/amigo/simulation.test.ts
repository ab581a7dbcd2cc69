import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox.js';
import { type CliProcess, startCli } from '../helpers/cli.js';
import { startTestSandbox } from '../helpers/mcp.js';

// amigo_test_service and amigo://simulations/{session_id} on the built CLI, against the sandbox's
// Amigo emulator in this process, so the test sees the requests it received.

type Json = Record<string, unknown>;
const FRONT_DESK = '5a4d0b0c-0002-4000-8000-000000000001';
const UNKNOWN_SERVICE = '5a4d0b0c-0002-4000-8000-000000000999';

let sandbox: Sandbox;
let proc: CliProcess | undefined;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.worlds.amigo.turnDelayMs = 5;
});
afterEach(() => proc?.kill());

async function start(): Promise<CliProcess> {
  const { baseUrl, apiKey, workspaceId } = sandbox.amigo;
  proc = await startCli([], {
    AMIGO_API_KEY: apiKey,
    AMIGO_WORKSPACE_ID: workspaceId,
    AMIGO_BASE_URL: baseUrl,
    LOG_LEVEL: 'warn',
  });
  sandbox.emulators.amigo.clearRequests();
  return proc;
}

/** `METHOD path` of each request the emulator received, the workspace prefix and ids shortened. */
function wire(sessionId = ''): string[] {
  return sandbox.emulators.amigo.requests.map((r) =>
    `${r.method} ${r.path}`.replace(/\/v1\/[0-9a-f-]{36}/, '').replace(sessionId || '\u0000', ':id'),
  );
}

async function test(args: Json, progressToken?: string) {
  const answer = await proc!.rpc('tools/call', {
    name: 'amigo_test_service',
    arguments: args,
    ...(progressToken ? { _meta: { progressToken } } : {}),
  });
  return answer.result as { isError?: boolean; content: Array<Json>; structuredContent?: Json };
}

const progressOf = (token: string) =>
  proc!.stdoutLines
    .map((line) => JSON.parse(line) as Json)
    .filter((m) => m.method === 'notifications/progress' && (m.params as Json).progressToken === token);

describe('amigo_test_service on the built CLI', () => {
  it('steps each scripted turn, reports progress per turn, scores, and links a readable resource', async () => {
    await start();
    const turns = ['Hello there', 'I need to book a check-up', 'Friday please'];
    const result = await test({ service_id: FRONT_DESK, user_turns: turns, max_turns: 5 }, 'p-scripted');
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = result.structuredContent as Json;
    const id = out.session_id as string;
    expect(wire(id)).toEqual([
      'POST /simulations/sessions',
      'POST /simulations/sessions/step',
      'POST /simulations/sessions/step',
      'POST /simulations/sessions/step',
      'GET /simulations/sessions/:id/intelligence',
      'POST /simulations/sessions/:id/score',
    ]);
    const bodies = sandbox.emulators.amigo.requests.map((r) => r.json as Json | undefined);
    expect(bodies[0]).toEqual({ service_id: FRONT_DESK });
    expect(bodies.slice(1, 4).map((b) => b?.caller_text)).toEqual(turns);
    expect(bodies[5]).toMatchObject({ score: 80 });
    expect(progressOf('p-scripted').map((m) => (m.params as Json).progress)).toEqual([1, 2, 3]);

    const transcript = out.transcript as Array<{ role: string; text: string }>;
    expect(transcript.map((l) => l.role)).toEqual([
      'agent',
      'user',
      'agent',
      'user',
      'agent',
      'user',
      'agent',
    ]);
    expect(transcript[6]?.text).toContain('Friday at 14:30');
    expect(out).toMatchObject({ final_state: 'confirm', terminal: false, scores: { score: 80 } });
    // The text a model reads fences what the agent and the user said.
    expect(String(result.content[0]?.text)).toMatch(/<untrusted-[0-9a-f]+>Friday please<\/untrusted-/);
    const uri = `amigo://simulations/${id}`;
    expect(result.content).toContainEqual(expect.objectContaining({ type: 'resource_link', uri }));

    const listed = (await proc!.rpc('resources/list')).result as { resources: Array<{ uri: string }> };
    expect(listed.resources.map((r) => r.uri)).toContain(uri);
    const read = (await proc!.rpc('resources/read', { uri })).result as {
      contents: Array<{ mimeType: string; text: string }>;
    };
    expect(read.contents.map((c) => c.mimeType)).toEqual(['text/markdown', 'application/json']);
    expect(read.contents[0]?.text).toContain('I need to book a check-up');
    expect(read.contents[0]?.text).toContain('## Intelligence');
    const json = JSON.parse(read.contents[1]!.text) as Json;
    expect(json).toMatchObject({ session_id: id, current_state: 'confirm' });
    expect(String(json.intelligence)).toContain('"score":80');
  }, 30_000);

  it('without user_turns, steps the platform-suggested caller turns until the conversation ends', async () => {
    await start();
    const result = await test({ service_id: FRONT_DESK, max_turns: 6 });
    const out = result.structuredContent as Json;
    expect(out).toMatchObject({ final_state: 'wrap_up', terminal: true, scores: { score: 95 } });
    expect(wire(out.session_id as string)).toEqual([
      'POST /simulations/sessions',
      ...Array.from({ length: 3 }, () => [
        'POST /simulations/sessions/recommend',
        'POST /simulations/sessions/step',
      ]).flat(),
      'GET /simulations/sessions/:id/intelligence',
      'POST /simulations/sessions/:id/score',
    ]);
    // The same service gives the same conversation.
    const again = (await test({ service_id: FRONT_DESK, max_turns: 6 })).structuredContent as Json;
    expect(again.transcript).toEqual(out.transcript);
  }, 30_000);

  it('a cancelled run stops stepping and scores nothing', async () => {
    await start();
    sandbox.worlds.amigo.turnDelayMs = 300;
    const turns = Array.from({ length: 10 }, (_, i) => `turn ${i}`);
    proc!.child.stdin.write(
      `${JSON.stringify({
        jsonrpc: '2.0',
        id: 900,
        method: 'tools/call',
        params: {
          name: 'amigo_test_service',
          arguments: { service_id: FRONT_DESK, user_turns: turns, max_turns: 10 },
          _meta: { progressToken: 'p-cancel' },
        },
      })}\n`,
    );
    const until = Date.now() + 10_000;
    while (progressOf('p-cancel').length < 1 && Date.now() < until) await sleep(20);
    expect(progressOf('p-cancel')).toHaveLength(1);
    proc!.notify('notifications/cancelled', { requestId: 900, reason: 'test' });
    await sleep(1500);
    const steps = wire().filter((r) => r.endsWith('/step'));
    // The step under way when the cancellation arrived may finish; no other starts.
    expect(steps.length).toBeGreaterThanOrEqual(1);
    expect(steps.length).toBeLessThanOrEqual(2);
    expect(wire().filter((r) => r.includes('/score') || r.includes('/intelligence'))).toEqual([]);
    expect(progressOf('p-cancel').length).toBeLessThanOrEqual(2);
  }, 30_000);

  it('caps each text of the result; the resource keeps it whole', async () => {
    await start();
    const long = `I have a question ${'about my bill '.repeat(100)}`.trim();
    const result = await test({ service_id: FRONT_DESK, user_turns: [long] });
    const out = result.structuredContent as { session_id: string; transcript: Array<{ text: string }> };
    expect(out.transcript[1]?.text).toHaveLength(500);
    expect(out.transcript[1]?.text.endsWith('…')).toBe(true);
    const read = (await proc!.rpc('resources/read', { uri: `amigo://simulations/${out.session_id}` }))
      .result as { contents: Array<{ text: string }> };
    expect(read.contents[0]?.text).toContain(long);
  }, 30_000);

  it('an unknown service is an error result with the hint, and nothing is stepped', async () => {
    await start();
    const result = await test({ service_id: UNKNOWN_SERVICE, user_turns: ['hello'] });
    expect(result.isError).toBe(true);
    expect(String(result.content[0]?.text)).toMatch(/404.*amigo_list_services lists valid service ids/);
    expect(wire()).toEqual(['POST /simulations/sessions']);
  }, 30_000);

  it('an empty user turn is refused before anything is sent', async () => {
    await start();
    const result = await test({ service_id: FRONT_DESK, user_turns: ['hello', ''] });
    expect(result.isError).toBe(true);
    expect(String(result.content[0]?.text)).toContain('user_turns must hold 1-20 turns of 1-2000 characters');
    expect(wire()).toEqual([]);
  }, 30_000);
});
