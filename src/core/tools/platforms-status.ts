import { z } from 'zod';
import { deadline } from '../abort.js';
import type { Clients } from '../clients.js';
import { PLATFORMS, type Platform } from '../config.js';
import { PlatformError } from '../errors.js';
import { defineTool } from '../registry.js';

const PROBE_TIMEOUT_MS = 8000;
// No thread has the nil UUID: a 404 for it proves the token was accepted (401 would say otherwise),
// since an external-agent token has no cheap authenticated read of its own (apis/ama2.md §0.4).
const NIL_THREAD = '00000000-0000-0000-0000-000000000000';

interface Probe {
  reachable: boolean;
  authenticated: boolean;
  detail?: string;
}

function fromError(error: unknown): Probe {
  if (!(error instanceof PlatformError)) throw error;
  const answered = error.status !== undefined;
  return {
    reachable: answered,
    authenticated: false,
    detail: `${error.status ?? error.kind}: ${error.message}`,
  };
}

const probes: { [P in Platform]: (clients: Clients, signal: AbortSignal) => Promise<Probe> } = {
  async ama2(clients, signal) {
    const client = clients.ama2!;
    await client.health(signal);
    try {
      await client.pollEvents(NIL_THREAD, { limit: 1 }, signal);
      return { reachable: true, authenticated: true };
    } catch (error) {
      if (error instanceof PlatformError && error.kind === 'not_found')
        return { reachable: true, authenticated: true };
      throw error;
    }
  },
  async amigo(clients, signal) {
    const client = clients.amigo!;
    const me = await client.getAuthInfo(signal);
    if (me.workspace_id.toLowerCase() !== client.workspaceId) {
      return {
        reachable: true,
        authenticated: true,
        detail: `the key belongs to workspace ${me.workspace_id}, but AMIGO_WORKSPACE_ID is ${client.workspaceId}`,
      };
    }
    return { reachable: true, authenticated: true };
  },
  async atthene(clients, signal) {
    await clients.atthene!.listAgents(signal);
    return { reachable: true, authenticated: true };
  },
};

function baseUrl(clients: Clients, platform: Platform): string | undefined {
  return clients[platform]?.credentials.baseUrl;
}

export type PlatformStatus = {
  platform: Platform;
  configured: boolean;
  base_url?: string;
  reachable?: boolean;
  authenticated?: boolean;
  latency_ms?: number;
  detail?: string;
};

/** Probes every platform (configured or not) in parallel within PROBE_TIMEOUT_MS. Also serves /readyz. */
export async function probePlatforms(clients: Clients, parent: AbortSignal): Promise<PlatformStatus[]> {
  const { signal, dispose } = deadline(parent, PROBE_TIMEOUT_MS);
  return Promise.all(
    PLATFORMS.map(async (platform): Promise<PlatformStatus> => {
      if (!clients[platform]) return { platform, configured: false };
      const started = performance.now();
      const probe = await probes[platform](clients, signal).catch(fromError);
      return {
        platform,
        configured: true,
        base_url: baseUrl(clients, platform),
        ...probe,
        latency_ms: Math.round(performance.now() - started),
      };
    }),
  ).finally(dispose);
}

export default defineTool({
  name: 'platforms_status',
  title: 'Platform status',
  description:
    'Reports, for AMA2, Amigo and Atthene, whether each is configured, its base URL, and whether an authenticated request to it succeeds, with the latency. Call it first when other tools fail with auth or network errors, or to learn which platforms this server offers.',
  platform: 'core',
  input: {},
  output: {
    platforms: z
      .array(
        z.object({
          platform: z.enum(PLATFORMS).describe('Platform name; its tools are prefixed with it.'),
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
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(_input, ctx) {
    return { platforms: await probePlatforms(ctx.clients, ctx.signal) };
  },
});
