import { createHash, randomUUID } from 'node:crypto';
import { edgeTargets } from './schema.js';

// The Atthene sandbox's world: saved agents, sessions with their configs and histories, knowledge
// bases; and the deterministic "agent" that answers a turn by walking the config's edges.

export type ExecuteShape = 'A' | 'B' | 'C';
/**
 * How history is served (see the emulator's historyBody): the documented wrapper; a bare array of
 * the whole history (limit and offset ignored) or of the asked slice only; Django REST's
 * limit/offset pages; or Django REST's page-number pages (limit and offset ignored).
 */
export type HistoryShape = 'messages' | 'array' | 'array-paged' | 'paginated' | 'page-number';

type Config = Record<string, unknown>;

export interface SavedAgent {
  id: string;
  agent_key: string;
  name: string;
  architecture: string;
  entry_point: string | null;
  is_public: boolean;
  is_shared: boolean;
  origin_url: string | null;
  owner: string;
  company: string;
  system_config: Config;
  version_number: string;
  config_hash: string;
  created_at: string;
  updated_at: string;
}

export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  timestamp: string;
}

export interface Session {
  session_id: string;
  config: Config;
  config_hash: string;
  created_at: string;
  last_activity: string;
  processing: boolean;
  messages: StoredMessage[];
  agent_id?: string;
  agent_key?: string;
}

export function agentKeyOf(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function hashConfig(config: Config): string {
  return `object:${createHash('sha256').update(JSON.stringify(config)).digest('hex')}:u:sandbox`;
}

/**
 * The agents a turn passes through: a single agent, or the workflow's edges from the start. The
 * sandbox has no model to judge a conditional edge's condition, so it always takes the first
 * route (a boolean edge's `yes`): repeatable, and it exercises the routing targets.
 */
export function walk(config: Config): string[] {
  const agents = Array.isArray(config.agents) ? (config.agents as Config[]) : [];
  if (agents.length === 0) return [typeof config.name === 'string' ? config.name : 'agent'];
  const edges = (Array.isArray(config.edges) ? (config.edges as Config[]) : []).map((e) => ({
    from: String(e.from),
    to: edgeTargets(e)[0] ?? '__end__',
  }));
  const start = (n: string) => n === '__start__' || n === 'START';
  const end = (n: string) => n === '__end__' || n === 'END';
  let node =
    typeof config.entry_point === 'string' && !start(config.entry_point)
      ? config.entry_point
      : (edges.find((e) => start(e.from))?.to ?? String(agents[0]?.name));
  const path: string[] = [];
  while (node && !end(node) && !path.includes(node) && path.length < 10) {
    path.push(node);
    const current = node;
    node = edges.find((e) => e.from === current)?.to ?? '__end__';
  }
  return path;
}

/** A sandbox agent's reply: derived from the config and the message only, so it is repeatable. */
export function replyFor(agent: string, content: string, turn: number): string {
  const quoted = content.length > 80 ? `${content.slice(0, 77)}...` : content;
  return `[${agent}] Turn ${turn}: I received "${quoted}" (${content.split(/\s+/).filter(Boolean).length} words).`;
}

export class AttheneWorld {
  readonly agents = new Map<string, SavedAgent>();
  readonly sessions = new Map<string, Session>();
  readonly knowledgeBases = new Map<string, Config>();
  /** Which documented execute response shape the sandbox answers with. */
  executeShape: ExecuteShape = 'A';
  historyShape: HistoryShape = 'messages';
  /** Which names ids go by in answers: the API reference's, or the alternatives other pages show. */
  idNames: 'reference' | 'alternative' = 'reference';
  /** Largest page of the 'paginated' history shape (Django REST's max_limit), and the fixed page size of 'page-number'. */
  historyMaxPage = 100;
  /** How long an execute keeps the session `processing`. */
  executeDelayMs: number;
  /** Older deployments have `status/` instead of `check_status/`. */
  knowledgeBaseStatusRoute: 'check_status' | 'status' = 'check_status';

  constructor(executeDelayMs: number) {
    this.executeDelayMs = executeDelayMs;
    this.saveAgent({
      name: 'Support Agent',
      agent_type: 'llm_agent',
      system_prompt: 'You are a friendly support agent for a fictional bakery.',
      llm_config: { model: 'gpt-4o', temperature: 0.2, max_tokens: 800 },
      tools: [],
    });
    this.saveAgent({
      name: 'Research Team',
      description: 'A researcher hands notes to a writer.',
      architecture: 'workflow',
      entry_point: 'researcher',
      agents: [
        { name: 'researcher', agent_type: 'react_agent', prompt_config: { system_prompt: 'Find facts.' } },
        { name: 'writer', agent_type: 'llm_agent', prompt_config: { system_prompt: 'Write the answer.' } },
      ],
      edges: [
        { from: 'researcher', to: 'writer' },
        { from: 'writer', to: '__end__' },
      ],
    });
    const kbId = '0c1d2e3f-0000-4000-8000-00000000c001';
    this.knowledgeBases.set(kbId, {
      id: kbId,
      name: 'Bakery handbook',
      description: 'Recipes and opening hours (fictional).',
      processing_engine: 'milvus',
      status: 'completed',
      progress: 100,
      ingested_datasources: ['handbook.pdf', 'hours.md'],
      failed_datasources: [],
      success_rate: 100,
    });
  }

  saveAgent(config: Config): SavedAgent {
    const now = new Date().toISOString();
    const name = String(config.name);
    const agent: SavedAgent = {
      id: randomUUID(),
      agent_key: agentKeyOf(name),
      name,
      architecture:
        typeof config.architecture === 'string'
          ? config.architecture
          : String(config.agent_type ?? 'llm_agent'),
      entry_point: typeof config.entry_point === 'string' ? config.entry_point : null,
      is_public: false,
      is_shared: false,
      origin_url: null,
      owner: 'sandbox-user',
      company: 'Sandbox Company',
      system_config: config,
      version_number: '1.0.0',
      config_hash: hashConfig(config),
      created_at: now,
      updated_at: now,
    };
    this.agents.set(agent.id, agent);
    return agent;
  }

  /** PATCH replaces the whole system_config with the one sent (apis/atthene.md §2, update). */
  updateAgent(agent: SavedAgent, config: Config): SavedAgent {
    agent.system_config = config;
    agent.name = String(config.name);
    agent.agent_key = agentKeyOf(agent.name);
    agent.architecture =
      typeof config.architecture === 'string'
        ? config.architecture
        : String(config.agent_type ?? 'llm_agent');
    agent.entry_point = typeof config.entry_point === 'string' ? config.entry_point : null;
    const [major, minor] = agent.version_number.split('.').map(Number);
    agent.version_number = `${major ?? 1}.${(minor ?? 0) + 1}.0`;
    agent.config_hash = hashConfig(agent.system_config);
    agent.updated_at = new Date().toISOString();
    return agent;
  }

  openSession(config: Config, from?: SavedAgent): Session {
    const now = new Date().toISOString();
    const session: Session = {
      session_id: randomUUID(),
      config,
      config_hash: hashConfig(config),
      created_at: now,
      last_activity: now,
      processing: false,
      messages: [],
      ...(from ? { agent_id: from.id, agent_key: from.agent_key } : {}),
    };
    this.sessions.set(session.session_id, session);
    return session;
  }

  /** Runs one turn; returns the new assistant messages. The caller holds `processing`. */
  runTurn(session: Session, content: string): StoredMessage[] {
    const now = () => new Date().toISOString();
    session.messages.push({ id: randomUUID(), role: 'user', content, timestamp: now() });
    const turn = session.messages.filter((m) => m.role === 'user').length;
    const replies = walk(session.config).map((agent) => ({
      id: randomUUID(),
      role: 'assistant' as const,
      content: replyFor(agent, content, turn),
      timestamp: now(),
    }));
    session.messages.push(...replies);
    session.last_activity = now();
    return replies;
  }
}
