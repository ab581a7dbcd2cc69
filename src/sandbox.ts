import type { PlatformCredentials } from './core/config.js';
import {
  AMA2_SANDBOX_TOKEN,
  AMA2_SANDBOX_USER_TOKEN,
  AMIGO_SANDBOX_API_KEY,
  AMIGO_SANDBOX_WORKSPACE_ID,
  ATTHENE_SANDBOX_API_KEY,
} from './core/emulator/credentials.js';
import type { Emulator } from './core/emulator/emulator.js';
import type { FaultOptions } from './core/emulator/faults.js';
import type { Logger } from './core/log.js';
import { createAma2Emulator } from './platforms/ama2/emulator/index.js';
import type { Ama2World } from './platforms/ama2/emulator/state.js';
import { createAmigoEmulator } from './platforms/amigo/emulator/index.js';
import type { AmigoWorld } from './platforms/amigo/emulator/world.js';
import { createAttheneEmulator } from './platforms/atthene/emulator/index.js';
import type { AttheneWorld } from './platforms/atthene/emulator/state.js';

export interface SandboxCredentials {
  ama2: { baseUrl: string; token: string; userToken: string };
  amigo: { baseUrl: string; apiKey: string; workspaceId: string };
  atthene: { baseUrl: string; apiKey: string };
}

/** The sandbox's URLs and keys as the clients take them (all three platforms). */
export function sandboxPlatformCredentials(sandbox: SandboxCredentials): PlatformCredentials {
  return {
    ama2: { baseUrl: sandbox.ama2.baseUrl, token: sandbox.ama2.token, userToken: sandbox.ama2.userToken },
    amigo: {
      baseUrl: sandbox.amigo.baseUrl,
      apiKey: sandbox.amigo.apiKey,
      workspaceId: sandbox.amigo.workspaceId,
    },
    atthene: { baseUrl: sandbox.atthene.baseUrl, apiKey: sandbox.atthene.apiKey },
  };
}

export interface Sandbox extends SandboxCredentials {
  emulators: { ama2: Emulator; amigo: Emulator; atthene: Emulator };
  worlds: { ama2: Ama2World; amigo: AmigoWorld; atthene: AttheneWorld };
  close(): Promise<void>;
}

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

/** Starts the three emulators on 127.0.0.1 with random ports; returns their URLs and sandbox credentials. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const common = {
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const ama2 = createAma2Emulator({
    ...common,
    ...(options.ama2ReplyDelayMs !== undefined ? { replyDelayMs: options.ama2ReplyDelayMs } : {}),
    ...(options.ama2RateLimits !== undefined ? { rateLimits: options.ama2RateLimits } : {}),
  });
  const { emulator: amigo, world: amigoWorld } = createAmigoEmulator(common);
  const { emulator: atthene, world: attheneWorld } = createAttheneEmulator({
    ...common,
    ...(options.attheneExecuteDelayMs !== undefined ? { executeDelayMs: options.attheneExecuteDelayMs } : {}),
  });
  const [ama2Origin, amigoOrigin, attheneOrigin] = await Promise.all([
    ama2.emulator.listen(),
    amigo.listen(),
    atthene.listen(),
  ]);
  return {
    ama2: { baseUrl: ama2Origin, token: AMA2_SANDBOX_TOKEN, userToken: AMA2_SANDBOX_USER_TOKEN },
    amigo: { baseUrl: amigoOrigin, apiKey: AMIGO_SANDBOX_API_KEY, workspaceId: AMIGO_SANDBOX_WORKSPACE_ID },
    atthene: { baseUrl: `${attheneOrigin}/api/v1`, apiKey: ATTHENE_SANDBOX_API_KEY },
    emulators: { ama2: ama2.emulator, amigo, atthene },
    worlds: { ama2: ama2.world, amigo: amigoWorld, atthene: attheneWorld },
    async close() {
      ama2.world.close();
      await Promise.all([ama2.emulator.close(), amigo.close(), atthene.close()]);
    },
  };
}
