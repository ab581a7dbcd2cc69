// Writes docs/tools.md from the built server's tools/list. Run with `npm run docs`.
import { writeFileSync } from 'node:fs';
import { renderReference } from '../dist/core/reference.js';

writeFileSync(new URL('../docs/tools.md', import.meta.url), await renderReference());
console.error('docs/tools.md written');
