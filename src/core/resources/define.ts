import type { ReadResourceResult, Resource } from '@modelcontextprotocol/sdk/types.js';
import type { Clients } from '../clients.js';
import type { Platform } from '../config.js';
import type { Logger } from '../log.js';
import type { RecentResources } from './recent.js';

export interface ResourceContext {
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

export interface ResourceDefinition {
  /** Unique registration name, e.g. `ama2_thread`. */
  name: string;
  title: string;
  /** Every resource and template has a description (the conformance suite checks it). */
  description: string;
  platform: Platform;
  /** RFC 6570 template, e.g. `ama2://threads/{thread_id}`, or a fixed URI for a static resource. */
  uriTemplate: string;
  mimeType: string;
  /** Resources for resources/list; defaults to the recently seen ones under this template's prefix. */
  list?(ctx: ResourceContext): Promise<Resource[]>;
  /** Completion of a template variable from a partial value. Defaults to ids of recently seen ones. */
  complete?: Record<string, (value: string, ctx: ResourceContext) => Promise<string[]>>;
  read(uri: URL, variables: UriVariables, ctx: ResourceContext): Promise<ReadResourceResult>;
  /** Watches the resource until `signal` aborts, calling `changed()` on each change. Enables subscribe. */
  watch?(variables: UriVariables, ctx: ResourceContext, controls: WatchControls): Promise<void>;
}

export function defineResource(definition: ResourceDefinition): ResourceDefinition {
  return definition;
}

/** The fixed part of a template before its first variable: `ama2://threads/{thread_id}` → `ama2://threads/`. */
export function templatePrefix(uriTemplate: string): string {
  const brace = uriTemplate.indexOf('{');
  return brace === -1 ? uriTemplate : uriTemplate.slice(0, brace);
}
