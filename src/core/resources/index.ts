import ama2Thread from '../../platforms/ama2/resources.js';
import { AMIGO_RESOURCES } from '../../platforms/amigo/resources.js';
import attheneSession from '../../platforms/atthene/resources.js';
import type { ResourceDefinition } from './define.js';

/** Every resource and template, in a stable order. */
export const ALL_RESOURCES: readonly ResourceDefinition[] = [ama2Thread, ...AMIGO_RESOURCES, attheneSession];
