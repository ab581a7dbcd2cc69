import { z } from 'zod';
import { PlatformError } from '../../../core/errors.js';
import {
  AGENT_NOT_FOUND,
  agentIdParam,
  agentSummary,
  defineAttheneTool,
  summariseAgent,
} from '../support.js';

export default defineAttheneTool({
  name: 'atthene_update_agent',
  title: 'Update Atthene saved agent',
  description: 'Replaces the given top-level system_config fields of a saved agent; returns the new version.',
  platform: 'atthene',
  input: {
    agent_id: agentIdParam,
    system_config: z
      .record(z.string(), z.unknown())
      .describe('The top-level system_config fields to change, e.g. {"system_prompt": "..."}.'),
  },
  output: { agent: agentSummary.describe('The updated agent.') },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name'],
  notFoundHint: AGENT_NOT_FOUND,
  async run(input, ctx) {
    const client = ctx.client;
    // apis/atthene.md §2: an update must send the full system_config; a partial one would drop the rest.
    const saved = await client.getAgent(input.agent_id, ctx.signal);
    const current = saved.system_config;
    if (!current || typeof current !== 'object' || Array.isArray(current)) {
      throw new PlatformError({
        kind: 'server',
        platform: 'atthene',
        code: 'unexpected_response',
        message: `agent ${input.agent_id} came back without its system_config, so a merged update could drop fields; nothing was changed`,
      });
    }
    const merged = { ...current, ...input.system_config };
    return { agent: summariseAgent(await client.updateAgent(input.agent_id, merged, ctx.signal)) };
  },
});
