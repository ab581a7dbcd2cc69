import type { SandboxGuide } from '../../../core/platform.js';
import type { AmigoWorld } from './world.js';

// The Amigo part of sandbox://guide (issue #16): the seeded clinic's agents, services, entities
// and functions by id, and a text conversation that works as written.

type Json = Record<string, unknown>;

const line = (item: Json, extra = '') =>
  `- \`${String(item.id)}\` ${String(item.name ?? item.display_name)}${extra}`;

export function amigoGuide(world: AmigoWorld): SandboxGuide {
  const textService = world.services.find((s) => s.channel_type === 'text' && s.is_active === true)!;
  const ofType = (type: string) => world.entities.filter((e) => e.entity_type === type);
  const patients = ofType('patient');
  const appointments = ofType('appointment');
  return {
    fixtures: [
      `A fictional clinic, Maple Street Health: ${world.agents.length} agents, ${world.services.length} services (text and voice alternating), ${patients.length} patients, ${appointments.length} appointments, ${world.calls.length} calls. The named ones:`,
      'Agents (`amigo_get_agent`):',
      ...world.agents.slice(0, 3).map((a) => line(a)),
      'Services (`amigo_send_message` takes a text one as `service_id`):',
      ...world.services.slice(0, 2).map((s) => line(s, ` (${String(s.channel_type)})`)),
      'Entities (`amigo_get_entity`, `amigo_get_entity_timeline`):',
      ...patients.slice(0, 3).map((p) => line(p, ' (patient)')),
      ...appointments.slice(0, 1).map((a) => line(a, ' (appointment)')),
      `Functions (\`amigo_invoke_function\`): ${world.functions.map((f) => `\`${String(f.name)}\``).join(', ')}.`,
    ],
    calls: [
      {
        tool: 'amigo_send_message',
        arguments: { service_id: textService.id, message: 'Hi, I would like to book an appointment.' },
        note: 'starts a conversation: the greeting and a reply.',
      },
      {
        tool: 'amigo_send_message',
        arguments: { conversation_id: '<conversation_id>', message: 'Thursday at 10 is perfect.' },
        note: 'continues it.',
      },
      { tool: 'amigo_close_conversation', arguments: { conversation_id: '<conversation_id>' } },
    ],
  };
}
