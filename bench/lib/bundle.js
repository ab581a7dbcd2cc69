// The CLI bundled as dist/cli.js is (scripts/bundle.mjs) but not minified and with source maps, in a
// temporary folder with package.json beside it as in the repo: readable names in CPU profiles and
// heap snapshots. For bench/profile.js and bench/heap-diff.js only; the bench measures dist/cli.js.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = (relative) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** dist/cli.js's bundle, unminified, in a temporary folder with package.json beside it as in the repo. */
export async function readableBundle(root) {
  copyFileSync(repo('package.json'), join(root, 'package.json'));
  await build({
    entryPoints: [repo('src/cli.ts')],
    outdir: join(root, 'dist'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return join(root, 'dist', 'cli.js');
}
