#!/usr/bin/env node
import type { IncomingMessage } from 'node:http';
import { type Clients, closeClients, createClients, credentialSecrets } from './core/clients.js';
import {
  type Config,
  ConfigError,
  CREDENTIAL_HEADERS,
  credentialsFromHeaders,
  parseConfig,
  usage,
} from './core/config.js';
import { createLogger, type Logger, scrubSecrets } from './core/log.js';
import { PLATFORM_MODULES } from './platforms/index.js';
import { createServer } from './server.js';

const PLATFORM_NAMES = PLATFORM_MODULES.map((m) => m.name);

import { VERSION } from './version.js';

async function main(): Promise<void> {
  let action: ReturnType<typeof parseConfig>;
  try {
    action = parseConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`agent-platforms-mcp: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // --help and --version are the only output ever written to stdout outside the protocol.
  if (action.kind === 'help') return void process.stdout.write(usage());
  if (action.kind === 'version') return void process.stdout.write(`${VERSION}\n`);
  await run(action.config);
}

async function run(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  const cleanups: Array<() => Promise<void>> = [];

  if (config.sandbox) {
    // Loaded only when asked for: the emulators are not on the normal start-up path.
    const { startSandbox, sandboxPlatformCredentials } = await import('./sandbox.js');
    const { parseFaults } = await import('./core/emulator/faults.js');
    let faults: ReturnType<typeof parseFaults> | undefined;
    try {
      faults = config.sandboxFaults ? parseFaults(config.sandboxFaults) : undefined;
    } catch (error) {
      process.stderr.write(
        `agent-platforms-mcp: --sandbox-faults / SANDBOX_FAULTS: ${(error as Error).message}\n`,
      );
      process.exit(2);
    }
    const sandbox = await startSandbox({
      ...(faults ? { faults } : {}),
      logger: log.child({ component: 'sandbox' }),
    });
    cleanups.push(() => sandbox.close());
    config.credentials = sandboxPlatformCredentials(sandbox, config.platformEnv);
  }

  const clientOptions = { logger: log.child({ component: 'http-client' }) };
  const clients = createClients(config.credentials, clientOptions);
  cleanups.push(() => closeClients(clients));
  const offered = PLATFORM_NAMES.filter((p) => config.toolsets.includes(p) && clients[p]);
  const missing = PLATFORM_NAMES.filter((p) => !clients[p]);
  log.info(
    {
      version: VERSION,
      transport: config.transport,
      sandbox: config.sandbox,
      platforms: offered,
      readOnly: config.readOnly,
    },
    'starting',
  );
  if (missing.length > 0) log.info({ platforms: missing }, 'platforms without credentials are not offered');

  const makeServer = (sessionClients: Clients = clients, sessionLog: Logger = log) =>
    createServer({
      clients: sessionClients,
      log: sessionLog,
      toolsets: config.toolsets,
      readOnly: config.readOnly,
      maxResultChars: config.maxResultChars,
      maxWatchers: config.http.maxWatchers,
      subscriptions: !(config.transport === 'http' && config.http.stateless),
    });

  const shutdown = async (reason: string) => {
    log.info({ reason }, 'shutting down: finishing in-flight calls');
    await runCleanups(cleanups, log);
    process.exit(0);
  };
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    void shutdown(reason);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  if (config.transport === 'http') {
    const { startHttpServer } = await import('./http/server.js');
    const { probePlatforms } = await import('./core/tools/platforms-status.js');
    // A session that brings credential headers gets clients of its own, used by it alone; one
    // that brings none shares the server's.
    const makeSession = async (req: IncomingMessage) => {
      const own = credentialsFromHeaders(req.headers, config.credentials, process.env);
      if (!own) {
        const server = makeServer();
        return { server, close: () => server.close().catch(() => {}) };
      }
      // Its credentials are scrubbed from its own results and log lines only (issue #12 E2).
      const sessionLog = createLogger({ level: config.logLevel, secrets: credentialSecrets(own) });
      const sessionClients = createClients(
        own,
        { logger: sessionLog.child({ component: 'http-client' }) },
        'session',
      );
      const server = makeServer(sessionClients, sessionLog);
      return {
        server,
        close: async () => {
          await server.close().catch(() => {});
          await closeClients(sessionClients);
        },
      };
    };
    const readiness = async () => {
      const platforms = await probePlatforms(PLATFORM_MODULES, clients, AbortSignal.timeout(10_000));
      const configured = platforms.filter((p) => p.configured);
      return { ready: configured.every((p) => p.reachable && p.authenticated), detail: configured };
    };
    const credentialHeaders = Object.keys(CREDENTIAL_HEADERS);
    const handle = await startHttpServer(config.http, makeSession, log, { readiness, credentialHeaders });
    cleanups.unshift(() => handle.close());
    printHttpBanner(handle.url, config, offered);
    return;
  }
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const server = makeServer();
  cleanups.unshift(() => server.close());
  // The client closing stdin ends the session; exit cleanly so no sandbox ports linger.
  process.stdin.once('end', () => stop('stdin closed'));
  await server.connect(new StdioServerTransport());
  log.info('ready on stdio');
}

async function runCleanups(cleanups: Array<() => Promise<void>>, log: Logger): Promise<void> {
  for (const cleanup of cleanups) {
    await cleanup().catch((error: unknown) => log.warn({ err: error }, 'cleanup failed'));
  }
}

function printHttpBanner(url: string, config: Config, offered: readonly string[]): void {
  const headers = config.http.token ? { Authorization: 'Bearer <MCP_HTTP_TOKEN>' } : undefined;
  const entry = { mcpServers: { 'agent-platforms': { type: 'http', url, ...(headers ? { headers } : {}) } } };
  process.stderr.write(
    [
      '',
      `agent-platforms-mcp ${VERSION} listening on ${url}${config.sandbox ? ' (sandbox: local emulators, no keys)' : ''}`,
      `platforms: ${offered.join(', ') || 'none'}${config.readOnly ? ' (read-only)' : ''}`,
      'client entry (Claude Code .mcp.json, Cursor mcp.json; VS Code uses "servers" instead of "mcpServers"):',
      JSON.stringify(entry, null, 2),
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `agent-platforms-mcp: fatal: ${scrubSecrets(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
