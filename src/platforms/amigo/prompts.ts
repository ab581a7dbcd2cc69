import { type PromptDefinition, promptText as text } from '../../core/platform.js';
import type { AmigoClient } from './client.js';

/** The prompts of this platform: its conversation loop, with the tool names a model will need. */
export const prompts: readonly PromptDefinition[] = [
  {
    name: 'test_amigo_service',
    title: 'Test an Amigo service',
    description:
      'Starts a conversation on a text service, plays a user through a scenario and reports how the agent behaves.',
    arguments: [
      {
        name: 'scenario',
        description: 'What the simulated user wants, e.g. "book a check-up next week".',
        required: true,
      },
      {
        name: 'service_id',
        description: 'The text service to test (amigo_list_services).',
        async complete(value, ctx) {
          const client = ctx.context().client as AmigoClient;
          const page = await client.listServices({ limit: 20, is_active: true });
          return page.items
            .filter((s) => s.channel_type === 'text')
            .map((s) => s.id)
            .filter((id) => id.startsWith(value));
        },
      },
    ],
    get: ({ scenario, service_id: serviceId }) => ({
      description: 'The Amigo service test loop',
      messages: [
        text(
          [
            `Scenario: ${scenario}`,
            serviceId
              ? `Service: ${serviceId}. Look at its agent first: amigo_get_service, then amigo_get_agent for the identity and behaviours it should follow.`
              : 'Pick a text service with amigo_list_services, then read its agent with amigo_get_agent.',
            'Start with amigo_send_message (service_id, include_tool_calls true), then keep playing the user with conversation_id for 3 to 6 turns.',
            'Report: did the agent follow its behaviours, which tools it called, anything wrong or unsafe, and quote the turns that show it. Close the conversation with amigo_close_conversation at the end.',
            'Then replay the user turns you sent with amigo_test_service (user_turns) for a simulated, scored run, and add its scores to the report.',
          ].join('\n'),
        ),
      ],
    }),
  },
];
