import { catalogOf } from './core/catalog/document.js';
import type { Emulator, EmulatorRequest } from './core/emulator/emulator.js';
import type { FaultOptions } from './core/emulator/faults.js';
import type { Logger } from './core/log.js';
import type { PlatformModule, SandboxPart } from './core/platform.js';
import type { GuideSection } from './core/sandbox-guide.js';
import { type Module, PLATFORM_MODULES, type PlatformCredentials } from './platforms/index.js';

// The built-in sandbox: every platform module's emulator on 127.0.0.1 (random ports), with
// credentials that reach it. The emulators load only here, never on the normal start-up path.

type PartOf<M> = M extends { startSandbox(o: never): Promise<infer P> } ? P : never;
type CredsOf<M> = PartOf<M> extends SandboxPart<infer C> ? C : never;

export interface SandboxOptions {
  faults?: FaultOptions;
  logger?: Logger;
  /** How long AMA2 sandbox users take to reply (default 150 ms). */
  ama2ReplyDelayMs?: number;
  /** Enforce AMA2's documented per-key rate limits (default true). */
  ama2RateLimits?: boolean;
  /** How long an Atthene execute runs (default 100 ms). */
  attheneExecuteDelayMs?: number;
}

/** Each platform's sandbox credentials under its name, as its module takes them. */
export type SandboxCredentials = { [M in Module as M['name']]: CredsOf<M> };

export type Sandbox = SandboxCredentials & {
  emulators: { [M in Module as M['name']]: Emulator };
  worlds: { [M in Module as M['name']]: PartOf<M>['world'] };
  /** Each platform's part of sandbox://guide, in module order. */
  guides: GuideSection[];
  close(): Promise<void>;
};

/** The sandbox's URLs and keys as the clients take them, with the server's settings applied. */
export function sandboxPlatformCredentials(
  sandbox: SandboxCredentials,
  platformEnv: Readonly<Record<string, unknown>> = {},
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): PlatformCredentials {
  const all = sandbox as unknown as Record<string, { baseUrl: string }>;
  return Object.fromEntries(
    modules.flatMap((m) => {
      const own = all[m.name];
      return own ? [[m.name, m.withSettings ? m.withSettings(own, platformEnv) : own]] : [];
    }),
  ) as PlatformCredentials;
}

/**
 * The sandbox secret of each security scheme the module maps, and the emulator's own answer to a
 * request without credentials (the platform's 401 shape) for a request with the wrong one.
 */
function securityOf(module: PlatformModule, part: SandboxPart<{ baseUrl: string }>) {
  const creds = part.credentials as unknown as Record<string, unknown>;
  const values = Object.fromEntries(
    Object.entries(module.securitySchemes ?? {}).flatMap(([scheme, { credential }]) => {
      const value = creds[credential];
      return typeof value === 'string' ? [[scheme, value]] : [];
    }),
  );
  const authenticate = part.emulator.options.authenticate;
  if (Object.keys(values).length === 0 || !authenticate) return undefined;
  const refuse = (req: EmulatorRequest) =>
    authenticate({ ...req, headers: {} }) ?? { status: 401, json: { message: 'Unauthorized' } };
  return { values, refuse };
}

/** A module with an API document: its emulator answers every operation (curated routes first). */
async function withCatalog<P extends SandboxPart<{ baseUrl: string }>>(
  module: PlatformModule,
  part: P,
  options: SandboxOptions,
): Promise<P> {
  if (!module.openapi) return part;
  const invalid = part.emulator.options.invalidRequest;
  const security = securityOf(module, part);
  // Attached while it loads (the document, ajv): start-up does not wait for it; the first request
  // no curated route answers does (a failure to load is answered there as a sandbox error).
  const loading = (async () => {
    const { specResponder } = await import('./core/catalog/responder.js');
    const catalog = await catalogOf(module);
    if (!catalog) throw new Error(`${module.name} has no API document`);
    return specResponder(catalog, {
      prefix: new URL(part.credentials.baseUrl).pathname,
      ...(options.faults?.seed === undefined ? {} : { seed: options.faults.seed }),
      ...(invalid ? { invalid } : {}),
      ...(security ? { security } : {}),
    });
  })();
  loading.catch(() => {});
  part.emulator.setFallback(loading);
  return part;
}

/** Starts every module's emulator on 127.0.0.1 with random ports; returns their URLs and sandbox credentials. */
export async function startSandbox(
  options: SandboxOptions = {},
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): Promise<Sandbox> {
  const parts = await Promise.all(
    modules.map(async (m) => withCatalog(m, await m.startSandbox({ ...options }), options)),
  );
  const byName = <T>(pick: (part: SandboxPart<{ baseUrl: string }>) => T) =>
    Object.fromEntries(modules.map((m, i) => [m.name, pick(parts[i]!)]));
  return {
    ...byName((part) => part.credentials),
    emulators: byName((part) => part.emulator),
    worlds: byName((part) => part.world),
    guides: modules.flatMap((m, i) => {
      const guide = parts[i]?.guide;
      return guide ? [{ platform: m.name, title: m.title, guide }] : [];
    }),
    async close() {
      await Promise.all(parts.map((part) => part.close()));
    },
  } as unknown as Sandbox;
}
