import ama2Thread from './ama2.js';
import { AMIGO_RESOURCES } from './amigo.js';
import attheneSession from './atthene.js';
import type { ResourceDefinition } from './define.js';

/** Every resource and template, in a stable order. */
export const ALL_RESOURCES: readonly ResourceDefinition[] = [ama2Thread, ...AMIGO_RESOURCES, attheneSession];
