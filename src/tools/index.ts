import ama2CreateThread from './ama2/create-thread.js';
import ama2ListThreads from './ama2/list-threads.js';
import ama2PollEvents from './ama2/poll-events.js';
import ama2RegisterWebhook from './ama2/register-webhook.js';
import ama2RemoveWebhook from './ama2/remove-webhook.js';
import ama2SendMessage from './ama2/send-message.js';
import ama2SetParticipationMode from './ama2/set-participation-mode.js';
import ama2WaitForEvents from './ama2/wait-for-events.js';
import amigoCloseConversation from './amigo/close-conversation.js';
import amigoGetAgent from './amigo/get-agent.js';
import amigoGetAnalytics from './amigo/get-analytics.js';
import amigoGetCall from './amigo/get-call.js';
import amigoGetConversation from './amigo/get-conversation.js';
import amigoGetEntity from './amigo/get-entity.js';
import amigoGetEntityTimeline from './amigo/get-entity-timeline.js';
import amigoGetService from './amigo/get-service.js';
import amigoGetWorkspaceOverview from './amigo/get-workspace-overview.js';
import amigoInvokeFunction from './amigo/invoke-function.js';
import amigoListAgents from './amigo/list-agents.js';
import amigoListCalls from './amigo/list-calls.js';
import amigoListConversations from './amigo/list-conversations.js';
import amigoListEntities from './amigo/list-entities.js';
import amigoListEntityTypes from './amigo/list-entity-types.js';
import amigoListFunctions from './amigo/list-functions.js';
import amigoListServices from './amigo/list-services.js';
import amigoResolveEntity from './amigo/resolve-entity.js';
import amigoSearchWorld from './amigo/search-world.js';
import amigoSendMessage from './amigo/send-message.js';
import amigoWhoami from './amigo/whoami.js';
import attheneCreateAgent from './atthene/create-agent.js';
import attheneCreateSession from './atthene/create-session.js';
import attheneDeleteAgent from './atthene/delete-agent.js';
import attheneDeleteSession from './atthene/delete-session.js';
import attheneExecuteTurn from './atthene/execute-turn.js';
import attheneGetAgent from './atthene/get-agent.js';
import attheneGetKnowledgeBase from './atthene/get-knowledge-base.js';
import attheneGetMessages from './atthene/get-messages.js';
import attheneGetSession from './atthene/get-session.js';
import attheneGetStatus from './atthene/get-status.js';
import attheneListAgents from './atthene/list-agents.js';
import attheneListSessions from './atthene/list-sessions.js';
import attheneUpdateAgent from './atthene/update-agent.js';
import attheneValidateAgent from './atthene/validate-agent.js';
import platformsStatus from './core/platforms-status.js';
import type { ToolDefinition } from './registry.js';

/** Every tool, the one list the server, docs and snapshots are made from. */
export const TOOLS = {
  platforms_status: platformsStatus,
  ama2_create_thread: ama2CreateThread,
  ama2_send_message: ama2SendMessage,
  ama2_poll_events: ama2PollEvents,
  ama2_wait_for_events: ama2WaitForEvents,
  ama2_set_participation_mode: ama2SetParticipationMode,
  ama2_register_webhook: ama2RegisterWebhook,
  ama2_remove_webhook: ama2RemoveWebhook,
  ama2_list_threads: ama2ListThreads,
  atthene_validate_agent: attheneValidateAgent,
  atthene_list_agents: attheneListAgents,
  atthene_get_agent: attheneGetAgent,
  atthene_create_agent: attheneCreateAgent,
  atthene_update_agent: attheneUpdateAgent,
  atthene_delete_agent: attheneDeleteAgent,
  atthene_create_session: attheneCreateSession,
  atthene_list_sessions: attheneListSessions,
  atthene_get_session: attheneGetSession,
  atthene_delete_session: attheneDeleteSession,
  atthene_execute_turn: attheneExecuteTurn,
  atthene_get_messages: attheneGetMessages,
  atthene_get_status: attheneGetStatus,
  atthene_get_knowledge_base: attheneGetKnowledgeBase,
  amigo_whoami: amigoWhoami,
  amigo_list_agents: amigoListAgents,
  amigo_get_agent: amigoGetAgent,
  amigo_list_services: amigoListServices,
  amigo_get_service: amigoGetService,
  amigo_send_message: amigoSendMessage,
  amigo_list_conversations: amigoListConversations,
  amigo_get_conversation: amigoGetConversation,
  amigo_close_conversation: amigoCloseConversation,
  amigo_list_calls: amigoListCalls,
  amigo_get_call: amigoGetCall,
  amigo_list_entities: amigoListEntities,
  amigo_search_world: amigoSearchWorld,
  amigo_resolve_entity: amigoResolveEntity,
  amigo_get_entity: amigoGetEntity,
  amigo_get_entity_timeline: amigoGetEntityTimeline,
  amigo_list_entity_types: amigoListEntityTypes,
  amigo_get_workspace_overview: amigoGetWorkspaceOverview,
  amigo_get_analytics: amigoGetAnalytics,
  amigo_list_functions: amigoListFunctions,
  amigo_invoke_function: amigoInvokeFunction,
} satisfies Record<string, ToolDefinition>;

export const ALL_TOOLS: readonly ToolDefinition[] = Object.values(TOOLS) as ToolDefinition[];
