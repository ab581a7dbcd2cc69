import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReference } from '../src/core/reference.js';

describe('docs/tools.md', () => {
  it('is up to date with the registry (regenerate with `npm run docs`)', async () => {
    const committed = readFileSync(join(import.meta.dirname, '../docs/tools.md'), 'utf8');
    expect(committed).toBe(await renderReference());
  });
});
