import type { PlatformConfig } from '../core/platform.js';
import { AMA2_CONFIG } from './ama2/credentials.js';
import { AMIGO_CONFIG } from './amigo/credentials.js';
import { ATTHENE_CONFIG } from './atthene/credentials.js';

// What the configuration reads of each platform, in the order of index.ts, without loading any
// platform's tools, client or emulator: the start-up path up to the `initialize` answer loads this
// file, not index.ts (cold start, issue #15). test/platforms/config.test.ts keeps the two in step.
export const PLATFORM_CONFIGS: readonly PlatformConfig[] = [AMA2_CONFIG, AMIGO_CONFIG, ATTHENE_CONFIG];
