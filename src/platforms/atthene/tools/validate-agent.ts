import { z } from 'zod';
import { configParam, defineAttheneTool } from '../support.js';

export default defineAttheneTool({
  name: 'atthene_validate_agent',
  title: 'Validate Atthene agent config',
  description: 'Checks an agent configuration without saving it; returns each problem with its field.',
  platform: 'atthene',
  input: { config: configParam },
  output: {
    valid: z.boolean().describe('True when the platform accepts the configuration.'),
    message: z.string().optional().describe('Platform message when valid.'),
    errors: z
      .array(
        z.object({
          field: z.string().describe('Where the problem is, e.g. agents[1].agent_type.'),
          message: z.string().describe('What is wrong and how to fix it.'),
        }),
      )
      .describe('Problems to fix; empty when valid.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['message', 'errors'],
  async run(input, ctx) {
    const result = await ctx.client.validateAgent(input.config, ctx.signal);
    return {
      valid: result.valid === true,
      message: result.message,
      errors: (result.errors ?? []).map((e) => ({ field: e.field ?? '', message: e.message })),
    };
  },
});
