import { type PromptDefinition, promptText as text } from '../../core/platform.js';
import type { AttheneClient } from './client.js';

/** The prompts of this platform: its conversation loop, with the tool names a model will need. */
export const prompts: readonly PromptDefinition[] = [
  {
    name: 'run_atthene_agent',
    title: 'Run an Atthene agent',
    description:
      'Validates (for inline configs), opens a session, runs the task through the agent and summarises the result.',
    arguments: [
      { name: 'task', description: 'What to ask the agent.', required: true },
      {
        name: 'agent_key',
        description: 'A saved agent to run (its agent_key).',
        async complete(value, ctx) {
          const agents = await (ctx.context().client as AttheneClient).listAgents();
          return agents.map((a) => a.agent_key ?? '').filter((key) => key !== '' && key.startsWith(value));
        },
      },
    ],
    get: ({ task, agent_key: agentKey }) => ({
      description: 'The Atthene agent loop',
      messages: [
        text(
          [
            `Task: ${task}`,
            agentKey
              ? `Open a session with atthene_create_session (agent_key: ${agentKey}).`
              : 'Pick an agent with atthene_list_agents, or write a config, check it with atthene_validate_agent and fix every reported field, then open a session with atthene_create_session.',
            'Send the task with atthene_execute_turn. If it returns status running, poll atthene_get_status, then read atthene_get_messages with latest=true.',
            'Ask follow-up turns if the answer is incomplete. Finally summarise what the agent answered, which agents of a workflow spoke, and any tool calls or errors.',
          ].join('\n'),
        ),
      ],
    }),
  },
];
