import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol, type RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  CompleteRequestSchema,
  type CompleteResult,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type LoggingLevel,
  ReadResourceRequestSchema,
  type ServerNotification,
  type ServerRequest,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { type Clients, secretsOfClients } from './core/client-secrets.js';
import { PlatformError } from './core/errors.js';
import { type Logger, scrubResult, scrubSecrets } from './core/log.js';
import { getOrSet } from './core/memo.js';
import type { PlatformModule, PromptContext, PromptDefinition } from './core/platform.js';
import { type CallContext, errorText, runTool, selectTools, type ToolDefinition } from './core/registry.js';
import {
  flattenVariables,
  type ResourceContext,
  type ResourceDefinition,
  templatePrefix,
  withClient,
} from './core/resources/define.js';
import { matchResource, notFound, RpcError, readError, type Served } from './core/resources/not-found.js';
import { RecentResources } from './core/resources/recent.js';
import { type FleetWatch, type RunWatch, Watchers, WatchLimitError } from './core/resources/watchers.js';
import { type GuideSection, SANDBOX_GUIDE_URI, sandboxGuideResource } from './core/sandbox-guide.js';
import { capabilities, instructions, serverInfo } from './core/server-info.js';
import { closestName, shownName } from './core/tool-input.js';
import { toolListEntry } from './core/tool-schema.js';
import { allTools } from './core/tools/index.js';
import { PLATFORM_MODULES } from './platforms/index.js';
import { summarizePrompt } from './prompts.js';
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

// Issue #15: a session used to build its own McpServer (a registerTool per tool, a UriTemplate per
// resource, zod prompt schemas) for 120+ KB of heap. What sessions with the same selection share
// is now a Plan, built once per process; a session holds its SDK Server, its recent resources, its
// watches, and the handlers below that close over them.

interface OfferedResource extends Served {
  def: ResourceDefinition;
  prefix: string;
}

interface OfferedPrompt {
  def: PromptDefinition;
  /** The platform whose client the prompt's context carries (none for summarize_conversation). */
  platform?: string;
}

/** What every session of one selection (toolsets, read-only, configured platforms) shares. */
interface Plan {
  platforms: readonly PlatformModule[];
  info: ReturnType<typeof serverInfo>;
  instructions: string;
  tools: readonly ToolDefinition[];
  toolsByName: ReadonlyMap<string, ToolDefinition>;
  resources: readonly OfferedResource[];
  prompts: readonly OfferedPrompt[];
  /** tools/list, resources/templates/list and prompts/list answers, built on first use. */
  answers: Partial<Record<'tools' | 'templates' | 'prompts', object>>;
}

function buildPlan(options: ServerOptions, tools: readonly ToolDefinition[]): Plan {
  const { clients } = options;
  const platforms = options.platforms ?? PLATFORM_MODULES;
  const offered = platforms.filter((p) => options.toolsets.includes(p.name) && clients[p.name]);
  const defs = (options.resources ?? offered.flatMap((p) => p.resources)).filter(
    (def) => options.toolsets.includes(def.platform) && clients[def.platform] !== undefined,
  );
  const guide = options.sandboxGuide
    ? sandboxGuideResource(
        options.sandboxGuide.filter((s) => offered.some((p) => p.name === s.platform)),
        options.readOnly,
      )
    : undefined;
  const resources = [...defs, ...(guide ? [guide] : [])].map(
    (def): OfferedResource => ({
      def,
      uri: def.uriTemplate,
      prefix: templatePrefix(def.uriTemplate),
      ...(UriTemplate.isTemplate(def.uriTemplate) ? { template: new UriTemplate(def.uriTemplate) } : {}),
    }),
  );
  const summarize = summarizePrompt(defs);
  return {
    platforms,
    info: serverInfo(platforms),
    instructions: instructions(platforms, options.sandboxGuide !== undefined),
    tools,
    toolsByName: new Map(tools.map((tool) => [tool.name, tool])),
    resources,
    prompts: [
      ...offered.flatMap((p) => (p.prompts ?? []).map((def) => ({ def, platform: p.name }))),
      ...(summarize ? [{ def: summarize }] : []),
    ],
    answers: {},
  };
}

/** Plans by module list, then guide, then the selection's text: one per selection per process. */
const plans = new WeakMap<object, WeakMap<object, Map<string, Plan>>>();
const NO_GUIDE = {};

function planFor(options: ServerOptions): Plan {
  const platforms = options.platforms ?? PLATFORM_MODULES;
  const tools = selectTools(options.tools ?? allTools(platforms), {
    toolsets: options.toolsets,
    readOnly: options.readOnly,
    clients: options.clients,
    platforms,
  });
  // Tests that bring their own tools or resources get a plan of their own.
  if (options.tools || options.resources) return buildPlan(options, tools);
  const configured = platforms.filter((p) => options.clients[p.name]).map((p) => p.name);
  const key = [options.toolsets, configured, options.readOnly, tools.map((t) => t.name)].join('|');
  const byGuide = getOrSet(plans, platforms, () => new WeakMap<object, Map<string, Plan>>());
  const byKey = getOrSet(byGuide, options.sandboxGuide ?? NO_GUIDE, () => new Map<string, Plan>());
  return getOrSet(byKey, key, () => buildPlan(options, tools));
}

/** What one session's handlers share: its clients, its recent resources, its watches. */
interface Session {
  options: ServerOptions;
  plan: Plan;
  server: Server;
  recent: RecentResources;
  notifyClient(level: LoggingLevel, data: Record<string, unknown>): void;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * One MCP server per session, over the plan its selection shares with every other session: the
 * only module that answers tools, resources and prompts requests.
 */
export function createServer(options: ServerOptions): Server {
  const plan = planFor(options);
  const server = new Server(plan.info, {
    capabilities: capabilities(options.subscriptions !== false),
    instructions: plan.instructions,
  });
  const session: Session = {
    options,
    plan,
    server,
    recent: new RecentResources(),
    /** Important events also go to the client as log notifications (filtered by logging/setLevel). */
    notifyClient(level, data) {
      const payload = JSON.parse(scrubSecrets(JSON.stringify(data))) as Record<string, unknown>;
      server
        .sendLoggingMessage({ level, logger: PACKAGE_NAME, data: payload }, server.transport?.sessionId)
        .catch(() => {
          // The client may be gone; stderr still has the event.
        });
    },
  };
  serveTools(session);
  serveResources(session);
  servePrompts(session);
  if (options.subscriptions === false) refuseSubscriptions(server);
  else serveSubscriptions(session);
  return server;
}

function serveTools(session: Session): void {
  const { server, plan } = session;
  // tools/list is served in its slim form (core/tool-schema.ts), built once per plan on the first
  // tools/list rather than before initialize (cold start).
  server.setRequestHandler(ListToolsRequestSchema, () => {
    plan.answers.tools ??= { tools: plan.tools.map(toolListEntry) };
    return plan.answers.tools as { tools: [] };
  });
  // Protocol's registration, not Server's: Server wraps tools/call to parse the request a second
  // time and the result against CallToolResultSchema, a union tried member by member for each
  // content block (issue #15). Every result here is built by runTool, unknownTool or the catch
  // below, and the SDK client every test drives validates each one against that schema.
  const register = Protocol.prototype.setRequestHandler as Server['setRequestHandler'];
  register.call(server, CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args } = request.params;
    const tool = plan.toolsByName.get(name);
    if (!tool) return unknownTool(name, plan.tools);
    try {
      return await callTool(session, tool, args ?? {}, extra);
    } catch (error) {
      return { isError: true, content: [{ type: 'text', text: scrubSecrets(String(error)) }] };
    }
  });
}

/** An unknown tool name is a result the model can act on: the name it most likely meant. */
function unknownTool(name: string, tools: readonly ToolDefinition[]): CallToolResult {
  const names = tools.map((t) => t.name);
  const meant = closestName(name, names);
  const platform = name.split('_')[0] ?? '';
  const same = names.filter((n) => n.startsWith(`${platform}_`));
  const hint = meant
    ? `did you mean ${meant}?`
    : same.length
      ? `the ${platform} tools are ${same.join(', ')}.`
      : 'tools/list names the tools offered; platforms_status says which platforms are configured.';
  return { isError: true, content: [{ type: 'text', text: `Tool ${shownName(name)} not found; ${hint}` }] };
}

async function callTool(
  session: Session,
  tool: ToolDefinition,
  args: Record<string, unknown>,
  extra: Extra,
): Promise<CallToolResult> {
  const { options } = session;
  const progressToken = extra._meta?.progressToken;
  // extra.signal aborts when the client cancels the call and when the session closes (the SDK
  // aborts every handler in flight on close): no controller of our own per call.
  const ctx: CallContext = {
    clients: options.clients,
    platforms: session.plan.platforms,
    toolsets: options.toolsets,
    namedToolsets: options.namedToolsets,
    log: options.log,
    signal: extra.signal,
    recent: session.recent,
    maxResultChars: options.maxResultChars,
    guide: options.sandboxGuide ? SANDBOX_GUIDE_URI : undefined,
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
  const result = await runTool(tool, args, ctx);
  if (result.isError) {
    const first = result.content[0];
    session.notifyClient('warning', {
      tool: tool.name,
      error: first?.type === 'text' ? first.text : 'error',
    });
  }
  return result;
}

/** A resource context for this session; `def` gives it its platform's client. */
function resourceContext(session: Session, signal: AbortSignal, def?: ResourceDefinition): ResourceContext {
  const ctx: ResourceContext = {
    client: undefined,
    clients: session.options.clients,
    log: session.options.log,
    recent: session.recent,
    signal,
    maxResultChars: session.options.maxResultChars,
  };
  return def ? withClient(ctx, def) : ctx;
}

function serveResources(session: Session): void {
  const { server, plan } = session;
  const secrets = () => secretsOfClients(session.options.clients);
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => {
    plan.answers.templates ??= {
      resourceTemplates: plan.resources
        .filter((r) => r.template)
        .map(({ def }) => ({
          name: def.name,
          uriTemplate: def.uriTemplate,
          title: def.title,
          description: def.description,
          mimeType: def.mimeType,
        })),
    };
    return plan.answers.templates as { resourceTemplates: [] };
  });
  // Fixed resources, then each template's: its own list, or the ones this session has seen.
  // Titles carry names from the platform (`Session with <agent name>`): scrubbed like a read.
  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const resources = [];
    for (const { def, template, prefix } of plan.resources) {
      const metadata = {
        name: def.name,
        title: def.title,
        description: def.description,
        mimeType: def.mimeType,
      };
      if (!template) {
        resources.push({ uri: def.uriTemplate, ...metadata });
        continue;
      }
      const ctx = resourceContext(session, AbortSignal.timeout(15_000), def) as ResourceContext<never>;
      const listed = def.list
        ? await def.list(ctx)
        : session.recent.list(prefix).map(({ platform: _platform, ...resource }) => resource);
      for (const resource of listed) resources.push({ ...metadata, ...resource });
    }
    return { resources: scrubResult(resources, secrets()) };
  });
  // Unknown and malformed URIs and unknown ids answer -32002 with what exists (issue #16).
  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const { uri } = request.params;
    try {
      const { served, url, variables } = matchResource(uri, plan.resources);
      const ctx = resourceContext(session, extra.signal, served.def) as ResourceContext<never>;
      return scrubResult(await served.def.read(url, flattenVariables(variables), ctx), secrets());
    } catch (error) {
      throw readError(error, uri, plan.platforms);
    }
  });
}

function servePrompts(session: Session): void {
  const { server, plan } = session;
  const promptContext = (offered: OfferedPrompt): PromptContext => ({
    context: (signal = AbortSignal.timeout(10_000)) => {
      const ctx = resourceContext(session, signal);
      return offered.platform ? { ...ctx, client: ctx.clients[offered.platform] } : ctx;
    },
    recentIds: (prefix, value) =>
      session.recent
        .list(prefix)
        .map((r) => r.uri.slice(prefix.length))
        .filter((id) => id.startsWith(value)),
  });
  const find = (name: string): OfferedPrompt => {
    const offered = plan.prompts.find((p) => p.def.name === name);
    if (offered) return offered;
    throw new RpcError(
      ErrorCode.InvalidParams,
      `Prompt ${name} not found; the prompts here are ${plan.prompts.map((p) => p.def.name).join(', ') || 'none'}.`,
    );
  };
  server.setRequestHandler(ListPromptsRequestSchema, () => {
    plan.answers.prompts ??= {
      prompts: plan.prompts.map(({ def }) => ({
        name: def.name,
        title: def.title,
        description: def.description,
        arguments: def.arguments.map((a) => ({
          name: a.name,
          description: a.description,
          required: a.required === true,
        })),
      })),
    };
    return plan.answers.prompts as { prompts: [] };
  });
  server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
    const offered = find(request.params.name);
    const args = request.params.arguments ?? {};
    const missing = offered.def.arguments.filter((a) => a.required && typeof args[a.name] !== 'string');
    if (missing.length)
      throw new RpcError(
        ErrorCode.InvalidParams,
        `Invalid arguments for prompt ${offered.def.name}: ${missing.map((a) => `${a.name} is required (${a.description})`).join('; ')}`,
      );
    return offered.def.get(args, { ...promptContext(offered), signal: extra.signal });
  });
  server.setRequestHandler(CompleteRequestSchema, async (request): Promise<CompleteResult> => {
    const { ref, argument } = request.params;
    let values: string[] = [];
    if (ref.type === 'ref/prompt') {
      const offered = find(ref.name);
      const complete = offered.def.arguments.find((a) => a.name === argument.name)?.complete;
      if (complete) values = await complete(argument.value, promptContext(offered));
    } else {
      values = await completeResource(session, ref.uri, argument);
    }
    const clean = scrubResult(values, secretsOfClients(session.options.clients));
    return { completion: { values: clean.slice(0, 100), total: clean.length, hasMore: clean.length > 100 } };
  });
}

/** A template variable's values: the resource's own completion, else ids of recently seen ones. */
async function completeResource(
  session: Session,
  uri: string,
  argument: { name: string; value: string },
): Promise<string[]> {
  const offered = session.plan.resources.find((r) => r.uri === uri);
  if (!offered) throw new RpcError(ErrorCode.InvalidParams, notFound(uri, session.plan.resources).message);
  const { def, template, prefix } = offered;
  // A fixed resource has nothing to complete (not an error in the spec).
  if (!template) return [];
  const custom = def.complete?.[argument.name];
  if (custom)
    return custom(argument.value, resourceContext(session, AbortSignal.timeout(10_000), def) as never);
  if (!template.variableNames.includes(argument.name)) return [];
  return session.recent
    .list(prefix)
    .map((r) => template.match(r.uri)?.[argument.name])
    .filter((id): id is string => typeof id === 'string' && id.startsWith(argument.value))
    .slice(0, 100);
}

function refuseSubscriptions(server: Server): void {
  const unavailable = async () => {
    throw new RpcError(
      ErrorCode.InvalidRequest,
      'Subscriptions are unavailable: this server runs stateless (--stateless); read the resource again instead, or use a stateful server.',
    );
  };
  server.setRequestHandler(SubscribeRequestSchema, unavailable);
  server.setRequestHandler(UnsubscribeRequestSchema, unavailable);
}

/** A watch that fails for good ends; the subscriber hears why (it gets no more updates). */
function watchersOf(session: Session): Watchers {
  const { options, plan } = session;
  return new Watchers(options.maxWatchers ?? DEFAULT_MAX_WATCHERS, options.log, (uri, error) =>
    session.notifyClient('error', {
      resource: uri,
      subscription: 'ended',
      error:
        error instanceof PlatformError
          ? errorText(error, undefined, plan.platforms.find((p) => p.name === error.platform)?.hints)
          : String((error as Error)?.message ?? error),
    }),
  );
}

function serveSubscriptions(session: Session): void {
  const { server, plan, options } = session;
  const fleet = options.fleet;
  const watchable = plan.resources.filter((r) => r.def.watch && r.template);
  // Watches, and the signal that ends them, exist from the first subscription on: an idle session
  // holds neither.
  let watchers: Watchers | undefined;
  let closed: AbortController | undefined;
  const previousOnClose = server.onclose;
  server.onclose = () => {
    closed?.abort();
    watchers?.closeAll();
    previousOnClose?.();
  };

  /** Starts watching `uri`; false when no resource of this server can be watched there. */
  const subscribe = (uri: string): boolean => {
    for (const { def, template } of watchable) {
      const vars = template?.match(uri);
      if (!vars) continue;
      closed ??= new AbortController();
      const ctx = resourceContext(session, closed.signal, def);
      const run: RunWatch = (signal, changed) =>
        def.watch!(flattenVariables(vars), { ...ctx, signal } as ResourceContext<never>, { signal, changed });
      watchers ??= watchersOf(session);
      watchers.subscribe(uri, async (signal) => {
        const sessionId = server.transport?.sessionId;
        if (fleet && sessionId) return fleet.watch(sessionId, uri, signal, run);
        await run(signal, () => {
          server.sendResourceUpdated({ uri }).catch(() => {});
        });
      });
      return true;
    }
    return false;
  };
  // Another replica may resume this session's subscriptions (a GET stream opened there).
  fleet?.offer(server, (uri) => {
    try {
      subscribe(uri);
    } catch {
      // Past MCP_MAX_WATCHERS or closing: the client subscribes again if it still cares.
    }
  });

  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
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
        `${uri} cannot be subscribed to: subscriptions work on conversation histories (${watchable.map((m) => m.uri).join(', ') || 'none configured'}).`,
      );
    await fleet?.remember(server.transport?.sessionId, uri, true);
    session.notifyClient('debug', { subscribed: uri });
    return {};
  });

  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    watchers?.unsubscribe(request.params.uri);
    await fleet?.remember(server.transport?.sessionId, request.params.uri, false);
    return {};
  });
}
