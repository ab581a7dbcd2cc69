import type { PlatformModule } from '../core/platform.js';
import { allTools } from '../core/tools/index.js';
import { ama2 } from './ama2/index.js';
import { amigo } from './amigo/index.js';
import { atthene } from './atthene/index.js';

// The one file that names every platform. Adding a platform is a folder under src/platforms/ and
// one entry here (docs/ARCHITECTURE.md).
const MODULES = [ama2, amigo, atthene] as const;

export const PLATFORM_MODULES: readonly PlatformModule[] = MODULES;

/** The modules' own (narrow) types, for types derived from them (sandbox, clients). */
export type Module = (typeof MODULES)[number];
/** A platform's name: `ama2`, `amigo`, `atthene`. */
export type Platform = Module['name'];
export const PLATFORMS = MODULES.map((m) => m.name) as readonly Platform[];

/** Each platform's credentials, as its module reads them. */
export type PlatformCredentials = { [M in Module as M['name']]?: Parameters<M['createClient']>[0] };

/** Every tool of every platform, and the core ones (for tests, docs and snapshots). */
export const ALL_TOOLS = allTools(PLATFORM_MODULES);
