import describeOperation from '../catalog/tools/describe-operation.js';
import apiRead from '../catalog/tools/read.js';
import searchOperations from '../catalog/tools/search-operations.js';
import apiWrite from '../catalog/tools/write.js';
import type { PlatformModule } from '../platform.js';
import type { ToolDefinition } from '../registry.js';
import platformsStatus from './platforms-status.js';

/** Tools of no platform; each platform's own are in its module (src/platforms/<name>/tools/index.ts). */
export const CORE_TOOLS: readonly ToolDefinition[] = [
  platformsStatus,
  searchOperations,
  describeOperation,
  apiRead,
  apiWrite,
];

/** The core tools and every tool of the given platforms: the one list tools/list, docs and snapshots come from. */
export function allTools(platforms: readonly PlatformModule[]): readonly ToolDefinition[] {
  return [...CORE_TOOLS, ...platforms.flatMap((p) => p.tools)];
}
