import type { ToolDefinition } from '../../../core/registry.js';
import ama2CreateThread from './create-thread.js';
import ama2ListThreads from './list-threads.js';
import ama2PollEvents from './poll-events.js';
import ama2RegisterWebhook from './register-webhook.js';
import ama2RemoveWebhook from './remove-webhook.js';
import ama2SendMessage from './send-message.js';
import ama2SetParticipationMode from './set-participation-mode.js';
import ama2WaitForEvents from './wait-for-events.js';

/** The AMA2 tools, in the order tools/list shows them (after sorting by name). */
export const TOOLS: readonly ToolDefinition[] = [
  ama2CreateThread,
  ama2SendMessage,
  ama2PollEvents,
  ama2WaitForEvents,
  ama2SetParticipationMode,
  ama2RegisterWebhook,
  ama2RemoveWebhook,
  ama2ListThreads,
] as ToolDefinition[];
