import { z } from 'zod';
import { defineAmigoTool } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_whoami',
  title: 'Amigo API key identity',
  description:
    'Returns the API key in use, its workspace and expiry, and whether it matches AMIGO_WORKSPACE_ID.',
  platform: 'amigo',
  input: {},
  output: {
    key_id: z.string().describe('API key id.'),
    name: z.string().optional().describe('API key name.'),
    workspace_id: z.string().describe('Workspace the key belongs to.'),
    expires_at: z.string().describe('Expiry (ISO time).'),
    expires_in_seconds: z.number().describe('Seconds until expiry.'),
    workspace_matches: z.boolean().describe('Whether it is the configured workspace.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name'],
  async run(_input, ctx) {
    const client = ctx.client;
    const me = await client.getAuthInfo(ctx.signal);
    return {
      ...me,
      name: me.name ?? undefined,
      workspace_matches: me.workspace_id.toLowerCase() === client.workspaceId,
    };
  },
});
