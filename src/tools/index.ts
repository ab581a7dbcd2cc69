import ama2CreateThread from './ama2/create-thread.js';
import ama2ListThreads from './ama2/list-threads.js';
import ama2PollEvents from './ama2/poll-events.js';
import ama2RegisterWebhook from './ama2/register-webhook.js';
import ama2RemoveWebhook from './ama2/remove-webhook.js';
import ama2SendMessage from './ama2/send-message.js';
import ama2SetParticipationMode from './ama2/set-participation-mode.js';
import ama2WaitForEvents from './ama2/wait-for-events.js';
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
} satisfies Record<string, ToolDefinition>;

export const ALL_TOOLS: readonly ToolDefinition[] = Object.values(TOOLS) as ToolDefinition[];
