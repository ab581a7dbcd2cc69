#!/usr/bin/env node
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Clients } from './core/clients.js';
import {
  type Config,
  ConfigError,
  CREDENTIAL_HEADERS,
  credentialsFromHeaders,
  parseConfig,
  toolsetsWarning,
  usage,
} from './core/config.js';
import { EarlyStdio } from './core/early-initialize.js';
import type { FaultOptions } from './core/emulator/faults.js';
import type { Logger } from './core/log.js';
import type { FleetWatch } from './core/resources/watchers.js';
import { type GuideSection, SANDBOX_GUIDE_URI } from './core/sandbox-guide.js';
import { capabilities, instructions, serverInfo } from './core/server-info.js';
import { PLATFORM_CONFIGS } from './platforms/config.js';

// Only the configuration and the SDK's stdio server load before `initialize` is answered; the
// logger, clients, tools and sandbox are imported after it (cold start, issue #15).
const PLATFORM_NAMES = PLATFORM_CONFIGS.map((m) => m.name);

import { VERSION } from './version.js';

async function main(): Promise<void> {
  const action = parseConfig(process.argv.slice(2), process.env);
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
  makeServer(clients?: Clients, log?: Logger, fleet?: FleetWatch): Server;
}

async function run(config: Config): Promise<void> {
  const faults = await sandboxFaults(config);
  const cleanups: Array<() => Promise<void>> = [];
  const logger: { log?: Logger } = {};
  const stop = onSignals(cleanups, logger);
  // The sandbox serves every platform; otherwise the configured ones are those with credentials.
  const warning = config.sandbox
    ? undefined
    : toolsetsWarning(config.namedToolsets, config.credentials, PLATFORM_CONFIGS);
  if (warning) process.stderr.write(`agent-platforms-mcp: warning: ${warning}\n`);
  const early = config.transport === 'stdio' ? await answerInitializeEarly(config, stop) : undefined;
  const [{ createLogger }, { createClients, closeClients }, { createServer }] = await Promise.all([
    import('./core/log.js'),
    import('./core/clients.js'),
    import('./server.js'),
  ]);
  const log = createLogger({ level: config.logLevel });
  logger.log = log;
  const guide = config.sandbox ? await useSandbox(config, faults, log, cleanups) : undefined;

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
      ...(config.namedToolsets ? { namedToolsets: config.namedToolsets } : {}),
      readOnly: config.readOnly,
      maxResultChars: config.maxResultChars,
      maxWatchers: config.http.maxWatchers,
      subscriptions: !(config.transport === 'http' && config.http.stateless),
      ...(guide ? { sandboxGuide: guide } : {}),
    });
  const runtime: Runtime = { config, log, clients, cleanups, makeServer };
  if (config.transport === 'http') {
    const url = await serveHttp(runtime);
    printHttpBanner(url, config, offered);
    return;
  }
  const server = makeServer();
  cleanups.unshift(() => server.close());
  await early?.attach(server, (answered, built) =>
    log.warn({ answered, built }, 'the early initialize answer differs from the server built after it'),
  );
  log.info('ready on stdio');
}

/** --sandbox-faults is checked before anything is served (a ConfigError exits 2). */
async function sandboxFaults(config: Config): Promise<FaultOptions | undefined> {
  if (!config.sandboxFaults) return undefined;
  const { parseFaults } = await import('./core/emulator/faults.js');
  try {
    return parseFaults(config.sandboxFaults);
  } catch (error) {
    throw new ConfigError(`--sandbox-faults / SANDBOX_FAULTS: ${(error as Error).message}`);
  }
}

/**
 * stdio: `initialize` is answered from the configuration alone (src/core/early-initialize.ts).
 * Start-up goes on once it is, or after a moment if the client has not sent it yet.
 */
async function answerInitializeEarly(config: Config, stop: (reason: string) => void): Promise<EarlyStdio> {
  const early = new EarlyStdio({
    info: serverInfo(PLATFORM_CONFIGS),
    capabilities: capabilities(true),
    instructions: instructions(PLATFORM_CONFIGS, config.sandbox),
  });
  await early.start();
  // The client closing stdin ends the session; exit cleanly so no sandbox ports linger.
  process.stdin.once('end', () => stop('stdin closed'));
  await early.answeredWithin(50);
  return early;
}

/** Starts the emulators (loaded only when asked for: not on the normal start-up path) and points the config at them. */
async function useSandbox(
  config: Config,
  faults: FaultOptions | undefined,
  log: Logger,
  cleanups: Array<() => Promise<void>>,
): Promise<GuideSection[]> {
  const { startSandbox, sandboxPlatformCredentials } = await import('./sandbox.js');
  const sandbox = await startSandbox({
    ...(faults ? { faults } : {}),
    logger: log.child({ component: 'sandbox' }),
  });
  cleanups.push(() => sandbox.close());
  config.credentials = sandboxPlatformCredentials(sandbox, config.platformEnv);
  return sandbox.guides;
}

/** SIGINT/SIGTERM finish in-flight calls, run the cleanups and exit 0; returns the same stop for other causes. */
function onSignals(cleanups: Array<() => Promise<void>>, logger: { log?: Logger }): (reason: string) => void {
  let stopping = false;
  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    // Before the logger has loaded (a signal right after initialize), nothing is running to finish.
    logger.log?.info({ reason }, 'shutting down: finishing in-flight calls');
    void runCleanups(cleanups, logger.log).then(() => process.exit(0));
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
  const { PLATFORM_MODULES } = await import('./platforms/index.js');
  const readiness = async () => {
    const platforms = await probePlatforms(PLATFORM_MODULES, clients, AbortSignal.timeout(10_000));
    const configured = platforms.filter((p) => p.configured);
    return { ready: configured.every((p) => p.reachable && p.authenticated), detail: configured };
  };
  const credentialHeaders = Object.keys(CREDENTIAL_HEADERS);
  const handle = await startHttpServer(config.http, (req, fleet) => makeSession(runtime, req, fleet), log, {
    readiness,
    credentialHeaders,
  }).catch((error: unknown) => {
    throw listenError(error, config.http) ?? error;
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
  const { createClients, closeClients, credentialSecrets } = await import('./core/clients.js');
  const { createLogger } = await import('./core/log.js');
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

async function runCleanups(cleanups: Array<() => Promise<void>>, log?: Logger): Promise<void> {
  for (const cleanup of cleanups) {
    await cleanup().catch((error: unknown) => log?.warn({ err: error }, 'cleanup failed'));
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
      `Claude Code: claude mcp add --transport http agent-platforms ${url}${headers ? ` --header 'Authorization: Bearer <MCP_HTTP_TOKEN>'` : ''}`,
      ...(config.sandbox ? sandboxStdioEntry() : []),
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

/** Why the HTTP port could not be opened, as a startup error that says what to pass instead. */
function listenError(error: unknown, { host, port }: Config['http']): ConfigError | undefined {
  const reasons: Record<string, string> = {
    EADDRINUSE: `port ${port} is in use; pass --port 0 for a free one`,
    EACCES: `port ${port} needs privileges here; pass a port above 1023, or --port 0 for a free one`,
    EADDRNOTAVAIL: `--host ${host} is not an address of this machine; pass --host 127.0.0.1 or one of its own addresses`,
    EAFNOSUPPORT: `--host ${host} is of an address family this machine does not serve; pass --host 127.0.0.1`,
    ENOTFOUND: `--host ${host} does not resolve; pass an IP address such as 127.0.0.1`,
  };
  const reason = reasons[String((error as NodeJS.ErrnoException)?.code)];
  return reason ? new ConfigError(reason) : undefined;
}

/**
 * Claude Desktop speaks stdio only (issue #16): an entry that starts this same CLI with its own
 * sandbox, by absolute paths computed here (Desktop does not run in this directory or shell).
 */
function sandboxStdioEntry(): string[] {
  const args = [fileURLToPath(import.meta.url), '--sandbox'];
  const entry = { mcpServers: { 'agent-platforms': { command: process.execPath, args } } };
  return [
    `In the client, read the resource ${SANDBOX_GUIDE_URI}: the seeded ids and a first call per platform.`,
    'stdio entry (Claude Desktop claude_desktop_config.json; it starts its own sandbox, this server need not run):',
    JSON.stringify(entry, null, 2),
    `Claude Code: claude mcp add agent-platforms -- ${[process.execPath, ...args].map(shellWord).join(' ')}`,
  ];
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    // One line per problem, each saying what to set or pass (issue #16).
    for (const line of error.message.split('\n')) process.stderr.write(`agent-platforms-mcp: ${line}\n`);
    process.exit(2);
  }
  const message = error instanceof Error ? error.message : String(error);
  void import('./core/log.js')
    .then(({ scrubSecrets }) => {
      process.stderr.write(`agent-platforms-mcp: fatal: ${scrubSecrets(message)}\n`);
      process.exit(1);
    })
    .catch(() => process.exit(1));
});
