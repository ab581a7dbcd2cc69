import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { z } from 'zod';
import { type PromptRegistrar, promptText as text } from '../../core/platform.js';
import type { AttheneClient } from './client.js';

/** The prompts of this platform: its conversation loop, with the tool names a model will need. */
export const registerPrompts: PromptRegistrar = (server, context) => {
  const client = () => context().client as AttheneClient;
  server.registerPrompt(
    'run_atthene_agent',
    {
      title: 'Run an Atthene agent',
      description:
        'Validates (for inline configs), opens a session, runs the task through the agent and summarises the result.',
      argsSchema: {
        task: z.string().describe('What to ask the agent.'),
        agent_key: completable(
          z.string().optional().describe('A saved agent to run (its agent_key).'),
          async (value) => {
            const agents = await client().listAgents();
            return agents.map((a) => a.agent_key ?? '').filter((key) => key?.startsWith(value ?? ''));
          },
        ),
      },
    },
    ({ task, agent_key: agentKey }) => ({
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
  );
};
