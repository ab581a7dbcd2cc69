// Bundles the CLI for start-up speed: loading one module graph from a few files is markedly faster
// than resolving hundreds (bench/RESULTS.md, cold start). tsc still emits every module under dist/
// for the bench, the docs generator and the tests; this overwrites dist/cli.js with the bundle and
// writes its chunks flat beside it (dist/bundle-*.js), so `../package.json` resolves as before.
// Every dependency is inside the bundle, so the published package has none (issue #16). `prepack`
// runs this alone (no tsc needed) before `npm pack` and `npm publish`; not `prepare`, which npm 11
// reports to everyone who installs the package as an install script awaiting approval.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const dist = new URL('../dist/', import.meta.url);
mkdirSync(dist, { recursive: true });
for (const file of readdirSync(dist)) if (file.startsWith('bundle-')) rmSync(new URL(file, dist));

// zod's `z.locales` namespace holds ~50 translations of its error messages (260 KB minified) that
// every start would parse; nothing here selects one (zod configures English itself), so its index
// resolves to English alone.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, ({ importer }) =>
      importer.includes(`${sep}zod${sep}`) ? { path: 'zod-locales', namespace: 'zod-en' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-en' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: fileURLToPath(new URL('..', import.meta.url)),
    }));
  },
};

await build({
  entryPoints: [new URL('../src/cli.ts', import.meta.url).pathname],
  outdir: dist.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'bundle-[name]-[hash]',
  // CommonJS dependencies (pino, undici) call require(); give the ESM bundle one. pino's worker
  // transports (the one part that needs files of its own) are never used: logs go to fd 2.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  minify: true,
  plugins: [zodEnglishOnly],
  logLevel: 'warning',
});
