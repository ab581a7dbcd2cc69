import { createHash, randomUUID } from 'node:crypto';

// The AMA2 sandbox's world: seeded fictional users, one agent, threads with events. Kept apart
// from the routes so the behaviour (fingerprints, dedupe, seq, replies) reads on its own.

export interface SandboxUser {
  id: string;
  display_name: string;
}

export const SANDBOX_USERS: readonly SandboxUser[] = [
  { id: '7a1c0d2e-0000-4000-8000-00000000a001', display_name: 'Ada Sandbox' },
  { id: '7a1c0d2e-0000-4000-8000-00000000a002', display_name: 'Grace Sandbox' },
  { id: '7a1c0d2e-0000-4000-8000-00000000a003', display_name: 'Linus Sandbox' },
];
export const SANDBOX_AGENT = { id: '7a1c0d2e-0000-4000-8000-00000000b001', display_name: 'Sandbox Agent' };

/**
 * Threads the sandbox starts with, so listing shows something (issue #16). Their participant sets
 * are ones no quick start uses: creating a thread with one user still opens a new thread.
 */
export const SEEDED_THREADS = [
  {
    thread_id: '7a1c0d2e-0000-4000-8000-00000000c001',
    users: [SANDBOX_USERS[0]!, SANDBOX_USERS[2]!],
    messages: [
      ['agent', 'Hi Ada and Linus, shall we book the team lunch for Friday?'],
      [SANDBOX_USERS[0]!, 'Ada here. Friday works for me.'],
      [SANDBOX_USERS[2]!, 'Linus here. Friday is fine, noon please.'],
    ],
  },
  {
    thread_id: '7a1c0d2e-0000-4000-8000-00000000c002',
    users: [SANDBOX_USERS[0]!, SANDBOX_USERS[1]!, SANDBOX_USERS[2]!],
    messages: [
      ['agent', 'Welcome to the project thread. I will post the weekly summary here.'],
      [SANDBOX_USERS[1]!, 'Grace here. Thanks, looking forward to it.'],
    ],
  },
] as const;

export type Mode = 'open' | 'invocation_only';

export interface ThreadEvent {
  event_id: string;
  thread_id: string;
  thread_seq: number;
  event_type: string;
  sender_id: string;
  content: string;
  created_at: string;
  metadata: Record<string, unknown> | null;
}

export interface Participant {
  sender_id: string;
  participant_kind: 'user' | 'agent';
  display_name: string;
  is_active: boolean;
}

export interface Thread {
  thread_id: string;
  fingerprint: string;
  participants: Participant[];
  mode: Mode;
  created_at: string;
  events: ThreadEvent[];
  byClientMessageId: Map<string, string>;
  webhooks: Map<
    string,
    { subscription_id: string; callback_url: string; active: boolean; created_at: string }
  >;
  listeners: Set<(event: ThreadEvent) => void>;
}

export class Ama2World {
  readonly threads = new Map<string, Thread>();
  readonly #byFingerprint = new Map<string, Thread>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** End every event stream after this many frames (tests of reconnect and resume); 0 = never. */
  streamFrameLimit = 0;

  constructor(private readonly replyDelayMs: number) {
    for (const seeded of SEEDED_THREADS) {
      const { thread } = this.createThread(
        seeded.users.map((u) => u.id),
        seeded.thread_id,
      );
      for (const [from, content] of seeded.messages) {
        this.commit(thread, from === 'agent' ? `agent:${SANDBOX_AGENT.id}` : `user:${from.id}`, content);
      }
    }
  }

  user(id: string): SandboxUser | undefined {
    return SANDBOX_USERS.find((u) => u.id === id);
  }

  /** Creates a private thread, or returns the existing one with the same participant set. */
  createThread(userIds: string[], threadId: string = randomUUID()): { thread: Thread; created: boolean } {
    const senders = [`agent:${SANDBOX_AGENT.id}`, ...userIds.map((id) => `user:${id}`)];
    const fingerprint = createHash('sha256')
      .update([...new Set(senders)].sort().join('|'))
      .digest('hex');
    const existing = this.#byFingerprint.get(fingerprint);
    if (existing) return { thread: existing, created: false };
    const thread: Thread = {
      thread_id: threadId,
      fingerprint,
      participants: [
        {
          sender_id: `agent:${SANDBOX_AGENT.id}`,
          participant_kind: 'agent',
          display_name: SANDBOX_AGENT.display_name,
          is_active: true,
        },
        ...[...new Set(userIds)].map((id) => ({
          sender_id: `user:${id}`,
          participant_kind: 'user' as const,
          display_name: this.user(id)?.display_name ?? 'Unknown',
          is_active: true,
        })),
      ],
      mode: 'open',
      created_at: new Date().toISOString(),
      events: [],
      byClientMessageId: new Map(),
      webhooks: new Map(),
      listeners: new Set(),
    };
    this.threads.set(thread.thread_id, thread);
    this.#byFingerprint.set(fingerprint, thread);
    return { thread, created: true };
  }

  commit(
    thread: Thread,
    senderId: string,
    content: string,
    metadata: Record<string, unknown> | null = null,
  ): ThreadEvent {
    const event: ThreadEvent = {
      event_id: randomUUID(),
      thread_id: thread.thread_id,
      thread_seq: thread.events.length + 1,
      event_type: 'message_committed',
      sender_id: senderId,
      content,
      created_at: new Date().toISOString(),
      metadata,
    };
    thread.events.push(event);
    for (const listener of thread.listeners) listener(event);
    return event;
  }

  /** Posts an agent message once per client_message_id; schedules the users' deterministic replies. */
  sendAgentMessage(
    thread: Thread,
    content: string,
    clientMessageId: string,
    mentions: string[],
  ): { message_id: string; duplicate: boolean } {
    const known = thread.byClientMessageId.get(clientMessageId);
    if (known) return { message_id: known, duplicate: true };
    const event = this.commit(
      thread,
      `agent:${SANDBOX_AGENT.id}`,
      content,
      mentions.length ? { mentions } : null,
    );
    thread.byClientMessageId.set(clientMessageId, event.event_id);
    const users = thread.participants.filter((p) => p.participant_kind === 'user');
    // In invocation_only threads only mentioned users answer; in open threads the first user does.
    const responders =
      thread.mode === 'invocation_only'
        ? users.filter((u) => mentions.includes(u.sender_id))
        : users.slice(0, 1);
    for (const responder of responders) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.commit(thread, responder.sender_id, replyTo(responder.display_name, content, event.thread_seq));
      }, this.replyDelayMs);
      this.#timers.add(timer);
    }
    return { message_id: event.event_id, duplicate: false };
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** A sandbox user's reply: deterministic, so tests and demos can rely on it. */
export function replyTo(name: string, content: string, seq: number): string {
  const quoted = content.length > 60 ? `${content.slice(0, 57)}...` : content;
  return `${name.split(' ')[0]} here. I read your message #${seq}: "${quoted}". Sounds good to me.`;
}
