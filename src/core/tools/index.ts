import ama2CreateThread from '../../platforms/ama2/tools/create-thread.js';
import ama2ListThreads from '../../platforms/ama2/tools/list-threads.js';
import ama2PollEvents from '../../platforms/ama2/tools/poll-events.js';
import ama2RegisterWebhook from '../../platforms/ama2/tools/register-webhook.js';
import ama2RemoveWebhook from '../../platforms/ama2/tools/remove-webhook.js';
import ama2SendMessage from '../../platforms/ama2/tools/send-message.js';
import ama2SetParticipationMode from '../../platforms/ama2/tools/set-participation-mode.js';
import ama2WaitForEvents from '../../platforms/ama2/tools/wait-for-events.js';
import amigoCloseConversation from '../../platforms/amigo/tools/close-conversation.js';
import amigoGetAgent from '../../platforms/amigo/tools/get-agent.js';
import amigoGetAnalytics from '../../platforms/amigo/tools/get-analytics.js';
import amigoGetCall from '../../platforms/amigo/tools/get-call.js';
import amigoGetConversation from '../../platforms/amigo/tools/get-conversation.js';
import amigoGetEntity from '../../platforms/amigo/tools/get-entity.js';
import amigoGetEntityTimeline from '../../platforms/amigo/tools/get-entity-timeline.js';
import amigoGetService from '../../platforms/amigo/tools/get-service.js';
import amigoGetWorkspaceOverview from '../../platforms/amigo/tools/get-workspace-overview.js';
import amigoInvokeFunction from '../../platforms/amigo/tools/invoke-function.js';
import amigoListAgents from '../../platforms/amigo/tools/list-agents.js';
import amigoListCalls from '../../platforms/amigo/tools/list-calls.js';
import amigoListConversations from '../../platforms/amigo/tools/list-conversations.js';
import amigoListEntities from '../../platforms/amigo/tools/list-entities.js';
import amigoListEntityTypes from '../../platforms/amigo/tools/list-entity-types.js';
import amigoListFunctions from '../../platforms/amigo/tools/list-functions.js';
import amigoListServices from '../../platforms/amigo/tools/list-services.js';
import amigoResolveEntity from '../../platforms/amigo/tools/resolve-entity.js';
import amigoSearchWorld from '../../platforms/amigo/tools/search-world.js';
import amigoSendMessage from '../../platforms/amigo/tools/send-message.js';
import amigoWhoami from '../../platforms/amigo/tools/whoami.js';
import attheneCreateAgent from '../../platforms/atthene/tools/create-agent.js';
import attheneCreateSession from '../../platforms/atthene/tools/create-session.js';
import attheneDeleteAgent from '../../platforms/atthene/tools/delete-agent.js';
import attheneDeleteSession from '../../platforms/atthene/tools/delete-session.js';
import attheneExecuteTurn from '../../platforms/atthene/tools/execute-turn.js';
import attheneGetAgent from '../../platforms/atthene/tools/get-agent.js';
import attheneGetKnowledgeBase from '../../platforms/atthene/tools/get-knowledge-base.js';
import attheneGetMessages from '../../platforms/atthene/tools/get-messages.js';
import attheneGetSession from '../../platforms/atthene/tools/get-session.js';
import attheneGetStatus from '../../platforms/atthene/tools/get-status.js';
import attheneListAgents from '../../platforms/atthene/tools/list-agents.js';
import attheneListSessions from '../../platforms/atthene/tools/list-sessions.js';
import attheneUpdateAgent from '../../platforms/atthene/tools/update-agent.js';
import attheneValidateAgent from '../../platforms/atthene/tools/validate-agent.js';
import type { ToolDefinition } from '../registry.js';
import platformsStatus from './platforms-status.js';

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
