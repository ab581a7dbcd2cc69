#!/usr/bin/env node
import type { IncomingMessage } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
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
import type { FleetWatch } from './core/resources/watchers.js';
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

/** What the start-up steps share: the config, the logger, the server's clients, what to undo on exit. */
interface Runtime {
  config: Config;
  log: Logger;
  clients: Clients;
  cleanups: Array<() => Promise<void>>;
  makeServer(clients?: Clients, log?: Logger, fleet?: FleetWatch): McpServer;
}

async function run(config: Config): Promise<void> {
  const log = createLogger({ level: config.logLevel });
  const cleanups: Array<() => Promise<void>> = [];
  if (config.sandbox) await useSandbox(config, log, cleanups);

  const clients = createClients(config.credentials, { logger: log.child({ component: 'http-client' }) });
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

  const makeServer = (sessionClients: Clients = clients, sessionLog: Logger = log, fleet?: FleetWatch) =>
    createServer({
      ...(fleet ? { fleet } : {}),
      clients: sessionClients,
      log: sessionLog,
      toolsets: config.toolsets,
      readOnly: config.readOnly,
      maxResultChars: config.maxResultChars,
      maxWatchers: config.http.maxWatchers,
      subscriptions: !(config.transport === 'http' && config.http.stateless),
    });
  const runtime: Runtime = { config, log, clients, cleanups, makeServer };
  const stop = onSignals(runtime);
  if (config.transport === 'http') {
    const url = await serveHttp(runtime);
    printHttpBanner(url, config, offered);
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

/** Starts the emulators (loaded only when asked for: not on the normal start-up path) and points the config at them. */
async function useSandbox(config: Config, log: Logger, cleanups: Array<() => Promise<void>>): Promise<void> {
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

/** SIGINT/SIGTERM finish in-flight calls, run the cleanups and exit 0; returns the same stop for other causes. */
function onSignals({ log, cleanups }: Runtime): (reason: string) => void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason }, 'shutting down: finishing in-flight calls');
    void runCleanups(cleanups, log).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return stop;
}

/** Streamable HTTP; resolves with the endpoint URL. */
async function serveHttp(runtime: Runtime): Promise<string> {
  const { config, log, clients, cleanups } = runtime;
  const { startHttpServer } = await import('./http/server.js');
  const { probePlatforms } = await import('./core/tools/platforms-status.js');
  const readiness = async () => {
    const platforms = await probePlatforms(PLATFORM_MODULES, clients, AbortSignal.timeout(10_000));
    const configured = platforms.filter((p) => p.configured);
    return { ready: configured.every((p) => p.reachable && p.authenticated), detail: configured };
  };
  const credentialHeaders = Object.keys(CREDENTIAL_HEADERS);
  const handle = await startHttpServer(config.http, (req, fleet) => makeSession(runtime, req, fleet), log, {
    readiness,
    credentialHeaders,
  });
  cleanups.unshift(() => handle.close());
  return handle.url;
}

/**
 * A session that brings credential headers gets clients of its own, used by it alone, and its
 * credentials are scrubbed from its own results and log lines only (issue #12 E2); one that
 * brings none shares the server's.
 */
async function makeSession({ config, makeServer }: Runtime, req: IncomingMessage, fleet?: FleetWatch) {
  const own = credentialsFromHeaders(req.headers, config.credentials, process.env);
  if (!own) {
    const server = makeServer(undefined, undefined, fleet);
    return { server, close: () => server.close().catch(() => {}) };
  }
  const sessionLog = createLogger({ level: config.logLevel, secrets: credentialSecrets(own) });
  const sessionClients = createClients(
    own,
    { logger: sessionLog.child({ component: 'http-client' }) },
    'session',
  );
  const server = makeServer(sessionClients, sessionLog, fleet);
  return {
    server,
    close: async () => {
      await server.close().catch(() => {});
      await closeClients(sessionClients);
    },
  };
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
