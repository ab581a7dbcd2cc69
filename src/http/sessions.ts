import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { InitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { HttpOptions } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { mutable, replayInitialize } from './adopt.js';
import { credentialFingerprint, type Principal } from './auth.js';
import type { Admission, SessionEvents, SessionRecord, SharedState } from './shared.js';
import { SessionCalls } from './streams.js';
import { HttpTransport } from './transport.js';

/** One MCP server for a session (or, stateless, for one request), built from the request's headers. */
export interface SessionHandle {
  server: Server;
  close(): Promise<void>;
}

/** This replica's copy of a session: the live server and transport built from its record. */
export interface Session {
  id: string;
  transport: HttpTransport;
  handle: SessionHandle;
  lastSeen: number;
  /** Requests not yet answered nor aborted. */
  calls: SessionCalls;
  /** Open GET streams (the standalone stream, or a resumed one): the client is listening. */
  listening: number;
  events: SessionEvents;
  /** Bound at initialize (issue #12 E1): who opened it, and a hash of its credential headers. */
  principal: string;
  credentials: string;
  /** What the per-principal session cap counts against (Principal.rateKey). */
  owner: string;
}

/** A session id presented with the principal and credential headers it was opened with. */
export type Found = { session: Session } | { record: SessionRecord };

const short = (id: string) => id.slice(0, 8);
const ENDED = 'session-ended';

/**
 * The stateful sessions. Their records (SharedState: this process, or Redis with MCP_REDIS_URL)
 * say who may use them; this replica holds a live copy of those it served, built on first use
 * from the record when another replica opened it. A copy is dropped when idle (no call in flight,
 * no GET stream open, for MCP_SESSION_IDLE_SECONDS); the record ends on DELETE or when no replica
 * touched it for as long. Shutdown waits for calls only, never for listeners.
 */
export class SessionTable {
  readonly #local = new Map<string, Session>();
  readonly #adopting = new Map<string, Promise<Session | undefined>>();
  readonly #unsubscribe: () => void;

  constructor(
    private readonly options: HttpOptions,
    private readonly credentialHeaders: readonly string[],
    private readonly log: Logger,
    readonly shared: SharedState,
  ) {
    // A DELETE served by any replica closes every copy (and the GET streams they hold).
    this.#unsubscribe = shared.subscribe(ENDED, (id) => void this.#local.get(id)?.transport.close());
  }

  get size(): number {
    return this.#local.size;
  }

  /** This replica's copy of a session, if it holds one. */
  local(id: string): Session | undefined {
    return this.#local.get(id);
  }

  callsInFlight(): number {
    let calls = 0;
    for (const session of this.#local.values()) calls += session.calls.size;
    return calls;
  }

  /** A record for a new session of this principal, bound to the request's credential headers. */
  recordFor(id: string, req: IncomingMessage, init: InitializeRequest['params'], principal: Principal) {
    const credentials = credentialFingerprint(req, this.credentialHeaders);
    return { id, principal: principal.id, credentials, owner: principal.rateKey, init };
  }

  admit(record: SessionRecord): Promise<Admission> {
    const caps = { max: this.options.maxSessions, perOwner: this.options.maxSessionsPerPrincipal };
    return this.shared.admit(record, caps, this.options.sessionIdleMs);
  }

  /** The session `id` names, if this principal with these credential headers opened it. */
  async find(id: string, principal: Principal, req: IncomingMessage): Promise<Found | undefined> {
    const record = await this.shared.touch(id, this.options.sessionIdleMs);
    const local = this.#local.get(id);
    if (!record) {
      if (local) void local.transport.close();
      return undefined;
    }
    const bound =
      record.principal === principal.id &&
      record.credentials === credentialFingerprint(req, this.credentialHeaders);
    // Another principal, or other credential headers, get the same answer as an unknown id (E1).
    if (!bound) this.log.warn({ session: short(id) }, 'session id presented by another client; 404');
    if (!bound) return undefined;
    return local ? { session: local } : { record };
  }

  /** A live copy of a session opened elsewhere (or dropped here when idle); one per id at a time. */
  adopt(
    record: SessionRecord,
    handle: () => Promise<SessionHandle | undefined>,
  ): Promise<Session | undefined> {
    const pending = this.#adopting.get(record.id);
    if (pending) return pending;
    const adopting = (async () => {
      const made = await handle();
      if (!made) return undefined;
      const session = await this.open(record, made, true);
      if (this.#local.get(record.id) === session) return session;
      await made.close();
      return undefined;
    })().finally(() => this.#adopting.delete(record.id));
    this.#adopting.set(record.id, adopting);
    return adopting;
  }

  /** A live copy for `record`, entered in the table once its transport accepted the initialize. */
  async open(record: SessionRecord, handle: SessionHandle, replay = false): Promise<Session> {
    const events = mutable(this.shared.events(record.id));
    const transport = new HttpTransport({
      sessionIdGenerator: () => record.id,
      // A stream that drops can resume with Last-Event-ID, on any replica.
      eventStore: events,
      onsessioninitialized: () => this.#add(session),
    });
    const session: Session = {
      id: record.id,
      transport,
      handle,
      lastSeen: Date.now(),
      calls: new SessionCalls(transport),
      listening: 0,
      events,
      principal: record.principal,
      credentials: record.credentials,
      owner: record.owner,
    };
    transport.onclose = () => this.#drop(session);
    await handle.server.connect(transport);
    if (replay) {
      events.muted = true;
      await replayInitialize(transport, record).finally(() => {
        events.muted = false;
      });
    }
    return session;
  }

  /**
   * Ends a session everywhere: its record and events at once, then (after `answer`, e.g. the
   * transport's answer to DELETE) every replica's copy.
   */
  async end(id: string, answer?: () => Promise<void>): Promise<void> {
    await this.shared.remove(id);
    await answer?.();
    this.shared.publish(ENDED, id);
  }

  /** A GET stream of the session: it keeps the session active while open (review of E7). */
  listen(session: Session, res: ServerResponse): void {
    session.listening++;
    res.once('close', () => {
      session.listening--;
      session.lastSeen = Date.now();
    });
  }

  /**
   * Drops copies idle since `cutoff`; keeps the records of busy ones alive (a long call or an
   * open GET stream is activity); every copy lets go of events past their age.
   */
  sweep(cutoff: number): void {
    for (const session of this.#local.values()) {
      session.events.prune();
      if (session.calls.size > 0 || session.listening > 0) {
        void this.shared.touch(session.id, this.options.sessionIdleMs).catch(() => {});
      } else if (session.lastSeen < cutoff) {
        this.log.info({ session: short(session.id) }, 'closing idle session');
        void session.transport.close();
      }
    }
  }

  async closeAll(): Promise<void> {
    this.#unsubscribe();
    await Promise.allSettled([...this.#local.values()].map((s) => s.transport.close()));
  }

  #add(session: Session): void {
    this.#local.set(session.id, session);
    this.log.info({ session: short(session.id), sessions: this.#local.size }, 'session opened');
  }

  #drop(session: Session): void {
    if (this.#local.get(session.id) === session) {
      this.#local.delete(session.id);
      this.log.info({ session: short(session.id), sessions: this.#local.size }, 'session closed');
    }
    session.calls.clear();
    session.events.clear();
    void session.handle.close();
  }
}
