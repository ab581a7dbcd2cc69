import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CallContext, defineTool, runTool } from '../../src/core/registry.js';

// Progress error handling lives in the registry (issue #13): a progress notification that cannot
// be sent (the client went away) never fails the call, so no tool catches it itself.

const progressing = defineTool({
  name: 'ama2_report_progress',
  title: 'Report progress',
  description: 'Reports progress for a test.',
  platform: 'core',
  input: {},
  output: { done: z.boolean().describe('done') },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run(_input, ctx) {
    await ctx.progress(1, 2, 'half way');
    return { done: true };
  },
});

describe('ctx.progress', () => {
  it('never rejects: a failed notification is logged at debug and the call succeeds', async () => {
    const logged: string[] = [];
    const ctx: CallContext = {
      clients: {},
      platforms: [],
      log: {
        debug: (_obj: unknown, msg: string) => void logged.push(msg),
        info() {},
        warn() {},
        error() {},
      } as unknown as CallContext['log'],
      signal: new AbortController().signal,
      progress: () => Promise.reject(new Error('Not connected')),
      recent: undefined as unknown as CallContext['recent'],
      maxResultChars: 10_000,
    };
    const result = await runTool(progressing, {}, ctx);
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ done: true });
    expect(logged).toContain('progress notification not sent');
  });
});
