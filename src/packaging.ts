import { ENV_VARS } from './core/config.js';
import { LOG_LEVELS } from './core/log.js';
import type { EnvVar, PlatformModule } from './core/platform.js';
import type { ToolDefinition } from './core/registry.js';
import { ALL_TOOLS, PLATFORM_MODULES } from './platforms/index.js';

// The two descriptions of the server that live outside it: server.json (the MCP registry) and the
// Claude Desktop extension's manifest.json (`npm run mcpb`). Both are built here from the platform
// modules' variables and the server's own, so neither can miss a variable (issue #16); a test
// compares the committed server.json with serverJson(). Not part of the CLI bundle.

/** The package.json fields both documents repeat. */
export interface PackageInfo {
  name: string;
  version: string;
  description: string;
  license: string;
  author: string;
  homepage: string;
  repository: { url: string };
  bugs: { url: string };
  mcpName: string;
  engines: { node: string };
  keywords: string[];
}

/** The server's variables that matter over stdio (the rest configure --http). */
export const STDIO_SERVER_VARS = ['MCP_SANDBOX', 'MCP_MAX_RESULT_CHARS', 'LOG_LEVEL'] as const;

// https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json (description <= 100).
const SERVER_SCHEMA = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
const SHORT_DESCRIPTION = 'AMA2, Amigo and Atthene agent platforms as MCP tools, with a built-in sandbox';
// The version `mcpb init` writes: the stable one; 0.3 and 0.4 are marked work in progress.
const MCPB_MANIFEST_VERSION = '0.2';

interface Variable {
  name: string;
  description: string;
  secret: boolean;
  kind: 'string' | 'boolean';
  choices?: readonly string[];
}

/** A credential (it has a header) that is not an id. */
const isSecret = (v: EnvVar): boolean => v.header !== undefined && v.notSecret !== true;

/** Every variable the stdio server reads: the platforms' first, then the server's. */
export function stdioVariables(modules: readonly PlatformModule[] = PLATFORM_MODULES): Variable[] {
  const platform = modules.flatMap((m) =>
    Object.entries(m.env).map(([name, v]) => ({
      name,
      description: v.describe,
      secret: isSecret(v),
      kind: 'string' as const,
    })),
  );
  const server = STDIO_SERVER_VARS.map((name) => ({
    name,
    description: ENV_VARS[name],
    secret: false,
    kind: name === 'MCP_SANDBOX' ? ('boolean' as const) : ('string' as const),
    ...(name === 'LOG_LEVEL' ? { choices: LOG_LEVELS } : {}),
  }));
  return [...platform, ...server];
}

const repoUrl = (pkg: PackageInfo) => pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

/** server.json for the MCP registry: the npm package over stdio, and the server run remotely. */
export function serverJson(pkg: PackageInfo, modules: readonly PlatformModule[] = PLATFORM_MODULES) {
  return {
    $schema: SERVER_SCHEMA,
    name: pkg.mcpName,
    title: 'Agent Platforms',
    description: SHORT_DESCRIPTION,
    version: pkg.version,
    websiteUrl: pkg.homepage,
    repository: { url: repoUrl(pkg), source: 'github' },
    packages: [
      {
        registryType: 'npm',
        registryBaseUrl: 'https://registry.npmjs.org',
        identifier: pkg.name,
        version: pkg.version,
        runtimeHint: 'npx',
        transport: { type: 'stdio' },
        environmentVariables: stdioVariables(modules).map((v) => ({
          name: v.name,
          description: v.description,
          isRequired: false,
          isSecret: v.secret,
          ...(v.kind === 'boolean' ? { format: 'boolean' } : {}),
          ...(v.choices ? { choices: [...v.choices] } : {}),
        })),
      },
    ],
    remotes: [remote(modules)],
  };
}

/** `--http` where you deploy it: a bearer token, and each session may bring its own platform keys. */
function remote(modules: readonly PlatformModule[]) {
  const headers = modules.flatMap((m) =>
    Object.entries(m.env).flatMap(([name, v]) =>
      v.header
        ? [
            {
              name: v.header,
              description: `this session's own ${name}: ${v.describe}`,
              isRequired: false,
              isSecret: isSecret(v),
            },
          ]
        : [],
    ),
  );
  return {
    type: 'streamable-http',
    url: 'https://{host}/mcp',
    variables: {
      host: { description: 'where you run it with --http (see the README)', isRequired: true },
    },
    headers: [
      {
        name: 'Authorization',
        description: `"Bearer <MCP_HTTP_TOKEN>": ${ENV_VARS.MCP_HTTP_TOKEN}`,
        isRequired: false,
        isSecret: true,
      },
      ...headers,
    ],
  };
}

/** user_config keys are the variable names in lower case; each maps to its variable. */
const configKey = (name: string) => name.toLowerCase();

function userConfigEntry(v: Variable) {
  if (v.kind === 'boolean')
    return {
      type: 'boolean',
      title: 'Sandbox (no keys needed)',
      description: 'Run against built-in emulators of every platform instead of the real ones.',
      default: false,
    };
  // An empty default: an option left unset must reach the server as an empty (unset) variable,
  // not as the literal `${user_config.x}` the launcher leaves in place of a missing value.
  return {
    type: 'string',
    title: v.name,
    description: v.choices ? `${v.description} (one of ${v.choices.join(', ')})` : v.description,
    required: false,
    sensitive: v.secret,
    default: '',
  };
}

const toolEntry = (t: ToolDefinition) => ({ name: t.name, description: t.title });

/** manifest.json of the Claude Desktop extension: the bundled CLI under server/. */
export function mcpbManifest(pkg: PackageInfo, modules: readonly PlatformModule[] = PLATFORM_MODULES) {
  const variables = stdioVariables(modules);
  return {
    manifest_version: MCPB_MANIFEST_VERSION,
    name: pkg.name,
    display_name: 'Agent Platforms (AMA2, Amigo, Atthene)',
    version: pkg.version,
    description: pkg.description,
    author: { name: pkg.author, url: pkg.homepage },
    repository: { type: 'git', url: repoUrl(pkg) },
    homepage: pkg.homepage,
    support: pkg.bugs.url,
    license: pkg.license,
    keywords: pkg.keywords,
    server: {
      type: 'node',
      entry_point: 'server/cli.js',
      mcp_config: {
        command: 'node',
        // The launcher's own placeholder (the bundle's folder), not a template of ours.
        args: [`\${__dirname}/server/cli.js`],
        env: Object.fromEntries(variables.map((v) => [v.name, `\${user_config.${configKey(v.name)}}`])),
      },
    },
    tools: ALL_TOOLS.map(toolEntry),
    compatibility: { platforms: ['darwin', 'win32', 'linux'], runtimes: { node: pkg.engines.node } },
    user_config: Object.fromEntries(variables.map((v) => [configKey(v.name), userConfigEntry(v)])),
  };
}
