import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, callTool as call, startCli } from '../helpers/cli.js';

// The operation catalog on the built CLI (issue #14): the bundle carries the Amigo document and
// ajv, --read-only hides api_write, --toolsets limits the platforms, and the four tools stay cheap.

type Json = Record<string, unknown>;
const CATALOG_TOOLS = ['api_describe_operation', 'api_read', 'api_search_operations', 'api_write'];

let proc: CliProcess | undefined;
afterEach(() => proc?.kill());

async function start(args: string[]): Promise<CliProcess> {
  proc = await startCli(['--sandbox', ...args]);
  return proc;
}

async function listed(cli: CliProcess): Promise<Json[]> {
  return ((await cli.rpc('tools/list')).result as { tools: Json[] }).tools;
}

describe('operation catalog on the built CLI', () => {
  it('lists the four tools under 1,200 tokens together (chars / 4 of their tools/list entries)', async () => {
    const tools = (await listed(await start([]))).filter((t) => CATALOG_TOOLS.includes(String(t.name)));
    expect(tools.map((t) => t.name).sort()).toEqual(CATALOG_TOOLS);
    const chars = tools.reduce((sum, t) => sum + JSON.stringify(t).length, 0);
    expect(chars / 4).toBeLessThan(1200);
  });

  it('calls an operation no curated route models, and refuses an invalid one with the violation', async () => {
    const cli = await start([]);
    const ok = await call(cli, 'api_read', { platform: 'amigo', operation_id: 'list-webhook-destinations' });
    expect(ok.isError, ok.text).toBeFalsy();
    expect(ok.structured?.status).toBe(200);
    // The platform's answer is someone else's text: fenced in what the model reads.
    expect(ok.text).toMatch(/"data":"<untrusted-[0-9a-f]+>/);
    const bad = await call(cli, 'api_read', {
      platform: 'amigo',
      operation_id: 'list-agents',
      params: { limit: 'many' },
    });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('params.limit: must be integer');
    expect(bad.text).toContain('"operation_id":"list-agents"');
  });

  it('a DELETE needs confirm_destructive; an event stream is named, not called', async () => {
    const cli = await start([]);
    const del = await call(cli, 'api_write', {
      platform: 'amigo',
      operation_id: 'delete-webhook-destination',
      params: { destination_id: '6f1c2b8e-1d2a-4c3b-9e8f-0a1b2c3d4e5f' },
    });
    expect(del.isError).toBe(true);
    expect(del.text).toContain('confirm_destructive: true');
    const stream = await call(cli, 'api_read', { platform: 'amigo', operation_id: 'get-event-stream' });
    expect(stream.isError).toBe(true);
    expect(stream.text).toContain('answers with an event stream');
    expect(stream.text).toContain('use amigo_get_workspace_overview');
    // Each stream is answered with the tool or resource that serves it.
    const events = await call(cli, 'api_read', {
      platform: 'ama2',
      operation_id: 'stream_events',
      params: { thread_id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(events.text).toContain('use ama2_wait_for_events, or subscribe to ama2://threads/{thread_id}');
    const described = await call(cli, 'api_describe_operation', {
      platform: 'ama2',
      operation_id: 'stream_events',
    });
    expect(described.structured?.call_with).toBe(
      'none (event stream): use ama2_wait_for_events, or subscribe to ama2://threads/{thread_id}',
    );
  });

  it('a destructive write that is not a DELETE needs confirm_destructive too, and describe says so', async () => {
    const cli = await start([]);
    const described = await call(cli, 'api_describe_operation', {
      platform: 'amigo',
      operation_id: 'archive-workspace',
    });
    expect(described.structured?.call_with).toBe('api_write with confirm_destructive: true');
    const archive = await call(cli, 'api_write', { platform: 'amigo', operation_id: 'archive-workspace' });
    expect(archive.isError).toBe(true);
    expect(archive.text).toContain(
      'archive-workspace cannot be undone: call again with confirm_destructive: true',
    );
  });

  it("describe keeps the document's examples of parameters and bodies", async () => {
    const cli = await start([]);
    const kb = await call(cli, 'api_describe_operation', {
      platform: 'atthene',
      operation_id: 'create_knowledge_base',
    });
    expect(kb.structured?.body).toMatchObject({
      example: { name: 'Product docs', processing_engine: 'milvus' },
    });
    const del = await call(cli, 'api_describe_operation', {
      platform: 'atthene',
      operation_id: 'delete_sessions_from_agent',
    });
    expect(del.structured?.params).toMatchObject({ properties: { agent_key: { example: 'support_agent' } } });
  });

  it('--read-only hides api_write; --toolsets leaves out the platforms it does not name', async () => {
    const readOnly = (await listed(await start(['--read-only']))).map((t) => t.name);
    expect(readOnly).toContain('api_read');
    expect(readOnly).not.toContain('api_write');
    proc?.kill();
    // Only the named platforms are served: with --toolsets ama2, Amigo's catalog is not.
    const ama2Only = await start(['--toolsets', 'ama2']);
    expect((await listed(ama2Only)).map((t) => t.name)).toContain('api_read');
    const refused = await call(ama2Only, 'api_search_operations', { platform: 'amigo' });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('has no operation catalog here: use one of ama2');
  });
});
