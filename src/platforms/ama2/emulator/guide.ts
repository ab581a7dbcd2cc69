import type { SandboxGuide } from '../../../core/platform.js';
import { SANDBOX_USERS, SEEDED_THREADS } from './state.js';

// The AMA2 part of sandbox://guide (issue #16): the users a thread can be opened with, the
// threads listing shows, and a first conversation that works as written on a fresh sandbox.

const names = (users: ReadonlyArray<{ display_name: string }>) => users.map((u) => u.display_name).join(', ');

export function ama2Guide(): SandboxGuide {
  const ada = SANDBOX_USERS[0]!;
  return {
    fixtures: [
      'Users the agent can open a thread with (`target_user_ids` of `ama2_create_thread`; any other id is 404):',
      ...SANDBOX_USERS.map((u) => `- \`${u.id}\` ${u.display_name}`),
      `The user token is ${ada.display_name}'s, so \`ama2_list_threads\` shows her threads. Seeded threads:`,
      ...SEEDED_THREADS.map(
        (t) => `- \`${t.thread_id}\` with ${names(t.users)} (${t.messages.length} messages)`,
      ),
      'In an `open` thread the first user answers each agent message within a second; in `invocation_only` only the @mentioned users do.',
    ],
    calls: [
      { tool: 'ama2_list_threads', arguments: {}, note: 'the seeded threads.' },
      {
        tool: 'ama2_create_thread',
        arguments: {
          target_user_ids: [ada.id],
          initial_message: 'Hi Ada! Could we move our call to Thursday?',
        },
        note: 'a thread with Ada; your message is thread_seq 1.',
      },
      {
        tool: 'ama2_wait_for_events',
        arguments: { thread_id: '<thread_id>', after_seq: 1, timeout_seconds: 10 },
        note: "Ada's reply.",
      },
      {
        tool: 'ama2_send_message',
        arguments: { thread_id: '<thread_id>', content: 'Great, 10 am then. See you!' },
        note: 'your second message, thread_seq 3.',
      },
      {
        tool: 'ama2_wait_for_events',
        arguments: { thread_id: '<thread_id>', after_seq: 3, timeout_seconds: 10 },
        note: 'her answer; the thread is also the resource `ama2://threads/<thread_id>`.',
      },
    ],
  };
}
