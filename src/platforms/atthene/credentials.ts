import type { z } from 'zod';
import { httpUrl, positiveInt, secret } from '../../core/env.js';
import type { EnvVar } from '../../core/platform.js';

export const DEFAULT_BASE_URL = 'https://api-be.atthene.com/api/v1';

export interface AttheneCredentials {
  baseUrl: string;
  apiKey: string;
  /** How long one agent turn (execute) may take before it is abandoned. */
  executeTimeoutMs?: number;
}

export const ENV = {
  ATTHENE_API_KEY: {
    describe: 'Atthene AMAS API key (Agent Studio > Settings > API keys)',
    header: 'x-atthene-api-key',
    schema: secret('ATTHENE_API_KEY', 'create one in Agent Studio > Settings > API keys').optional(),
  },
  ATTHENE_BASE_URL: {
    describe: `Atthene API base (default ${DEFAULT_BASE_URL})`,
    schema: httpUrl('ATTHENE_BASE_URL').optional(),
  },
  ATTHENE_EXECUTE_TIMEOUT_SECONDS: {
    describe: 'longest an Atthene agent turn may run (default 300)',
    schema: positiveInt('ATTHENE_EXECUTE_TIMEOUT_SECONDS', 3600).default(300),
  },
} satisfies Record<string, EnvVar>;

type Env = { [K in keyof typeof ENV]?: z.infer<(typeof ENV)[K]['schema']> };

export function credentialsFrom(env: Readonly<Record<string, unknown>>): AttheneCredentials | undefined {
  const e = env as Env;
  if (!e.ATTHENE_API_KEY) return undefined;
  return {
    baseUrl: e.ATTHENE_BASE_URL ?? DEFAULT_BASE_URL,
    apiKey: e.ATTHENE_API_KEY,
    executeTimeoutMs: executeTimeoutMs(env),
  };
}

/** ATTHENE_EXECUTE_TIMEOUT_SECONDS in milliseconds (its default when unset). */
export function executeTimeoutMs(env: Readonly<Record<string, unknown>>): number {
  return ((env as Env).ATTHENE_EXECUTE_TIMEOUT_SECONDS ?? 300) * 1000;
}

/** What the configuration reads of Atthene (index.ts adds the rest; src/platforms/config.ts lists it). */
export const ATTHENE_CONFIG = {
  name: 'atthene' as const,
  title: 'Atthene',
  summary: 'Atthene AMAS agents and sessions',
  env: ENV,
  setup: 'ATTHENE_API_KEY',
  credentials: credentialsFrom,
  withSettings: (credentials: AttheneCredentials, env: Readonly<Record<string, unknown>>) => ({
    ...credentials,
    executeTimeoutMs: executeTimeoutMs(env),
  }),
  hints: {
    auth: 'ATTHENE_API_KEY (keys expire; create a new one in Agent Studio settings)',
    baseUrlVar: 'ATTHENE_BASE_URL',
  },
};
