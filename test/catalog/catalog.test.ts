import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amigo } from '../../src/platforms/amigo/index.js';
import type { Sandbox } from '../../src/sandbox.js';
import {
  connectTestClient,
  resultText,
  sandboxCredentials,
  startTestSandbox,
  type TestConnection,
} from '../helpers/mcp.js';
import { walkCatalog } from './walk.js';

// Issue #14: every operation of the Amigo document is reachable through the four catalog tools,
// and the sandbox answers every one of them (curated routes, else the spec-driven responder).

let sandbox: Sandbox;
let conn: TestConnection;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  conn = await connectTestClient({
    credentials: sandboxCredentials(sandbox, ['amigo']),
    toolsets: ['amigo'],
  });
});
afterAll(async () => {
  await conn?.close();
  await sandbox?.close();
});

describe('operation catalog (Amigo)', () => {
  it('api_search_operations pages through all 487 operations', async () => {
    const ids = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await conn.call('api_search_operations', {
        platform: 'amigo',
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      const out = result.structuredContent as {
        operations: Array<{ operation_id: string }>;
        next_cursor?: string;
        total: number;
      };
      expect(out.total).toBe(487);
      for (const op of out.operations) ids.add(op.operation_id);
      cursor = out.next_cursor;
      if (!cursor) break;
    }
    expect(ids.size).toBe(487);
  });

  it('search matches words on id, path, summary and tag', async () => {
    const result = await conn.call('api_search_operations', {
      platform: 'amigo',
      query: 'context graph version',
    });
    const out = result.structuredContent as { operations: Array<{ operation_id: string; path: string }> };
    expect(out.operations.length).toBeGreaterThan(0);
    for (const op of out.operations) expect(op.path.toLowerCase()).toContain('context');
  });

  it('the sandbox answers a document-only operation: FastAPI 422 when invalid, a stable body when valid', async () => {
    const { baseUrl, apiKey, workspaceId } = sandbox.amigo;
    const get = async (query: string) => {
      const response = await fetch(`${baseUrl}/v1/${workspaceId}/webhook-destinations${query}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const invalid = await get('?limit=lots');
    expect(invalid.status).toBe(422);
    expect(invalid.json.detail).toEqual([
      expect.objectContaining({ loc: ['query', 'limit'], msg: expect.stringContaining('integer') }),
    ]);
    const first = await get('');
    expect(first.status).toBe(200);
    expect(await get('')).toEqual(first);
  });

  it('a list answer over the size budget is cut at an item with a cursor that resumes it', async () => {
    const args = { platform: 'amigo', operation_id: 'list-agents', params: { limit: 20 } };
    const first = await conn.call('api_read', args);
    expect(first.isError, resultText(first)).toBeFalsy();
    const whole = first.structuredContent as {
      items: Array<{ id: string }>;
      data: Record<string, unknown>;
    };
    expect(whole.data.items_field).toBe('items');
    expect(whole.items.length).toBeGreaterThan(2);
    const small = await connectTestClient({
      credentials: sandboxCredentials(sandbox, ['amigo']),
      toolsets: ['amigo'],
      maxResultChars: 1500,
    });
    try {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      for (let page = 0; page < 30; page++) {
        pages++;
        const result = await small.call('api_read', { ...args, ...(cursor ? { cursor } : {}) });
        expect(result.isError, resultText(result)).toBeFalsy();
        const out = result.structuredContent as { items: Array<{ id: string }>; next_cursor?: string };
        seen.push(...out.items.map((a) => a.id));
        cursor = out.next_cursor;
        if (!cursor) break;
      }
      expect(pages).toBeGreaterThan(1);
      expect(seen).toEqual(whole.items.map((a) => a.id));
    } finally {
      await small.close();
    }
  });

  it('an unknown platform is refused with the platforms that have a catalog', async () => {
    const result = await conn.call('api_search_operations', { platform: 'nope' });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('use one of amigo');
  });

  it('every operation: describe works, a valid call is answered, an invalid one never leaves', async () => {
    const failures = await walkCatalog(conn, amigo, sandbox.emulators.amigo, sandbox.amigo);
    expect(failures).toEqual([]);
  }, 240_000);
});
