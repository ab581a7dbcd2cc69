import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  type LoggingLevel,
  type ServerNotification,
  type ServerRequest,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type Clients, secretsOfClients } from './core/client-secrets.js';
import { PlatformError } from './core/errors.js';
import { type Logger, scrubResult, scrubSecrets } from './core/log.js';
import type { PlatformModule } from './core/platform.js';
import { type CallContext, errorText, runTool, selectTools, type ToolDefinition } from './core/registry.js';
import {
  type ResourceContext,
  type ResourceDefinition,
  templatePrefix,
  withClient,
} from './core/resources/define.js';
import { answerUnknownResources, RpcError } from './core/resources/not-found.js';
import { RecentResources } from './core/resources/recent.js';
import { type FleetWatch, type RunWatch, Watchers, WatchLimitError } from './core/resources/watchers.js';
import { type GuideSection, registerSandboxGuide, SANDBOX_GUIDE_URI } from './core/sandbox-guide.js';
import { instructions, serverInfo } from './core/server-info.js';
import { toolListEntry } from './core/tool-schema.js';
import { allTools } from './core/tools/index.js';
import { PLATFORM_MODULES } from './platforms/index.js';
import { registerPrompts } from './prompts.js';
import { PACKAGE_NAME } from './version.js';

export const DEFAULT_MAX_WATCHERS = 20;

export interface ServerOptions {
  clients: Clients;
  log: Logger;
  toolsets: readonly string[];
  /** The platforms --toolsets named, when given. */
  namedToolsets?: readonly string[];
  readOnly: boolean;
  maxResultChars: number;
  maxWatchers?: number;
  /** False in stateless HTTP mode: nothing can be watched between requests. */
  subscriptions?: boolean;
  /** HTTP sessions: watches shared by sessions and replicas (one per resource and credentials). */
  fleet?: FleetWatch;
  /** The platform modules to offer (default: every module in src/platforms/index.ts). */
  platforms?: readonly PlatformModule[];
  /** Overrides for tests; default to the platforms' own. */
  tools?: readonly ToolDefinition[];
  resources?: readonly ResourceDefinition[];
  /** In the sandbox: each platform's part of sandbox://guide. */
  sandboxGuide?: readonly GuideSection[];
}

/** What one session's handlers share: its clients, its recent resources, its calls in flight. */
interface Session {
  options: ServerOptions;
  platforms: readonly PlatformModule[];
  recent: RecentResources;
  /** Calls in flight, aborted when the session closes. (AbortSignal.any on the session signal per
   * call would pile a listener onto it for every call the session ever made.) */
  inFlight: Set<AbortController>;
  notifyClient(level: LoggingLevel, data: Record<string, unknown>): void;
}

/**
 * One MCP server per session. Registers the tools, resources and prompts of the configured
 * platforms; the only module that calls registerTool.
 */
export function createServer(options: ServerOptions): McpServer {
  const { clients, log } = options;
  const platforms = options.platforms ?? PLATFORM_MODULES;
  const server = new McpServer(serverInfo(platforms), {
    capabilities: {
      tools: { listChanged: false },
      resources: { subscribe: options.subscriptions !== false, listChanged: false },
      logging: {},
    },
    instructions: instructions(platforms, options.sandboxGuide !== undefined),
  });
  answerUnknownResources(server, platforms);
  const session: Session = {
    options,
    platforms,
    recent: new RecentResources(),
    inFlight: new Set(),
    /** Important events also go to the client as log notifications (filtered by logging/setLevel). */
    notifyClient(level, data) {
      const payload = JSON.parse(scrubSecrets(JSON.stringify(data))) as Record<string, unknown>;
      server.server
        .sendLoggingMessage(
          { level, logger: PACKAGE_NAME, data: payload },
          server.server.transport?.sessionId,
        )
        .catch(() => {
          // The client may be gone; stderr still has the event.
        });
    },
  };
  registerTools(server, session);
  const resourceContext = (signal: AbortSignal): ResourceContext => ({
    client: undefined,
    clients,
    log,
    recent: session.recent,
    signal,
    maxResultChars: options.maxResultChars,
  });
  const offered = platforms.filter((p) => options.toolsets.includes(p.name) && clients[p.name]);
  const resources = (options.resources ?? offered.flatMap((p) => p.resources)).filter(
    (def) => options.toolsets.includes(def.platform) && clients[def.platform] !== undefined,
  );
  for (const def of resources) registerResource(server, def, resourceContext);
  if (options.sandboxGuide) {
    const sections = options.sandboxGuide.filter((s) => offered.some((p) => p.name === s.platform));
    registerSandboxGuide(server, sections, options.readOnly);
  }
  registerPrompts(server, offered, resources, resourceContext);
  const closed = new AbortController();
  const watchers = options.subscriptions === false ? undefined : watchersOf(session);
  if (watchers)
    registerSubscriptions(
      server,
      resources,
      watchers,
      resourceContext(closed.signal),
      session.notifyClient,
      options.fleet,
    );
  else refuseSubscriptions(server);

  const previousOnClose = server.server.onclose;
  server.server.onclose = () => {
    closed.abort();
    for (const call of session.inFlight) call.abort();
    watchers?.closeAll();
    previousOnClose?.();
  };
  return server;
}

/** A watch that fails for good ends; the subscriber hears why (it gets no more updates). */
function watchersOf(session: Session): Watchers {
  const { options, platforms } = session;
  return new Watchers(options.maxWatchers ?? DEFAULT_MAX_WATCHERS, options.log, (uri, error) =>
    session.notifyClient('error', {
      resource: uri,
      subscription: 'ended',
      error:
        error instanceof PlatformError
          ? errorText(error, undefined, platforms.find((p) => p.name === error.platform)?.hints)
          : String((error as Error)?.message ?? error),
    }),
  );
}

function refuseSubscriptions(server: McpServer): void {
  const unavailable = async () => {
    throw new RpcError(
      ErrorCode.InvalidRequest,
      'Subscriptions are unavailable: this server runs stateless (--stateless); read the resource again instead, or use a stateful server.',
    );
  };
  server.server.setRequestHandler(SubscribeRequestSchema, unavailable);
  server.server.setRequestHandler(UnsubscribeRequestSchema, unavailable);
}

function registerTools(server: McpServer, session: Session): void {
  const { options, platforms } = session;
  const tools = selectTools(options.tools ?? allTools(platforms), {
    toolsets: options.toolsets,
    readOnly: options.readOnly,
    clients: options.clients,
    platforms,
  });
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        // Passed through as sent: runTool parses them, so an unknown name is refused, not dropped.
        inputSchema: RAW_ARGUMENTS,
        // No outputSchema here: runTool validates every result against the tool's own (once, not
        // twice), tools/list is answered below, and the SDK would build its zod copy per session.
        annotations: tool.annotations,
      },
      (args: Record<string, unknown>, extra) => callTool(session, tool, args, extra),
    );
  }
  // tools/list is served from the registry in its slim form (core/tool-schema.ts), built once per
  // process for each tool, on the first tools/list rather than before initialize (cold start).
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(toolListEntry) }));
}

const RAW_ARGUMENTS = z.looseObject({});

type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

async function callTool(
  session: Session,
  tool: ToolDefinition,
  args: Record<string, unknown>,
  extra: ToolExtra,
): Promise<CallToolResult> {
  const { options } = session;
  const progressToken = extra._meta?.progressToken;
  const call = new AbortController();
  const cancel = () => call.abort();
  extra.signal.addEventListener('abort', cancel, { once: true });
  session.inFlight.add(call);
  const ctx: CallContext = {
    clients: options.clients,
    platforms: session.platforms,
    toolsets: options.toolsets,
    ...(options.namedToolsets ? { namedToolsets: options.namedToolsets } : {}),
    log: options.log,
    signal: call.signal,
    recent: session.recent,
    maxResultChars: options.maxResultChars,
    ...(options.sandboxGuide ? { guide: SANDBOX_GUIDE_URI } : {}),
    progress: async (progress, total, message) => {
      if (progressToken === undefined) return;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: {
          progressToken,
          progress,
          ...(total === undefined ? {} : { total }),
          ...(message === undefined ? {} : { message: scrubSecrets(message) }),
        },
      });
    },
  };
  const result = await runTool(tool, args, ctx).finally(() => {
    session.inFlight.delete(call);
    extra.signal.removeEventListener('abort', cancel);
  });
  if (result.isError) {
    const first = result.content[0];
    session.notifyClient('warning', {
      tool: tool.name,
      error: first?.type === 'text' ? first.text : 'error',
    });
  }
  return result;
}

function registerResource(
  server: McpServer,
  def: ResourceDefinition,
  sessionContext: (signal: AbortSignal) => ResourceContext,
): void {
  const context = (signal: AbortSignal) => withClient(sessionContext(signal), def);
  const metadata = { title: def.title, description: def.description, mimeType: def.mimeType };
  if (!UriTemplate.isTemplate(def.uriTemplate)) {
    server.registerResource(def.name, def.uriTemplate, metadata, (uri, extra) =>
      readScrubbed(def, uri, {}, context(extra.signal)),
    );
    return;
  }
  const prefix = templatePrefix(def.uriTemplate);
  // Titles carry names from the platform (`Session with <agent name>`): scrubbed like a read.
  const list = async () => {
    const ctx = context(AbortSignal.timeout(15_000));
    const resources = def.list
      ? await def.list(ctx)
      : ctx.recent.list(prefix).map(({ platform: _platform, ...resource }) => resource);
    return { resources: scrubResult(resources, secretsOfClients(ctx.clients)) };
  };
  const variables = new UriTemplate(def.uriTemplate).variableNames;
  const complete = Object.fromEntries(
    variables.map((name) => [
      name,
      async (value: string) => {
        const ctx = context(AbortSignal.timeout(10_000));
        const custom = def.complete?.[name];
        if (custom) return scrubResult(await custom(value, ctx), secretsOfClients(ctx.clients));
        // Default: ids of recently seen resources of this template.
        const template = new UriTemplate(def.uriTemplate);
        return ctx.recent
          .list(prefix)
          .map((r) => template.match(r.uri)?.[name])
          .filter((id): id is string => typeof id === 'string' && id.startsWith(value))
          .slice(0, 100);
      },
    ]),
  );
  server.registerResource(
    def.name,
    new ResourceTemplate(def.uriTemplate, { list, complete }),
    metadata,
    (uri, vars, extra) => readScrubbed(def, uri, flattenVariables(vars), context(extra.signal)),
  );
}

/** A platform may echo a key into a conversation as into a tool result: scrubbed the same way. */
async function readScrubbed(
  def: ResourceDefinition,
  uri: URL,
  vars: Record<string, string>,
  ctx: ResourceContext<never>,
): ReturnType<ResourceDefinition['read']> {
  return scrubResult(await def.read(uri, vars, ctx), secretsOfClients(ctx.clients));
}

function flattenVariables(vars: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : value]),
  );
}

function registerSubscriptions(
  server: McpServer,
  resources: readonly ResourceDefinition[],
  watchers: Watchers,
  ctx: ResourceContext,
  notifyClient: (level: LoggingLevel, data: Record<string, unknown>) => void,
  fleet?: FleetWatch,
): void {
  const matchers = resources
    .filter((def) => def.watch)
    .map((def) => ({ def, template: new UriTemplate(def.uriTemplate) }));

  /** Starts watching `uri`; false when no resource of this server can be watched there. */
  const subscribe = (uri: string): boolean => {
    const match = matchers.map((m) => ({ ...m, vars: m.template.match(uri) })).find((m) => m.vars);
    if (!match?.vars) return false;
    const { def, vars } = match;
    const run: RunWatch = (signal, changed) =>
      def.watch!(flattenVariables(vars), { ...withClient(ctx, def), signal }, { signal, changed });
    watchers.subscribe(uri, async (signal) => {
      const sessionId = server.server.transport?.sessionId;
      if (fleet && sessionId) return fleet.watch(sessionId, uri, signal, run);
      await run(signal, () => {
        server.server.sendResourceUpdated({ uri }).catch(() => {});
      });
    });
    return true;
  };
  // Another replica may resume this session's subscriptions (a GET stream opened there).
  fleet?.offer(server, (uri) => {
    try {
      subscribe(uri);
    } catch {
      // Past MCP_MAX_WATCHERS or closing: the client subscribes again if it still cares.
    }
  });

  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    const uri = request.params.uri;
    let watched: boolean;
    try {
      watched = subscribe(uri);
    } catch (error) {
      if (error instanceof WatchLimitError) throw new RpcError(ErrorCode.InvalidRequest, error.message);
      throw error;
    }
    if (!watched)
      throw new RpcError(
        ErrorCode.InvalidParams,
        `${uri} cannot be subscribed to: subscriptions work on conversation histories (${matchers.map((m) => m.def.uriTemplate).join(', ') || 'none configured'}).`,
      );
    await fleet?.remember(server.server.transport?.sessionId, uri, true);
    notifyClient('debug', { subscribed: uri });
    return {};
  });

  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    watchers.unsubscribe(request.params.uri);
    await fleet?.remember(server.server.transport?.sessionId, request.params.uri, false);
    return {};
  });
}
