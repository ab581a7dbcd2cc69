import { z } from 'zod';
import { deadline } from '../abort.js';
import type { Clients } from '../client-secrets.js';
import { toolsetsWarning } from '../config.js';
import { PlatformError } from '../errors.js';
import type { PlatformModule, Probe } from '../platform.js';
import { defineTool } from '../registry.js';

const PROBE_TIMEOUT_MS = 8000;

function fromError(error: unknown): Probe {
  if (!(error instanceof PlatformError)) throw error;
  const answered = error.status !== undefined;
  return {
    reachable: answered,
    authenticated: false,
    detail: `${error.status ?? error.kind}: ${error.message}`,
  };
}

export type PlatformStatus = {
  platform: string;
  configured: boolean;
  base_url?: string;
  reachable?: boolean;
  authenticated?: boolean;
  latency_ms?: number;
  detail?: string;
};

/** Probes every platform (configured or not) in parallel within PROBE_TIMEOUT_MS. Also serves /readyz. */
export async function probePlatforms(
  platforms: readonly PlatformModule[],
  clients: Clients,
  parent: AbortSignal,
): Promise<PlatformStatus[]> {
  const { signal, dispose } = deadline(parent, PROBE_TIMEOUT_MS);
  return Promise.all(
    platforms.map(async (platform): Promise<PlatformStatus> => {
      const client = clients[platform.name];
      if (!client) return { platform: platform.name, configured: false };
      const started = performance.now();
      const probe = await platform.probe(client, signal).catch(fromError);
      return {
        platform: platform.name,
        configured: true,
        base_url: client.credentials.baseUrl,
        ...probe,
        latency_ms: Math.round(performance.now() - started),
      };
    }),
  ).finally(dispose);
}

// Moved to config.ts (the start-up path reads it before this module loads); exported here as before.
export { toolsetsWarning };

export default defineTool({
  name: 'platforms_status',
  title: 'Platform status',
  description: 'Per platform: configured, base URL, authenticated, latency. Call it first when tools fail.',
  platform: 'core',
  input: {},
  output: {
    platforms: z
      .array(
        z.object({
          platform: z.string().describe('Platform name; its tools are prefixed with it.'),
          configured: z
            .boolean()
            .describe('Whether credentials are set; unconfigured platforms offer no tools.'),
          base_url: z.string().optional().describe('API base URL in use.'),
          reachable: z.boolean().optional().describe('Whether the platform answered at all.'),
          authenticated: z.boolean().optional().describe('Whether the credentials were accepted.'),
          latency_ms: z.number().optional().describe('Time the check took, in milliseconds.'),
          detail: z.string().optional().describe('Why a check failed, or a configuration warning.'),
        }),
      )
      .describe('One entry per platform.'),
    warning: z.string().optional().describe('A configuration problem to fix, e.g. --toolsets without keys.'),
    guide: z.string().optional().describe('Sandbox only: a resource naming its seeded ids and first calls.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(_input, ctx) {
    const platforms = await probePlatforms(ctx.platforms, ctx.clients, ctx.signal);
    const warning = toolsetsWarning(ctx.namedToolsets, ctx.clients, ctx.platforms);
    return { platforms, ...(warning ? { warning } : {}), ...(ctx.guide ? { guide: ctx.guide } : {}) };
  },
});
