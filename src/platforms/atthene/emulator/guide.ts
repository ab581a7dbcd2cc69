import type { SandboxGuide } from '../../../core/platform.js';
import type { AttheneWorld } from './state.js';

// The Atthene part of sandbox://guide (issue #16): the saved agents and knowledge bases this
// sandbox started with, and a session that works as written.

export function attheneGuide(world: AttheneWorld): SandboxGuide {
  const agents = [...world.agents.values()];
  const first = agents[0]!;
  return {
    fixtures: [
      'Saved agents (`atthene_create_session` takes `agent_key` or `agent_id`):',
      ...agents.map((a) => `- \`${a.agent_key}\` ${a.name} (${a.architecture}; agent_id \`${a.id}\`)`),
      'Knowledge bases (`atthene_get_knowledge_base`):',
      ...[...world.knowledgeBases.values()].map((kb) => `- \`${String(kb.id)}\` ${String(kb.name)}`),
      'Any valid inline config works too; `atthene_validate_agent` says what to fix in one.',
    ],
    calls: [
      {
        tool: 'atthene_create_session',
        arguments: { agent_key: first.agent_key },
        note: 'a session with it.',
      },
      {
        tool: 'atthene_execute_turn',
        arguments: { session_id: '<session_id>', content: 'What are your opening hours?' },
        note: 'the reply.',
      },
      {
        tool: 'atthene_execute_turn',
        arguments: { session_id: '<session_id>', content: 'And on Sundays?' },
        note: 'a second turn; the history is the resource `atthene://sessions/<session_id>`.',
      },
    ],
  };
}
