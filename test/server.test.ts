import { setTimeout as sleep } from 'node:timers/promises';
import {
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorFromResponse } from '../src/core/errors.js';
import { defineTool } from '../src/core/registry.js';
import { defineResource } from '../src/core/resources/define.js';
import type { PlatformStatus } from '../src/core/tools/platforms-status.js';
import type { Sandbox } from '../src/sandbox.js';
import { connectTestClient, sandboxCredentials, startTestSandbox } from './helpers/mcp.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

type StatusEntry = PlatformStatus;

describe('platforms_status', () => {
  it('reports all three sandbox platforms as reachable and authenticated', async () => {
    const conn = await connectTestClient({ credentials: sandboxCredentials(sandbox) });
    try {
      const result = await conn.call('platforms_status');
      expect(result.isError).toBeFalsy();
      const { platforms } = result.structuredContent as { platforms: StatusEntry[] };
      expect(platforms.map((p) => p.platform)).toEqual(['ama2', 'amigo', 'atthene']);
      for (const entry of platforms) {
        expect(entry).toMatchObject({ configured: true, reachable: true, authenticated: true });
        expect(entry.latency_ms).toBeGreaterThanOrEqual(0);
      }
      expect(platforms[2]?.base_url).toBe(sandbox.atthene.baseUrl);
      // The probes were real authenticated requests, each with its platform's own auth header.
      const amigoProbe = sandbox.emulators.amigo.requests.find((r) => r.path === '/v1/auth/me');
      expect(amigoProbe?.headers.authorization).toBe(`Bearer ${sandbox.amigo.apiKey}`);
      const attheneProbe = sandbox.emulators.atthene.requests.find((r) => r.path === '/api/v1/agent/');
      expect(attheneProbe?.headers['x-api-key']).toBe(sandbox.atthene.apiKey);
      const ama2Probe = sandbox.emulators.ama2.requests.find((r) => r.path.endsWith('/events'));
      expect(ama2Probe?.query.limit).toEqual(['1']);
    } finally {
      await conn.close();
    }
  });

  it('reports rejected credentials and unconfigured platforms without failing', async () => {
    const creds = sandboxCredentials(sandbox, ['amigo', 'atthene']);
    creds.amigo = { ...creds.amigo!, apiKey: 'amigo_wrong_key_123' };
    const conn = await connectTestClient({ credentials: creds });
    try {
      const result = await conn.call('platforms_status');
      const { platforms } = result.structuredContent as { platforms: StatusEntry[] };
      expect(platforms[0]).toEqual({ platform: 'ama2', configured: false });
      expect(platforms[1]).toMatchObject({ configured: true, reachable: true, authenticated: false });
      expect(platforms[1]?.detail).toMatch(/^401/);
      expect(platforms[2]).toMatchObject({ reachable: true, authenticated: true });
    } finally {
      await conn.close();
    }
  });

  it('reports an unreachable platform as such', async () => {
    const conn = await connectTestClient({
      credentials: { atthene: { baseUrl: 'http://127.0.0.1:9/api/v1', apiKey: 'atthene_key_123' } },
    });
    try {
      const { platforms } = (await conn.call('platforms_status')).structuredContent as {
        platforms: StatusEntry[];
      };
      expect(platforms[2]).toMatchObject({ configured: true, reachable: false, authenticated: false });
    } finally {
      await conn.close();
    }
  });
});

describe('logging', () => {
  it('honours logging/setLevel and sends failed calls to the client as log notifications', async () => {
    const failing = defineTool({
      name: 'platforms_fail',
      title: 'Fail',
      description: 'Fails with a platform error, for a test of log notifications sent to the client.',
      platform: 'core',
      input: {},
      output: {},
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      run: async () => {
        throw errorFromResponse({
          platform: 'atthene',
          status: 503,
          headers: {},
          bodyText: 'down',
          method: 'GET',
          path: '/x',
        });
      },
    });
    const conn = await connectTestClient({ credentials: {}, tools: [failing] });
    const received: Array<{ level: string; data: unknown }> = [];
    conn.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      received.push({ level: n.params.level, data: n.params.data });
    });
    try {
      await conn.client.setLoggingLevel('error');
      expect((await conn.call('platforms_fail')).isError).toBe(true);
      await sleep(20);
      expect(received).toEqual([]);
      await conn.client.setLoggingLevel('debug');
      await conn.call('platforms_fail');
      await sleep(20);
      expect(received).toEqual([
        {
          level: 'warning',
          data: { tool: 'platforms_fail', error: expect.stringMatching(/^atthene error 503 server/) },
        },
      ]);
    } finally {
      await conn.close();
    }
  });
});

describe('resource framework', () => {
  const changes: { count: number; stopped: number } = { count: 0, stopped: 0 };
  const testResource = defineResource({
    name: 'atthene_test_history',
    title: 'Test history',
    description: 'A history used to test the resource framework.',
    platform: 'atthene',
    uriTemplate: 'atthene://test/{item_id}',
    mimeType: 'text/markdown',
    async read(uri, vars) {
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: `# ${vars.item_id}` }] };
    },
    async watch(_vars, _ctx, { signal, changed }) {
      while (!signal.aborted) {
        await sleep(20, undefined, { signal }).catch(() => {});
        if (!signal.aborted) {
          changes.count++;
          changed();
        }
      }
      changes.stopped++;
    },
  });

  it('lists recently seen resources, completes ids, reads, subscribes, unsubscribes and bounds watchers', async () => {
    const touch = defineTool({
      name: 'platforms_touch',
      title: 'Touch',
      description: 'Records a resource as recently seen, for a test of resources/list and id completion.',
      platform: 'core',
      input: { id: z.string().describe('item id') },
      output: {},
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      run: async ({ id }, ctx) => {
        ctx.recent.touch({ uri: `atthene://test/${id}`, name: `Item ${id}`, platform: 'atthene' });
        return {};
      },
    });
    const conn = await connectTestClient({
      credentials: sandboxCredentials(sandbox, ['atthene']),
      tools: [touch],
      resources: [testResource],
      maxWatchers: 2,
    });
    const updates: string[] = [];
    conn.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    try {
      const templates = await conn.client.listResourceTemplates();
      expect(templates.resourceTemplates).toEqual([
        expect.objectContaining({ uriTemplate: 'atthene://test/{item_id}', description: expect.any(String) }),
      ]);
      expect((await conn.client.listResources()).resources).toEqual([]);
      await conn.call('platforms_touch', { id: 'seen-1' });
      await conn.call('platforms_touch', { id: 'other-2' });
      await conn.call('platforms_touch', { id: 'seen-3' });
      const listed = await conn.client.listResources();
      expect(listed.resources.map((r) => r.uri)).toEqual([
        'atthene://test/seen-3',
        'atthene://test/other-2',
        'atthene://test/seen-1',
      ]);
      const completion = await conn.client.complete({
        ref: { type: 'ref/resource', uri: 'atthene://test/{item_id}' },
        argument: { name: 'item_id', value: 'se' },
      });
      expect(completion.completion.values).toEqual(['seen-3', 'seen-1']);
      const read = await conn.client.readResource({ uri: 'atthene://test/abc' });
      expect(read.contents[0]).toMatchObject({ text: '# abc' });

      await conn.client.subscribeResource({ uri: 'atthene://test/one' });
      await sleep(120);
      expect(updates.filter((u) => u === 'atthene://test/one').length).toBeGreaterThanOrEqual(2);
      await conn.client.subscribeResource({ uri: 'atthene://test/two' });
      await expect(conn.client.subscribeResource({ uri: 'atthene://test/three' })).rejects.toThrow(
        /at most 2 subscriptions per session/,
      );
      await conn.client.unsubscribeResource({ uri: 'atthene://test/one' });
      await sleep(50);
      const afterUnsubscribe = updates.filter((u) => u === 'atthene://test/one').length;
      await sleep(100);
      expect(updates.filter((u) => u === 'atthene://test/one').length).toBe(afterUnsubscribe);
      await expect(conn.client.subscribeResource({ uri: 'ama2://threads/x' })).rejects.toThrow(
        /cannot be subscribed/,
      );
    } finally {
      const stoppedBefore = changes.stopped;
      await conn.close();
      await sleep(60);
      // Closing the session stopped the remaining watcher.
      expect(changes.stopped).toBe(stoppedBefore + 1);
    }
  });
});

describe('tool selection', () => {
  it('offers platforms_status always, and nothing from unconfigured platforms', async () => {
    const conn = await connectTestClient({ credentials: {} });
    try {
      const { tools } = await conn.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['platforms_status']);
      // A read-only tool lists readOnlyHint and openWorldHint only (the spec gives the other two no meaning).
      expect(tools[0]?.annotations).toEqual({ readOnlyHint: true, openWorldHint: true });
      expect(tools[0]?.outputSchema).toBeDefined();
    } finally {
      await conn.close();
    }
  });
});
