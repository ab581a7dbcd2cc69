import { z } from 'zod';
import { ConfigError, httpUrl, secret } from '../../core/env.js';
import type { EnvVar } from '../../core/platform.js';

export const DEFAULT_BASE_URL = 'https://api.platform.amigo.ai';

export interface AmigoCredentials {
  baseUrl: string;
  apiKey: string;
  workspaceId: string;
}

export const ENV = {
  AMIGO_API_KEY: {
    describe: 'Amigo Platform workspace API key',
    header: 'x-amigo-api-key',
    schema: secret('AMIGO_API_KEY', 'create one with POST /v1/{workspace_id}/api-keys').optional(),
  },
  AMIGO_WORKSPACE_ID: {
    describe: 'Amigo workspace id (UUID; in the console URL, or workspace_id of GET /v1/auth/me)',
    header: 'x-amigo-workspace-id',
    notSecret: true,
    schema: z
      .string()
      .trim()
      .regex(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
        'AMIGO_WORKSPACE_ID must be a UUID; find it in the Amigo console URL or in GET /v1/auth/me (workspace_id)',
      )
      .optional(),
  },
  AMIGO_BASE_URL: {
    describe: `Amigo API origin (default ${DEFAULT_BASE_URL})`,
    schema: httpUrl('AMIGO_BASE_URL').optional(),
  },
} satisfies Record<string, EnvVar>;

type Env = { [K in keyof typeof ENV]?: z.infer<(typeof ENV)[K]['schema']> };

export function credentialsFrom(env: Readonly<Record<string, unknown>>): AmigoCredentials | undefined {
  const e = env as Env;
  if (!e.AMIGO_API_KEY && !e.AMIGO_WORKSPACE_ID) return undefined;
  if (!e.AMIGO_API_KEY)
    throw new ConfigError('AMIGO_WORKSPACE_ID is set but AMIGO_API_KEY is not; set both.');
  if (!e.AMIGO_WORKSPACE_ID) {
    throw new ConfigError(
      'AMIGO_API_KEY is set but AMIGO_WORKSPACE_ID is not; set it to your workspace UUID (Amigo console URL, or workspace_id in GET /v1/auth/me).',
    );
  }
  return {
    baseUrl: e.AMIGO_BASE_URL ?? DEFAULT_BASE_URL,
    apiKey: e.AMIGO_API_KEY,
    workspaceId: e.AMIGO_WORKSPACE_ID.toLowerCase(),
  };
}

/** What the configuration reads of Amigo (index.ts adds the rest; src/platforms/config.ts lists it). */
export const AMIGO_CONFIG = {
  name: 'amigo' as const,
  title: 'Amigo',
  summary: 'Amigo Platform workspace',
  env: ENV,
  setup: 'AMIGO_API_KEY and AMIGO_WORKSPACE_ID',
  credentials: credentialsFrom,
  hints: { auth: 'AMIGO_API_KEY (keys expire) and AMIGO_WORKSPACE_ID', baseUrlVar: 'AMIGO_BASE_URL' },
};
