import type { ToolDefinition } from '../../../core/registry.js';
import attheneCreateAgent from './create-agent.js';
import attheneCreateSession from './create-session.js';
import attheneDeleteAgent from './delete-agent.js';
import attheneDeleteSession from './delete-session.js';
import attheneExecuteTurn from './execute-turn.js';
import attheneGetAgent from './get-agent.js';
import attheneGetKnowledgeBase from './get-knowledge-base.js';
import attheneGetMessages from './get-messages.js';
import attheneGetSession from './get-session.js';
import attheneGetStatus from './get-status.js';
import attheneListAgents from './list-agents.js';
import attheneListSessions from './list-sessions.js';
import attheneUpdateAgent from './update-agent.js';
import attheneValidateAgent from './validate-agent.js';

/** The Atthene tools, in the order tools/list shows them (after sorting by name). */
export const TOOLS: readonly ToolDefinition[] = [
  attheneValidateAgent,
  attheneListAgents,
  attheneGetAgent,
  attheneCreateAgent,
  attheneUpdateAgent,
  attheneDeleteAgent,
  attheneCreateSession,
  attheneListSessions,
  attheneGetSession,
  attheneDeleteSession,
  attheneExecuteTurn,
  attheneGetMessages,
  attheneGetStatus,
  attheneGetKnowledgeBase,
] as ToolDefinition[];
