import { z } from 'zod';
import { pathIdParam } from '../../core/params.js';
import { toolDefiner } from '../../core/registry.js';
import type { RecentResources } from '../../core/resources/recent.js';
import type { AttheneAgent, AttheneClient, AttheneSession } from './client.js';

// Shared by the Atthene tools and the session resource (apis/atthene.md).

/** A tool of this platform: `ctx.client` is the AttheneClient. */
export const defineAttheneTool = toolDefiner<AttheneClient>();

export const agentIdParam = pathIdParam('agent_id', 'atthene_list_agents');
export const sessionIdParam = pathIdParam('session_id', 'atthene_list_sessions');

export const configParam = z
  .record(z.string(), z.unknown())
  .describe(
    '{name, agent_type: llm_agent|react_agent|supervisor, system_prompt, llm_config, tools}, or {name, architecture, entry_point, agents[], edges[]} with edges {from,to} or {from, condition, condition_type: boolean|literal, routing {yes,no} | possible_outputs}.',
  );

export const agentSummary = z.object({
  id: z.string().describe('Agent id, for atthene_get_agent and atthene_create_session.'),
  agent_key: z
    .string()
    .optional()
    .describe('Stable handle derived from the name; atthene_create_session takes it.'),
  name: z.string().describe('Agent name.'),
  architecture: z.string().optional().describe('llm_agent, react_agent, workflow or supervisor.'),
  version_number: z.string().optional().describe('Configuration version.'),
  updated_at: z.string().optional().describe('Last change (ISO time).'),
});

export function summariseAgent(agent: AttheneAgent): z.infer<typeof agentSummary> {
  return {
    id: agent.id,
    agent_key: agent.agent_key,
    name: agent.name,
    architecture: agent.architecture,
    version_number: agent.version_number,
    updated_at: agent.updated_at,
  };
}

export const sessionSummary = z.object({
  session_id: z.string().describe('Session id, for atthene_execute_turn and atthene_get_messages.'),
  status: z.string().optional().describe('active, processing, idle or error.'),
  created_at: z.string().optional().describe('ISO time.'),
  agent_name: z.string().optional().describe('Name in the session configuration.'),
  agent_id: z.string().optional().describe('Saved agent it was created from, if any.'),
  agent_key: z.string().optional().describe('agent_key it was created from, if any.'),
});

export function summariseSession(session: AttheneSession): z.infer<typeof sessionSummary> {
  const name = session.agent_config?.name;
  return {
    session_id: session.session_id,
    status: session.status,
    created_at: session.created_at,
    agent_name: typeof name === 'string' ? name : undefined,
    agent_id: session.agent_id,
    agent_key: session.agent_key,
  };
}

export const sessionUri = (sessionId: string) => `atthene://sessions/${sessionId}`;

export function rememberSession(recent: RecentResources, sessionId: string, title?: string): void {
  recent.touch({
    uri: sessionUri(sessionId),
    name: `Atthene session ${sessionId}`,
    platform: 'atthene',
    mimeType: 'text/markdown',
    ...(title ? { title } : {}),
  });
}

export const SESSION_NOT_FOUND =
  'The session does not exist (deleted or never created): atthene_list_sessions lists valid session ids.';
export const AGENT_NOT_FOUND = 'No saved agent has this id: atthene_list_agents lists valid agent ids.';
