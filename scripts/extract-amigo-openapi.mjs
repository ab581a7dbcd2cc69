// Extracts the operations the Amigo client uses, and every component schema they reference
// (transitively), from the Amigo Platform API's OpenAPI document into src/vendor/. Run it when
// the client starts using another operation:
//   node scripts/extract-amigo-openapi.mjs [path/to/openapi.json]
import { readFileSync, writeFileSync } from 'node:fs';

export const OPERATIONS = [
  ['get', '/v1/auth/me'],
  ['get', '/v1/{workspace_id}/agents'],
  ['get', '/v1/{workspace_id}/agents/{agent_id}'],
  ['get', '/v1/{workspace_id}/agents/{agent_id}/versions/{version}'],
  ['get', '/v1/{workspace_id}/services'],
  ['get', '/v1/{workspace_id}/services/{service_id}'],
  ['post', '/v1/{workspace_id}/conversations'],
  ['get', '/v1/{workspace_id}/conversations'],
  ['get', '/v1/{workspace_id}/conversations/{conversation_id}'],
  ['delete', '/v1/{workspace_id}/conversations/{conversation_id}'],
  ['post', '/v1/{workspace_id}/conversations/{conversation_id}/turns'],
  ['post', '/v1/{workspace_id}/conversations/{conversation_id}/turns/stream'],
  ['get', '/v1/{workspace_id}/calls'],
  ['get', '/v1/{workspace_id}/calls/{call_id}'],
  ['get', '/v1/{workspace_id}/calls/{call_id}/intelligence'],
  ['get', '/v1/{workspace_id}/world/entities'],
  ['get', '/v1/{workspace_id}/world/search'],
  ['post', '/v1/{workspace_id}/world/entities/resolve'],
  ['get', '/v1/{workspace_id}/world/entities/{entity_id}'],
  ['get', '/v1/{workspace_id}/world/entities/{entity_id}/timeline'],
  ['get', '/v1/{workspace_id}/world/entity-types'],
  ['get', '/v1/{workspace_id}/command-center'],
  ['get', '/v1/{workspace_id}/analytics/dashboard'],
  ['get', '/v1/{workspace_id}/analytics/calls'],
  ['get', '/v1/{workspace_id}/functions/registered'],
  ['post', '/v1/{workspace_id}/functions/{function_name}/invoke'],
];

const source = process.argv[2] ?? new URL('../../shared/apis/amigo/openapi.json', import.meta.url).pathname;
const spec = JSON.parse(readFileSync(source, 'utf8'));
const paths = {};
const wanted = new Set();
const collect = (node) => {
  if (Array.isArray(node)) return node.forEach(collect);
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
      const name = value.slice('#/components/schemas/'.length);
      if (!wanted.has(name)) {
        wanted.add(name);
        collect(spec.components.schemas[name]);
      }
    } else collect(value);
  }
};
for (const [method, path] of OPERATIONS) {
  const operation = spec.paths[path]?.[method];
  if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  paths[path] = { ...paths[path], [method]: operation };
  collect(operation);
}
const schemas = Object.fromEntries([...wanted].sort().map((name) => [name, spec.components.schemas[name]]));
const subset = {
  openapi: spec.openapi,
  info: {
    ...spec.info,
    description: `Subset of the Amigo Platform API document: the ${OPERATIONS.length} operations agent-platforms-mcp uses.`,
  },
  servers: spec.servers,
  components: { schemas, securitySchemes: spec.components.securitySchemes },
  security: spec.security,
  paths,
};
writeFileSync(
  new URL('../src/vendor/amigo-openapi.subset.json', import.meta.url),
  `${JSON.stringify(subset, null, 1)}\n`,
);
console.error(`wrote ${OPERATIONS.length} operations and ${wanted.size} schemas`);
