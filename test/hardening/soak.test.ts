import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultOptions } from '../../src/core/emulator/faults.js';
import { SANDBOX_USERS } from '../../src/platforms/ama2/emulator/state.js';
import { type Sandbox, startSandbox } from '../../src/sandbox.js';
import { connectTestClient, resultText, sandboxCredentials, type TestConnection } from '../helpers/mcp.js';

// 2,000 mixed tool calls across the platforms under injected faults. Bounded: a fixed count, a
// fixed concurrency, and the test's own timeout.

const CALLS = 2000;
const CONCURRENCY = 32;
const FAULTS: FaultOptions = {
  seed: 2026,
  errorRate: 0.2,
  rateLimitRate: 0.1,
  retryAfterSeconds: 1,
  dropRate: 0.05,
  latencyMs: [0, 5],
};

let sandbox: Sandbox;
let conn: TestConnection;
let threadId: string;
let sessions: string[];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  sandbox = await startSandbox({ ama2ReplyDelayMs: 5, ama2RateLimits: false, attheneExecuteDelayMs: 1 });
  conn = await connectTestClient({ credentials: sandboxCredentials(sandbox) });
  threadId = (
    (await conn.call('ama2_create_thread', { target_user_ids: [SANDBOX_USERS[0]!.id] }))
      .structuredContent as { thread_id: string }
  ).thread_id;
  sessions = [];
  for (let i = 0; i < 8; i++) {
    sessions.push(
      (
        (await conn.call('atthene_create_session', { agent_key: 'support_agent' })).structuredContent as {
          session_id: string;
        }
      ).session_id,
    );
  }
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await conn?.close();
  await sandbox?.close();
});

function plan(i: number): [string, Record<string, unknown>] {
  const session = sessions[i % sessions.length]!;
  switch (i % 8) {
    case 0:
      return ['ama2_send_message', { thread_id: threadId, content: `soak message ${i}` }];
    case 1:
      return ['ama2_poll_events', { thread_id: threadId, limit: 5 }];
    case 2:
      return ['atthene_execute_turn', { session_id: session, content: `soak turn ${i}` }];
    case 3:
      return ['atthene_get_status', { session_id: session }];
    case 4:
      return ['atthene_list_agents', {}];
    case 5:
      return ['atthene_get_messages', { session_id: session, latest: true, limit: 5 }];
    case 6:
      return ['platforms_status', {}];
    default:
      return ['atthene_get_session', { session_id: session }];
  }
}

describe('fault soak', () => {
  it(`${CALLS} mixed calls under faults: each a success or a clear error, no write twice, still serving`, async () => {
    for (const emulator of Object.values(sandbox.emulators)) emulator.setFaults(FAULTS);
    const rssBefore = process.memoryUsage().rss;
    const outcomes = { ok: 0, error: 0 };
    const unclear: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < CALLS) {
        const [tool, args] = plan(next++);
        const result = await conn.call(tool, args);
        if (!result.isError) {
          outcomes.ok++;
          continue;
        }
        outcomes.error++;
        const text = resultText(result);
        // A clear error names the platform and kind and says what to do.
        if (!/^(ama2|amigo|atthene) error .+: .+\. .+/.test(text)) unclear.push(`${tool}: ${text}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    for (const emulator of Object.values(sandbox.emulators)) emulator.setFaults(undefined);

    expect(outcomes.ok + outcomes.error).toBe(CALLS);
    expect(unclear).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(CALLS * 0.5);
    expect(unhandled).toEqual([]);

    // No write reached an emulator twice.
    const sent = new Map<string, number>();
    for (const event of sandbox.worlds.ama2.threads.get(threadId)!.events) {
      if (event.content.startsWith('soak message'))
        sent.set(event.content, (sent.get(event.content) ?? 0) + 1);
    }
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    const turns = new Map<string, number>();
    for (const id of sessions) {
      for (const m of sandbox.worlds.atthene.sessions.get(id)!.messages) {
        if (m.role === 'user') turns.set(m.content, (turns.get(m.content) ?? 0) + 1);
      }
    }
    expect([...turns.values()].every((n) => n === 1)).toBe(true);
    expect(sent.size + turns.size).toBeGreaterThan(0);

    // Still serving, and memory did not run away (the bench measures it properly).
    const status = await conn.call('platforms_status');
    expect(
      (status.structuredContent as { platforms: Array<{ authenticated: boolean }> }).platforms.every(
        (p) => p.authenticated,
      ),
    ).toBe(true);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);
});
