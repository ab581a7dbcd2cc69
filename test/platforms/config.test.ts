import { describe, expect, it } from 'vitest';
import { PLATFORM_CONFIGS } from '../../src/platforms/config.js';
import { PLATFORM_MODULES } from '../../src/platforms/index.js';

// src/platforms/config.ts lists each platform's light part for the start-up path (cold start);
// index.ts lists the modules. Adding a platform to one and not the other fails here.
describe('the platforms the configuration reads', () => {
  it('are the modules of src/platforms/index.ts, in the same order, with the same light part', () => {
    expect(PLATFORM_CONFIGS.map((c) => c.name)).toEqual(PLATFORM_MODULES.map((m) => m.name));
    PLATFORM_CONFIGS.forEach((config, i) => {
      const module = PLATFORM_MODULES[i]!;
      for (const key of Object.keys(config) as Array<keyof typeof config>)
        expect(module[key], `${module.name}.${key}`).toBe(config[key]);
    });
  });
});
