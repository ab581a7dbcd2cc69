import type { HttpClient } from '../http-client.js';
import { ToolInputError } from '../input-error.js';
import type { PlatformClient, PlatformModule } from '../platform.js';
import type { ToolContext, ToolSelection } from '../registry.js';
import { type Catalog, type CatalogOperation, catalogOf } from './document.js';

/** What a catalog tool works with: the platform's module, its client and its catalog. */
export interface Target {
  module: PlatformModule;
  client: PlatformClient & { http?: HttpClient };
  catalog: Catalog;
}

/** The platforms a call may name: configured, in the session's toolsets, with a document. */
export function catalogPlatforms(ctx: Pick<ToolContext, 'platforms' | 'clients' | 'toolsets'>) {
  return ctx.platforms.filter(
    (m) =>
      m.openapi !== undefined &&
      ctx.clients[m.name] !== undefined &&
      (ctx.toolsets === undefined || ctx.toolsets.includes(m.name)),
  );
}

/** Offered when some configured platform of the session has a document. */
export const hasCatalog = (_client: unknown, selection: ToolSelection) =>
  catalogPlatforms({ ...selection, platforms: selection.platforms ?? [] }).length > 0;

export async function targetOf(ctx: ToolContext, platform: string): Promise<Target> {
  const offered = catalogPlatforms(ctx);
  const module = offered.find((m) => m.name === platform);
  const catalog = module && catalogOf(module);
  if (!module || !catalog) {
    const names = offered.map((m) => m.name).join(', ') || 'none';
    throw new ToolInputError(
      `platform "${platform}" has no operation catalog here: use one of ${names} (platforms_status shows which platforms are configured).`,
    );
  }
  const client = ctx.clients[module.name] as Target['client'];
  return { module, client, catalog: await catalog };
}

export function operationOf(target: Target, id: string): CatalogOperation {
  const op = target.catalog.byId.get(id);
  if (op) return op;
  throw new ToolInputError(
    `operation_id "${id}" is not an operation of ${target.module.name}: find it with api_search_operations.`,
  );
}
