import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import type { Clients } from '../client-secrets.js';
import type { Logger } from '../log.js';
import type { RecentResources } from './recent.js';

export interface ResourceContext<C = unknown> {
  /** The resource's platform client; resources of a platform are offered only when it exists. */
  client: C;
  clients: Clients;
  log: Logger;
  recent: RecentResources;
  signal: AbortSignal;
  maxResultChars: number;
}

export type UriVariables = Record<string, string>;

export interface WatchControls {
  signal: AbortSignal;
  /** Tells the subscriber the resource changed; the framework sends notifications/resources/updated. */
  changed(): void;
}

/**
 * `C` is the platform's client. Lists of resources of several platforms use the default, `never`:
 * the server hands each resource the client of its own platform (server.ts withClient).
 */
export interface ResourceDefinition<C = never> {
  /** Unique registration name, e.g. `ama2_thread`. */
  name: string;
  title: string;
  /** Every resource and template has a description (the conformance suite checks it). */
  description: string;
  /** The module this resource belongs to (its `name`). */
  platform: string;
  /** RFC 6570 template, e.g. `ama2://threads/{thread_id}`, or a fixed URI for a static resource. */
  uriTemplate: string;
  mimeType: string;
  /** Resources for resources/list; defaults to the recently seen ones under this template's prefix. */
  list?(ctx: ResourceContext<C>): Promise<Resource[]>;
  /** Completion of a template variable from a partial value. Defaults to ids of recently seen ones. */
  complete?: Record<string, (value: string, ctx: ResourceContext<C>) => Promise<string[]>>;
  read(uri: URL, variables: UriVariables, ctx: ResourceContext<C>): Promise<ReadResourceResult>;
  /** Watches the resource until `signal` aborts, calling `changed()` on each change. Enables subscribe. */
  watch?(variables: UriVariables, ctx: ResourceContext<C>, controls: WatchControls): Promise<void>;
}

export function defineResource<C>(definition: ResourceDefinition<C>): ResourceDefinition<C> {
  return definition;
}

/** The context one resource runs in: its own platform's client as `client`. */
export function withClient(ctx: ResourceContext, def: ResourceDefinition): ResourceContext<never> {
  // Resources of a platform are registered only when its client exists (createServer).
  return { ...ctx, client: ctx.clients[def.platform] } as ResourceContext<never>;
}

/** A template match's variables as strings: a list variable joined with commas. */
export function flattenVariables(vars: Record<string, string | string[]>): UriVariables {
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : value]),
  );
}

/** The fixed part of a template before its first variable: `ama2://threads/{thread_id}` → `ama2://threads/`. */
export function templatePrefix(uriTemplate: string): string {
  const brace = uriTemplate.indexOf('{');
  return brace === -1 ? uriTemplate : uriTemplate.slice(0, brace);
}
