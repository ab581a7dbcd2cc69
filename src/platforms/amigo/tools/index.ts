import type { ToolDefinition } from '../../../core/registry.js';
import amigoCloseConversation from './close-conversation.js';
import amigoCreateAgentVersion from './create-agent-version.js';
import amigoCreateContextGraphVersion from './create-context-graph-version.js';
import amigoGetAgent from './get-agent.js';
import amigoGetAnalytics from './get-analytics.js';
import amigoGetCall from './get-call.js';
import amigoGetContextGraph from './get-context-graph.js';
import amigoGetConversation from './get-conversation.js';
import amigoGetEntity from './get-entity.js';
import amigoGetEntityTimeline from './get-entity-timeline.js';
import amigoGetService from './get-service.js';
import amigoGetWorkspaceOverview from './get-workspace-overview.js';
import amigoInvokeFunction from './invoke-function.js';
import amigoListAgents from './list-agents.js';
import amigoListCalls from './list-calls.js';
import amigoListConversations from './list-conversations.js';
import amigoListEntities from './list-entities.js';
import amigoListEntityTypes from './list-entity-types.js';
import amigoListFunctions from './list-functions.js';
import amigoListServices from './list-services.js';
import amigoResolveEntity from './resolve-entity.js';
import amigoSearchWorld from './search-world.js';
import amigoSendMessage from './send-message.js';
import amigoTestService from './test-service.js';
import amigoUpdateService from './update-service.js';
import amigoWhoami from './whoami.js';

/** The Amigo tools, in the order tools/list shows them (after sorting by name). */
export const TOOLS: readonly ToolDefinition[] = [
  amigoWhoami,
  amigoListAgents,
  amigoGetAgent,
  amigoListServices,
  amigoGetService,
  amigoCreateAgentVersion,
  amigoGetContextGraph,
  amigoCreateContextGraphVersion,
  amigoUpdateService,
  amigoSendMessage,
  amigoTestService,
  amigoListConversations,
  amigoGetConversation,
  amigoCloseConversation,
  amigoListCalls,
  amigoGetCall,
  amigoListEntities,
  amigoSearchWorld,
  amigoResolveEntity,
  amigoGetEntity,
  amigoGetEntityTimeline,
  amigoListEntityTypes,
  amigoGetWorkspaceOverview,
  amigoGetAnalytics,
  amigoListFunctions,
  amigoInvokeFunction,
] as ToolDefinition[];
