import { z } from 'zod';
import { ToolInputError } from '../../../core/input-error.js';
import { parseYaml } from '../../../core/yaml.js';
import {
  AGENT_NOT_FOUND,
  agentIdParam,
  configParam,
  defineAttheneTool,
  rememberSession,
  sessionUri,
} from '../support.js';

export default defineAttheneTool({
  name: 'atthene_create_session',
  title: 'Create Atthene session',
  description:
    'Starts a session from exactly one of config, yaml, agent_id, agent_key. Next: atthene_execute_turn.',
  platform: 'atthene',
  input: {
    config: configParam.optional().describe('Configuration object (see atthene_validate_agent).'),
    yaml: z.string().min(1).max(200_000).optional().describe('The configuration as YAML.'),
    agent_id: agentIdParam.optional().describe('Saved agent id (atthene_list_agents).'),
    agent_key: z
      .string()
      .regex(
        /^[a-z0-9_]{1,200}$/,
        'agent_key must be lowercase letters, digits and _ (atthene_list_agents shows it)',
      )
      .optional()
      .describe('Saved agent_key (deployed version).'),
  },
  output: {
    session_id: z.string().describe('Session id for atthene_execute_turn.'),
    source: z.enum(['config', 'yaml', 'agent_id', 'agent_key']).describe('Which input created it.'),
    config_hash: z.string().optional().describe('Hash of the configuration the session runs.'),
    agent_id: z.string().optional().describe('Saved agent used, if any.'),
    agent_key: z.string().optional().describe('agent_key used, if any.'),
    resource_uri: z.string().describe('The session history as an MCP resource.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  notFoundHint: AGENT_NOT_FOUND,
  links: (out) => [
    { uri: out.resource_uri, name: `Atthene session ${out.session_id}`, mimeType: 'text/markdown' },
  ],
  async run(input, ctx) {
    const given = (['config', 'yaml', 'agent_id', 'agent_key'] as const).filter(
      (key) => input[key] !== undefined,
    );
    if (given.length !== 1) {
      throw new ToolInputError(
        given.length === 0
          ? 'give exactly one of config, yaml, agent_id or agent_key.'
          : `give exactly one of config, yaml, agent_id or agent_key, not ${given.join(' and ')}.`,
      );
    }
    const source = given[0]!;
    if (input.yaml !== undefined) {
      try {
        const parsed: unknown = await parseYaml(input.yaml);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
          throw new Error('it must describe a mapping (name: ..., agents: ...)');
      } catch (error) {
        throw new ToolInputError(`yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    const client = ctx.client;
    const session =
      source === 'agent_id'
        ? await client.createSessionFromAgent(input.agent_id!, ctx.signal)
        : source === 'agent_key'
          ? await client.createSessionFromAgentKey(input.agent_key!, ctx.signal)
          : await client.createSession(source === 'yaml' ? input.yaml! : input.config!, ctx.signal);
    rememberSession(ctx.recent, session.session_id);
    return {
      session_id: session.session_id,
      source,
      config_hash: session.config_hash,
      agent_id: session.agent_id,
      agent_key: session.agent_key,
      resource_uri: sessionUri(session.session_id),
    };
  },
});
