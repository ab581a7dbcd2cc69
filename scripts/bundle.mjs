// Bundles the CLI for start-up speed: loading one module graph from a few files is markedly faster
// than resolving hundreds (bench/RESULTS.md, cold start). tsc still emits every module under dist/
// for the bench, the docs generator and the tests; this overwrites dist/cli.js with the bundle and
// writes its chunks flat beside it (dist/bundle-*.js), so `../package.json` resolves as before.
import { readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const dist = new URL('../dist/', import.meta.url);
for (const file of readdirSync(dist)) if (file.startsWith('bundle-')) rmSync(new URL(file, dist));

await build({
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outdir: dist.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'bundle-[name]-[hash]',
  // undici loads lazily on the first platform request (not on the start-up path) and does not
  // survive bundling, so it stays a normal dependency.
  // ioredis loads only with MCP_REDIS_URL (src/http/redis.ts); it stays a normal dependency too.
  external: ['undici', 'ioredis'],
  // CommonJS dependencies (pino) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  minify: true,
  logLevel: 'warning',
});
