import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Emulator } from './emulator/emulator.js';
import type { FaultOptions } from './emulator/faults.js';
import type { HttpClientOptions } from './http-client.js';
import type { Logger } from './log.js';
import type { ToolDefinition } from './registry.js';
import type { ResourceContext, ResourceDefinition } from './resources/define.js';

// A platform is one folder under src/platforms/ whose index.ts exports a PlatformModule; the
// shared layers (config, clients, registry, status, HTTP, sandbox) iterate over the modules listed
// in src/platforms/index.ts and never name a platform (docs/ARCHITECTURE.md).

/** What every platform client takes besides its credentials: timeouts, retry policy, logger, dispatcher. */
export type ClientOptions = Omit<HttpClientOptions, 'platform' | 'baseUrl' | 'headers'>;

/** What the shared layers need of any platform client. */
export interface PlatformClient {
  readonly credentials: { readonly baseUrl: string };
  close(): Promise<void>;
}

/** The outcome of a cheap authenticated request (platforms_status, /readyz). */
export interface Probe {
  reachable: boolean;
  authenticated: boolean;
  detail?: string;
}

/** A variable of the environment a platform reads; `header` names its per-session HTTP header. */
export interface EnvVar {
  describe: string;
  schema: z.ZodType;
  /** The request header an HTTP session may bring this credential in (lower case). */
  header?: string;
  /** An id rather than a secret (not scrubbed, no minimum length as a header). */
  notSecret?: boolean;
}

/** The parts of an OpenAPI 3.1 document the server reads; the rest is kept as it is. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** A tool call the sandbox guide suggests; `"<name>"` in an argument stands for that field of an earlier result. */
export interface GuideCall {
  tool: string;
  arguments: Record<string, unknown>;
  /** What to expect, one short sentence. */
  note?: string;
}

/** What a platform's sandbox tells a newcomer (sandbox://guide): its seeded fixtures and calls that work as written. */
export interface SandboxGuide {
  /** Markdown lines naming the fixtures a tool needs (ids and names). */
  fixtures: string[];
  /** A first conversation, in order. */
  calls: GuideCall[];
}

/** One platform's sandbox: an emulator on loopback and the credentials that reach it. */
export interface SandboxPart<Creds, World = unknown> {
  credentials: Creds;
  emulator: Emulator;
  world: World;
  /** Its part of the sandbox guide resource (issue #16). */
  guide?: SandboxGuide;
  close(): Promise<void>;
}

export interface SandboxStartOptions {
  faults?: FaultOptions;
  logger?: Logger;
}

/** A prompt message from the user's side. */
export const promptText = (body: string): GetPromptResult['messages'][number] => ({
  role: 'user',
  content: { type: 'text', text: body },
});

/** What a prompt's `get` and completions run with. */
export interface PromptContext {
  /** A resource context with the prompt's platform client (undefined for prompts of no platform). */
  context(signal?: AbortSignal): ResourceContext;
  /** Ids of the conversations this session has seen under `prefix` that start with `value`. */
  recentIds(prefix: string, value: string): string[];
}

export interface PromptArgument {
  name: string;
  description: string;
  required?: boolean;
  /** Values for completion/complete from what the user typed so far. */
  complete?(value: string, ctx: PromptContext): string[] | Promise<string[]>;
}

/** A prompt, as data: the server lists it, checks its arguments and completes them. */
export interface PromptDefinition {
  name: string;
  title: string;
  description: string;
  arguments: readonly PromptArgument[];
  get(
    args: Readonly<Record<string, string | undefined>>,
    ctx: PromptContext & { signal: AbortSignal },
  ): GetPromptResult | Promise<GetPromptResult>;
}

/**
 * What the configuration and the `initialize` answer read of a platform: small and loaded first,
 * before its tools, client and emulator (cold start). Each module spreads its own into itself.
 */
export type PlatformConfig = Pick<
  PlatformModule,
  'name' | 'title' | 'summary' | 'env' | 'setup' | 'credentials' | 'withSettings' | 'hints'
>;

/**
 * Everything the server knows of one platform. Methods (not function properties) so a module
 * with concrete client and credential types is a PlatformModule of the general ones.
 */
export interface PlatformModule<
  Client extends PlatformClient = PlatformClient,
  Creds extends { baseUrl: string } = { baseUrl: string },
> {
  /** Tool prefix, toolset name, resource scheme, and the key of its credentials and client. */
  readonly name: string;
  readonly title: string;
  /** What its tools drive, for the server instructions (e.g. "AMA2 threads"). */
  readonly summary: string;
  /** Every variable it reads (credentials, base URL, settings), with help text and schema. */
  readonly env: Readonly<Record<string, EnvVar>>;
  /** One line for the "no platform is configured" message: which variables to set. */
  readonly setup: string;
  /** Credentials from validated variables; undefined when none are set; throws ConfigError. */
  credentials(env: Readonly<Record<string, unknown>>): Creds | undefined;
  /** The secret values among the credentials (keys, tokens; not ids or URLs). */
  secrets(credentials: Creds): string[];
  createClient(credentials: Creds, options: ClientOptions): Client;
  probe(client: Client, signal: AbortSignal): Promise<Probe>;
  /** The sentence an auth error ends with (which variable to check), and the base URL variable. */
  readonly hints: { readonly auth: string; readonly baseUrlVar: string };
  readonly tools: readonly ToolDefinition[];
  readonly resources: readonly ResourceDefinition[];
  readonly prompts?: readonly PromptDefinition[];
  /** Applies the server's settings (e.g. a timeout variable) to credentials that did not come from the environment. */
  withSettings?(credentials: Creds, env: Readonly<Record<string, unknown>>): Creds;
  /** Starts its emulator on 127.0.0.1 (loaded lazily: not on the start-up path). */
  startSandbox(options: SandboxStartOptions & Record<string, unknown>): Promise<SandboxPart<Creds>>;
  /**
   * The platform's API as an OpenAPI 3.1 document: the one description its client, emulator,
   * contract tests and the operation catalog read (loaded lazily: not on the start-up path).
   */
  openapi?(): Promise<OpenApiDocument>;
  /**
   * The credential each security scheme of its document is (scheme name → credentials key and the
   * variable that sets it): the catalog authenticates each operation as its `security` says.
   */
  readonly securitySchemes?: Readonly<Record<string, { credential: string; env: string }>>;
  /** The tool or resource that serves each event-stream operation of its document (by operationId). */
  readonly streamedBy?: Readonly<Record<string, string>>;
  /** Credentials that are never contacted: for listing tools offline (docs, bench). */
  readonly offlineCredentials: Creds;
}
