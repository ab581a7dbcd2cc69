import { z } from 'zod';
import { uuidParam } from '../../core/params.js';
import { toolDefiner } from '../../core/registry.js';
import type { RecentResources } from '../../core/resources/recent.js';
import type { AmigoClient } from './client.js';

// Shared by the Amigo tools and resources (apis/amigo.md).

/** A tool of this platform: `ctx.client` is the AmigoClient. */
export const defineAmigoTool = toolDefiner<AmigoClient>();

export const agentIdParam = uuidParam('agent_id', 'amigo_list_agents');
export const serviceIdParam = uuidParam('service_id', 'amigo_list_services');
export const contextGraphIdParam = uuidParam('context_graph_id', 'amigo_get_service');
export const conversationIdParam = uuidParam(
  'conversation_id',
  'amigo_send_message or amigo_list_conversations',
);
export const entityIdParam = uuidParam('entity_id', 'amigo_list_entities');
export const callIdParam = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'call_id must be the id (or call_sid) amigo_list_calls returns')
  .describe('Call id (or call_sid) from amigo_list_calls.');

/**
 * The paging state after an Amigo page (apis/amigo.md section 4): every style (continuation token,
 * offset with or without next_offset) is an offset in practice, and the registry keeps it in the cursor.
 */
export const nextState = (hasMore: boolean, next: number): number | undefined => (hasMore ? next : undefined);

export const NOT_FOUND = {
  agent: 'No agent has this id: amigo_list_agents lists valid agent ids.',
  service: 'No service has this id: amigo_list_services lists valid service ids.',
  conversation:
    'No conversation has this id: amigo_list_conversations lists them (or start one with amigo_send_message).',
  call: 'No call has this id: amigo_list_calls lists valid call ids.',
  entity: 'No entity has this id: amigo_list_entities (or amigo_resolve_entity) finds entity ids.',
  function: 'No function has this name: amigo_list_functions lists the registered ones.',
  contextGraph:
    "No context graph (or version) has this id: amigo_get_service shows a service's context_graph_id; api_read list-context_graphs lists them.",
  simulation: 'No simulation session has this id: amigo_test_service starts one and returns its id.',
};

export const conversationUri = (id: string) => `amigo://conversations/${id}`;
export const callUri = (id: string) => `amigo://calls/${id}/transcript`;
export const timelineUri = (id: string) => `amigo://entities/${id}/timeline`;
export const simulationUri = (id: string) => `amigo://simulations/${id}`;

export function remember(recent: RecentResources, uri: string, name: string): void {
  recent.touch({ uri, name, platform: 'amigo', mimeType: 'text/markdown' });
}

export const serviceSummary = z.object({
  id: z.string().describe('Service id, for amigo_send_message.'),
  name: z.string().describe('Service name.'),
  channel_type: z.string().optional().describe('text (usable with amigo_send_message), voice or scribe.'),
  environment: z.string().optional().describe('sandbox or production.'),
  is_active: z.boolean().optional().describe('Whether it takes conversations.'),
  agent_id: z.string().optional().describe('Agent behind it.'),
  agent_name: z.string().optional().describe('Agent name.'),
});

export const entitySummary = z.object({
  id: z.string().describe('Entity id, for amigo_get_entity.'),
  entity_type: z.string().describe('patient, appointment, call, ...'),
  display_name: z.string().optional().describe('Name shown for it.'),
  canonical_id: z.string().optional().describe('Id in the source system (e.g. MRN).'),
  status: z.string().optional().describe('Status.'),
  tags: z.array(z.string()).optional().describe('Tags.'),
  last_event_at: z.string().optional().describe('Last timeline event (ISO time).'),
});

export function summariseEntity(e: Record<string, unknown>): z.infer<typeof entitySummary> {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    id: String(e.id),
    entity_type: String(e.entity_type),
    display_name: str(e.display_name) ?? str(e.name),
    canonical_id: str(e.canonical_id),
    status: str(e.status),
    tags: Array.isArray(e.tags) ? (e.tags as string[]) : undefined,
    last_event_at: str(e.last_event_at),
  };
}
