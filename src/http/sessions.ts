import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { HttpOptions } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { credentialFingerprint, type Principal } from './auth.js';
import { Tally } from './limits.js';
import { SessionCalls } from './streams.js';
import { BoundedEventStore, EventBudget } from './support.js';

/** One MCP server for a session (or, stateless, for one request), built from the request's headers. */
export interface SessionHandle {
  server: McpServer;
  close(): Promise<void>;
}

export interface Session {
  transport: StreamableHTTPServerTransport;
  handle: SessionHandle;
  lastSeen: number;
  /** Requests not yet answered nor aborted. */
  calls: SessionCalls;
  /** Open GET streams (the standalone stream, or a resumed one): the client is listening. */
  listening: number;
  events: BoundedEventStore;
  /** Bound at initialize (issue #12 E1): who opened it, and with which credential headers. */
  principal: string;
  credentials: string;
  /** What the per-principal session cap counts against (Principal.rateKey). */
  owner: string;
}

const short = (id: string) => id.slice(0, 8);

/**
 * The stateful sessions: each bound to its principal and credential headers, counted per
 * principal, closed when idle. A session is idle when no call is in flight and no GET stream is
 * open, for MCP_SESSION_IDLE_SECONDS; shutdown waits for calls only, never for listeners.
 */
export class SessionTable {
  readonly #sessions = new Map<string, Session>();
  readonly #owners = new Tally();
  readonly eventBudget: EventBudget;

  constructor(
    private readonly options: HttpOptions,
    private readonly credentialHeaders: readonly string[],
    private readonly log: Logger,
  ) {
    this.eventBudget = new EventBudget(options.eventStore.totalBytes);
  }

  get size(): number {
    return this.#sessions.size;
  }

  ownedBy(principal: Principal): number {
    return this.#owners.get(principal.rateKey);
  }

  callsInFlight(): number {
    let calls = 0;
    for (const session of this.#sessions.values()) calls += session.calls.size;
    return calls;
  }

  /** The session `id` names, if this principal with these credential headers opened it. */
  find(id: string, principal: Principal, req: IncomingMessage): Session | undefined {
    const found = this.#sessions.get(id);
    if (!found) return undefined;
    const bound =
      found.principal === principal.id &&
      found.credentials === credentialFingerprint(req, this.credentialHeaders);
    // Another principal, or other credential headers, get the same answer as an unknown id (E1).
    if (!bound) this.log.warn({ session: short(id) }, 'session id presented by another client; 404');
    return bound ? found : undefined;
  }

  /** A session for `handle`, entered in the table once the transport accepted its initialize. */
  async open(req: IncomingMessage, handle: SessionHandle, principal: Principal): Promise<Session> {
    const events = new BoundedEventStore({
      maxBytes: this.options.eventStore.sessionBytes,
      maxAgeMs: this.options.eventStore.maxAgeMs,
      budget: this.eventBudget,
    });
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // A stream that drops can resume with Last-Event-ID.
      eventStore: events,
      onsessioninitialized: (id) => this.#add(id, session),
    });
    const session: Session = {
      transport,
      handle,
      lastSeen: Date.now(),
      calls: new SessionCalls(transport),
      listening: 0,
      events,
      principal: principal.id,
      credentials: credentialFingerprint(req, this.credentialHeaders),
      owner: principal.rateKey,
    };
    transport.onclose = () => this.#remove(session);
    await handle.server.connect(transport);
    return session;
  }

  /** A GET stream of the session: it keeps the session active while open (review of E7). */
  listen(session: Session, res: ServerResponse): void {
    session.listening++;
    res.once('close', () => {
      session.listening--;
      session.lastSeen = Date.now();
    });
  }

  /** Closes sessions idle since `cutoff`; every session lets go of events past their age. */
  sweep(cutoff: number): void {
    for (const [id, session] of this.#sessions) {
      session.events.prune();
      if (session.calls.size === 0 && session.listening === 0 && session.lastSeen < cutoff) {
        this.log.info({ session: short(id) }, 'closing idle session');
        void session.transport.close();
      }
    }
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#sessions.values()].map((s) => s.transport.close()));
  }

  #add(id: string, session: Session): void {
    this.#sessions.set(id, session);
    this.#owners.add(session.owner);
    this.log.info({ session: short(id), sessions: this.#sessions.size }, 'session opened');
  }

  #remove(session: Session): void {
    const id = session.transport.sessionId;
    if (id && this.#sessions.get(id) === session) {
      this.#sessions.delete(id);
      this.#owners.remove(session.owner);
      this.log.info({ session: short(id), sessions: this.#sessions.size }, 'session closed');
    }
    session.calls.clear();
    session.events.clear();
    void session.handle.close();
  }
}
