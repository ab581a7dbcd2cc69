// Rewrites the configuration tables in README.md (the block between the config markers) from the
// built config schema. Run with `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigBlock } from '../dist/core/config-doc.js';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withConfigBlock(readFileSync(readme, 'utf8')));
console.error('README.md configuration tables written');
