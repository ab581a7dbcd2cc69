// npm run demo: starts the server on its sandbox over stdio and drives it with the MCP SDK's
// client through one conversation per platform, printing a short transcript.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const ADA = '7a1c0d2e-0000-4000-8000-00000000a001';
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [new URL('../dist/cli.js', import.meta.url).pathname, '--sandbox'],
  env: { ...process.env, LOG_LEVEL: 'warn' },
});
const client = new Client({ name: 'demo', version: '1.0.0' });
await client.connect(transport);

const say = (who, text) => console.log(`  ${who.padEnd(10)} ${text}`);
async function call(name, args = {}) {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${result.content[0]?.text}`);
  return result.structuredContent;
}

const { tools } = await client.listTools();
console.log(
  `Connected to ${client.getServerVersion()?.name} ${client.getServerVersion()?.version}: ${tools.length} tools.\n`,
);
const status = await call('platforms_status');
for (const p of status.platforms)
  say(
    p.platform,
    p.configured
      ? `reachable=${p.reachable} authenticated=${p.authenticated} (${p.latency_ms} ms)`
      : 'not configured',
  );

console.log('\nAMA2: the agent talks with a sandbox user in a thread');
const thread = await call('ama2_create_thread', { target_user_ids: [ADA] });
const question = 'Hi Ada! Could we move our call to Thursday?';
say('agent', question);
await call('ama2_send_message', { thread_id: thread.thread_id, content: question });
const replies = await call('ama2_wait_for_events', {
  thread_id: thread.thread_id,
  after_seq: 1,
  timeout_seconds: 10,
});
for (const event of replies.events) say(event.sender_id.split(':')[0], event.content);

console.log('\nAtthene: two turns with the saved "Research Team" workflow');
const session = await call('atthene_create_session', { agent_key: 'research_team' });
for (const content of ['What makes sourdough rise?', 'And how long should it prove?']) {
  say('user', content);
  const turn = await call('atthene_execute_turn', { session_id: session.session_id, content });
  for (const message of turn.messages) say('agent', message.content);
}

console.log('\nAmigo: a patient chats with the front desk agent');
const { services } = await call('amigo_list_services', { limit: 20 });
const service = services.find((s) => s.channel_type === 'text');
let conversationId;
for (const message of ['Hi, I would like to book an appointment.', 'Thursday at 10 is perfect.']) {
  say('patient', message);
  const turn = await call(
    'amigo_send_message',
    conversationId ? { conversation_id: conversationId, message } : { service_id: service.id, message },
  );
  if (turn.greeting) say('agent', turn.greeting);
  conversationId = turn.conversation_id;
  for (const reply of turn.replies) say('agent', reply.text);
}
await call('amigo_close_conversation', { conversation_id: conversationId });

console.log("\nAmigo: a new version of the service's agent, pinned in a version set, then a scored test");
const agentVersion = await call('amigo_create_agent_version', {
  agent_id: service.agent_id,
  changes: { background: 'Books, moves and cancels appointments; confirms every change in one sentence.' },
});
say('version', `${agentVersion.version} (from ${agentVersion.previous_version})`);
for (const change of agentVersion.changes) say('', change);
const pinned = await call('amigo_update_service', {
  service_id: service.id,
  version_set: { name: 'release', agent_version_number: agentVersion.version },
});
for (const change of pinned.changes) say('service', change);
const test = await call('amigo_test_service', {
  service_id: service.id,
  user_turns: ['Hi, I need a check-up.', 'Friday works for me.', "No, that's all. Goodbye."],
});
for (const line of test.transcript) say(line.role === 'user' ? 'patient' : 'agent', line.text);
say(
  'scores',
  `${Object.entries(test.scores)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')} (ended in ${test.final_state}; amigo://simulations/${test.session_id})`,
);

const history = await client.readResource({ uri: `atthene://sessions/${session.session_id}` });
console.log(
  `\nThe session history is also a resource: ${history.contents[0].uri} (${history.contents[0].text.split('\n').length} lines of markdown).`,
);
await client.close();
