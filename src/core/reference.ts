import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ALL_TOOLS, PLATFORM_MODULES, PLATFORMS, type PlatformCredentials } from '../platforms/index.js';
import { createServer } from '../server.js';
import { createClients } from './clients.js';
import { createLogger } from './log.js';
import { outputDocSchema } from './tool-schema.js';

// docs/tools.md is generated from what tools/list serves (the JSON Schema a model sees), so the
// reference cannot drift from the server. `npm run docs` writes it; a test fails when it is stale.

/** Credentials that are never contacted, for every platform: listing tools makes no request. */
export const OFFLINE_CREDENTIALS = Object.fromEntries(
  PLATFORM_MODULES.map((m) => [m.name, m.offlineCredentials]),
) as PlatformCredentials;

/** The tools/list answer for the given toolsets, as a client receives it. */
export async function listTools(toolsets: readonly string[]): Promise<Tool[]> {
  const clients = createClients(OFFLINE_CREDENTIALS);
  const server = createServer({
    clients,
    log: createLogger({ level: 'silent' }),
    toolsets,
    readOnly: false,
    maxResultChars: 20_000,
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'reference', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  const { tools } = await client.listTools();
  await client.close();
  return tools;
}

export const tokens = (value: unknown) => Math.round(JSON.stringify(value).length / 4);

type Schema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  anyOf?: Schema[];
};

function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' | ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' | ');
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'any'}`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return s.type ?? (s.properties ? 'object' : 'any');
}

function limits(s: Schema): string {
  const parts: string[] = [];
  if (s.minimum !== undefined || s.maximum !== undefined)
    parts.push(`${s.minimum ?? ''}..${s.maximum ?? ''}`);
  if (s.minLength !== undefined || s.maxLength !== undefined)
    parts.push(`length ${s.minLength ?? 0}..${s.maxLength ?? ''}`);
  if (s.minItems !== undefined || s.maxItems !== undefined)
    parts.push(`${s.minItems ?? 0}..${s.maxItems ?? ''} items`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join(', ');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function rows(schema: Schema | undefined, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(schema?.properties ?? {})) {
    const required = schema?.required?.includes(name) ? 'yes' : '';
    out.push(
      `| \`${prefix}${name}\` | ${cell(typeOf(s))} | ${required} | ${cell(limits(s))} | ${cell(s.description ?? '')} |`,
    );
    const nested = s.type === 'array' ? s.items : s.properties ? s : undefined;
    if (nested?.properties && prefix.split('.').length < 3)
      out.push(...rows(nested, `${prefix}${name}${s.type === 'array' ? '[]' : ''}.`));
  }
  return out;
}

function table(schema: Schema | undefined): string {
  const body = rows(schema);
  if (body.length === 0) return '_none_\n';
  return (
    ['| field | type | required | limits | description |', '| --- | --- | --- | --- | --- |', ...body].join(
      '\n',
    ) + '\n'
  );
}

/** tools/list carries no output descriptions (a model reads the result); the reference does. */
function outputSchemaWithWords(tool: Tool): Schema | undefined {
  const definition = ALL_TOOLS.find((t) => t.name === tool.name);
  return (definition ? outputDocSchema(definition) : tool.outputSchema) as Schema | undefined;
}

export async function renderReference(): Promise<string> {
  const all = await listTools(PLATFORMS);
  const costs = await Promise.all(PLATFORMS.map(async (p) => ({ toolset: p, tools: await listTools([p]) })));
  const lines = [
    '# Tool reference',
    '',
    "_Generated from the server's own `tools/list` by `npm run docs`; do not edit by hand._",
    '',
    '## Context cost of `tools/list` (tokens = characters / 4)',
    '',
    '| toolset | tools | tokens |',
    '| --- | --- | --- |',
    // Each toolset's list includes platforms_status, which is always offered.
    ...costs.map((c) => `| ${c.toolset} | ${c.tools.length} | ${tokens(c.tools)} |`),
    `| all | ${all.length} | ${tokens(all)} |`,
    '',
  ];
  for (const tool of all) {
    const a = ALL_TOOLS.find((t) => t.name === tool.name)?.annotations ?? tool.annotations ?? {};
    const hints = (['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const)
      .map((h) => `${h}: ${String(a[h])}`)
      .join(', ');
    lines.push(
      `## \`${tool.name}\` (${tool.title ?? ''})`,
      '',
      tool.description ?? '',
      '',
      `Annotations: ${hints}. Schema cost: ${tokens(tool)} tokens.`,
      '',
      '**Input**',
      '',
      table(tool.inputSchema as Schema),
      '**Output**',
      '',
      table(outputSchemaWithWords(tool)),
    );
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
