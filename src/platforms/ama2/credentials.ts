import { z } from 'zod';
import { httpUrl } from '../../core/env.js';
import type { EnvVar } from '../../core/platform.js';

export const DEFAULT_BASE_URL = 'https://api.ama2.me';

export interface Ama2Credentials {
  baseUrl: string;
  /** External-agent token (`ama_eat_...`); absent when only a user JWT is configured. */
  token?: string;
  /** Optional user JWT; unlocks thread listing. */
  userToken?: string;
}

export const ENV = {
  AMA2_TOKEN: {
    describe:
      'AMA2 external-agent token (starts with ama_eat_); create one in AMA2 under Agents > External agent tokens',
    header: 'x-ama2-token',
    // One check, so a malformed token gets one message that says the format (issue #16).
    schema: z
      .string()
      .trim()
      .regex(
        /^ama_eat_[A-Za-z0-9_-]{8,}$/,
        'AMA2_TOKEN must be an external-agent token starting with ama_eat_ (then 8 or more letters, digits, _ or -); create one in AMA2 under Agents > External agent tokens, and put a user JWT in AMA2_USER_TOKEN instead',
      )
      .optional(),
  },
  AMA2_USER_TOKEN: {
    describe: 'optional AMA2 user JWT; unlocks ama2_list_threads',
    header: 'x-ama2-user-token',
    schema: z
      .string()
      .trim()
      .regex(
        /^[^.\s]{2,}\.[^.\s]{2,}\.[^.\s]*$/,
        'AMA2_USER_TOKEN must be a JWT (three dot-separated parts, no spaces); copy the token of an AMA2 user session',
      )
      .optional(),
  },
  AMA2_BASE_URL: {
    describe: `AMA2 API origin (default ${DEFAULT_BASE_URL}; a trailing /api/v1 is accepted)`,
    schema: httpUrl('AMA2_BASE_URL').optional(),
  },
} satisfies Record<string, EnvVar>;

type Env = { [K in keyof typeof ENV]?: z.infer<(typeof ENV)[K]['schema']> };

export function credentialsFrom(env: Readonly<Record<string, unknown>>): Ama2Credentials | undefined {
  const e = env as Env;
  if (!e.AMA2_TOKEN && !e.AMA2_USER_TOKEN) return undefined;
  return {
    baseUrl: e.AMA2_BASE_URL ?? DEFAULT_BASE_URL,
    ...(e.AMA2_TOKEN ? { token: e.AMA2_TOKEN } : {}),
    ...(e.AMA2_USER_TOKEN ? { userToken: e.AMA2_USER_TOKEN } : {}),
  };
}

/** What the configuration reads of AMA2 (index.ts adds the rest; src/platforms/config.ts lists it). */
export const AMA2_CONFIG = {
  name: 'ama2' as const,
  title: 'AMA2',
  summary: 'AMA2 threads',
  env: ENV,
  setup: 'AMA2_TOKEN (and optionally AMA2_USER_TOKEN)',
  credentials: credentialsFrom,
  hints: { auth: 'AMA2_TOKEN (or AMA2_USER_TOKEN)', baseUrlVar: 'AMA2_BASE_URL' },
};
