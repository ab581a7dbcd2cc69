import type { Redis as RedisClient } from 'ioredis';
import type { HttpOptions } from '../core/config.js';
import type { Logger } from '../core/log.js';
import { RedisEvents } from './redis-events.js';
import type { Admission, RateVerdict, SessionEvents, SessionRecord, SharedState } from './shared.js';

/**
 * Each script runs atomically in Redis, so the caps hold across replicas. Session records expire
 * by themselves (PX = MCP_SESSION_IDLE_SECONDS); the sorted sets that count them hold each id
 * with its deadline and are trimmed before counting.
 */
const SCRIPTS = {
  // KEYS: all, owner set, record. ARGV: now, id, deadline, max, perOwner, record json, idle ms.
  admit: `
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
    if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end
    if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
    redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
    redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
    redis.call('PEXPIRE', KEYS[2], ARGV[7])
    redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7])
    return 0`,
  // KEYS: record, all. ARGV: id, deadline, idle ms, owner-set prefix.
  touch: `
    local record = redis.call('GET', KEYS[1])
    if not record then return false end
    local owner = ARGV[4] .. cjson.decode(record).owner
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
    redis.call('ZADD', owner, 'XX', ARGV[2], ARGV[1])
    redis.call('PEXPIRE', owner, ARGV[3])
    return record`,
  // KEYS: record, all, events, event bytes. ARGV: id, owner-set prefix.
  remove: `
    local record = redis.call('GET', KEYS[1])
    if record then redis.call('ZREM', ARGV[2] .. cjson.decode(record).owner, ARGV[1]) end
    redis.call('ZREM', KEYS[2], ARGV[1])
    redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
    return 0`,
  // KEYS: set. ARGV: now.
  count: `
    redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
    return redis.call('ZCARD', KEYS[1])`,
  // A sliding minute counted per second, as RateWindow: a hash of second -> messages, at most 60
  // fields whatever the limit (a sorted-set entry per message grew with a raised limit).
  // KEYS: counts. ARGV: now (ms), count, per minute.
  rate: `
    local now = tonumber(ARGV[1])
    local second = math.floor(now / 1000)
    local fields = redis.call('HGETALL', KEYS[1])
    local total, oldest = 0, nil
    for i = 1, #fields, 2 do
      local s = tonumber(fields[i])
      if s <= second - 60 then
        redis.call('HDEL', KEYS[1], fields[i])
      else
        total = total + tonumber(fields[i + 1])
        if oldest == nil or s < oldest then oldest = s end
      end
    end
    if total + tonumber(ARGV[2]) > tonumber(ARGV[3]) then
      return math.max(1, math.ceil((((oldest or second) + 60) * 1000 - now) / 1000))
    end
    redis.call('HINCRBY', KEYS[1], second, tonumber(ARGV[2]))
    redis.call('PEXPIRE', KEYS[1], 61000)
    return 0`,
  // KEYS: lease. ARGV: holder, ms.
  lease: `
    local held = redis.call('GET', KEYS[1])
    if held and held ~= ARGV[1] then return 0 end
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1`,
  // KEYS: lease. ARGV: holder.
  release: `
    if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
    return 0`,
  ...RedisEvents.SCRIPTS,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
export type RunScript = (name: ScriptName, keys: string[], args: Array<string | number>) => Promise<unknown>;

const ADMISSIONS: readonly Admission[] = ['ok', 'full', 'owner-full'];

/**
 * MCP_REDIS_URL: the state every replica shares (README "Deployment: more than one replica").
 * ioredis is loaded only here, so a server without MCP_REDIS_URL never loads it.
 */
export async function connectRedis(url: string, options: HttpOptions, log: Logger): Promise<SharedState> {
  const { Redis } = await import('./ioredis.js');
  const client = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5000, lazyConnect: true });
  client.on('error', (error: Error) => log.warn({ err: error.message }, 'redis connection error'));
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot reach Redis at MCP_REDIS_URL (${redacted(url)}): ${(error as Error).message}`);
  }
  const shas = new Map<ScriptName, string>();
  const run: RunScript = async (name, keys, args) => {
    const sha = shas.get(name);
    try {
      if (sha) return await client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      // Redis restarted (or flushed its scripts): load it again below.
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
    }
    shas.set(name, (await client.script('LOAD', SCRIPTS[name])) as string);
    return client.eval(SCRIPTS[name], keys.length, ...keys, ...args);
  };
  log.info({ redis: redacted(url) }, 'sessions, events, limits and subscriptions shared through Redis');
  return new RedisState(client, run, options);
}

/** The URL without its password, for messages and logs. */
export function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const K = {
  record: (id: string) => `mcp:s:${id}`,
  all: 'mcp:sessions',
  owners: 'mcp:owner:',
  // Per-second counts (a hash); mcp:rate: held the sorted sets of earlier versions.
  rate: (key: string) => `mcp:rate-s:${key}`,
  channel: (name: string) => `mcp:bus:${name}`,
  lease: (key: string) => `mcp:watch:${key}`,
  subscribers: (key: string) => `mcp:subscribers:${key}`,
};

class RedisState implements SharedState {
  readonly kind = 'redis';
  #subscriber: RedisClient | undefined;
  readonly #handlers = new Map<string, Set<(message: string) => void>>();

  constructor(
    private readonly client: RedisClient,
    private readonly run: RunScript,
    private readonly options: HttpOptions,
  ) {}

  async admit(record: SessionRecord, caps: { max: number; perOwner: number }, idleMs: number) {
    const now = Date.now();
    const keys = [K.all, K.owners + record.owner, K.record(record.id)];
    const args = [now, record.id, now + idleMs, caps.max, caps.perOwner, JSON.stringify(record), idleMs];
    return ADMISSIONS[Number(await this.run('admit', keys, args))] ?? 'full';
  }

  async touch(id: string, idleMs: number) {
    const args = [id, Date.now() + idleMs, idleMs, K.owners];
    const found = await this.run('touch', [K.record(id), K.all], args);
    return typeof found === 'string' ? (JSON.parse(found) as SessionRecord) : undefined;
  }

  async remove(id: string) {
    await this.run('remove', [K.record(id), K.all, ...RedisEvents.keys(id)], [id, K.owners]);
  }

  async count(owner?: string) {
    return Number(await this.run('count', [owner === undefined ? K.all : K.owners + owner], [Date.now()]));
  }

  async takeRate(key: string, count: number): Promise<RateVerdict> {
    const args = [Date.now(), count, this.options.sessionRatePerMinute];
    const wait = Number(await this.run('rate', [K.rate(key)], args));
    return wait === 0 ? { ok: true } : { ok: false, retryAfterSeconds: wait };
  }

  events(sessionId: string): SessionEvents {
    return new RedisEvents(sessionId, this.run, this.client, this.options.eventStore);
  }

  eventBytes(): number {
    return 0;
  }

  async lease(key: string, holder: string, ms: number) {
    return Number(await this.run('lease', [K.lease(key)], [holder, ms])) === 1;
  }

  async release(key: string, holder: string) {
    await this.run('release', [K.lease(key)], [holder]);
  }

  async addSubscriber(key: string, sessionId: string) {
    // Members outlive their sessions at most this long; delivery skips ids no replica holds.
    await this.client
      .multi()
      .sadd(K.subscribers(key), sessionId)
      .pexpire(K.subscribers(key), this.options.sessionIdleMs)
      .exec();
  }

  async removeSubscriber(key: string, sessionId: string) {
    await this.client.srem(K.subscribers(key), sessionId);
  }

  async subscribers(key: string) {
    return this.client.smembers(K.subscribers(key));
  }

  publish(channel: string, message: string): void {
    this.client.publish(K.channel(channel), message).catch(() => {});
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    const subscriber = this.#bus();
    let handlers = this.#handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
      void subscriber.subscribe(K.channel(channel)).catch(() => {});
    }
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  async close() {
    this.#subscriber?.disconnect();
    await this.client.quit().catch(() => {});
  }

  /** Subscribing takes a connection of its own (Redis pub/sub mode). */
  #bus(): RedisClient {
    if (this.#subscriber) return this.#subscriber;
    const subscriber = this.client.duplicate();
    subscriber.on('error', () => {});
    subscriber.on('message', (channel: string, message: string) => {
      for (const handler of this.#handlers.get(channel.slice(K.channel('').length)) ?? []) handler(message);
    });
    this.#subscriber = subscriber;
    return subscriber;
  }
}
