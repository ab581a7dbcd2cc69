// Extracts the operations the Amigo client uses, and every component schema they reference
// (transitively), from the Amigo Platform API's OpenAPI document into src/platforms/amigo/; and, for the
// sandbox's request validation (shipped in the bundle, so kept small), their request side alone
// (parameters, request bodies and the schemas those reference). Run it when the client starts
// using another operation. It also writes the whole document, minified, as openapi.min.json: the
// operation catalog's copy (src/core/catalog/), shipped in the bundle so nothing reads ../shared at
// run time. Run it when the vendored document changes:
//   node scripts/extract-amigo-openapi.mjs [path/to/openapi.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const OPERATIONS = [
  ['get', '/v1/auth/me'],
  ['get', '/v1/{workspace_id}/agents'],
  ['get', '/v1/{workspace_id}/agents/{agent_id}'],
  ['get', '/v1/{workspace_id}/agents/{agent_id}/versions/{version}'],
  ['get', '/v1/{workspace_id}/agents/{agent_id}/versions'],
  ['post', '/v1/{workspace_id}/agents/{agent_id}/versions'],
  ['get', '/v1/{workspace_id}/context-graphs'],
  ['get', '/v1/{workspace_id}/context-graphs/{context_graph_id}'],
  ['put', '/v1/{workspace_id}/context-graphs/{context_graph_id}'],
  ['get', '/v1/{workspace_id}/context-graphs/{context_graph_id}/versions'],
  ['post', '/v1/{workspace_id}/context-graphs/{context_graph_id}/versions'],
  ['get', '/v1/{workspace_id}/context-graphs/{context_graph_id}/versions/{version}'],
  ['get', '/v1/{workspace_id}/services'],
  ['get', '/v1/{workspace_id}/services/{service_id}'],
  ['put', '/v1/{workspace_id}/services/{service_id}'],
  ['put', '/v1/{workspace_id}/services/{service_id}/version-sets/{name}'],
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
  // amigo_test_service and the amigo://simulations/{session_id} resource.
  ['post', '/v1/{workspace_id}/simulations/sessions'],
  ['post', '/v1/{workspace_id}/simulations/sessions/step'],
  ['post', '/v1/{workspace_id}/simulations/sessions/recommend'],
  ['get', '/v1/{workspace_id}/simulations/sessions/{session_id}'],
  ['delete', '/v1/{workspace_id}/simulations/sessions/{session_id}'],
  ['post', '/v1/{workspace_id}/simulations/sessions/{session_id}/step'],
  ['get', '/v1/{workspace_id}/simulations/sessions/{session_id}/turns'],
  ['get', '/v1/{workspace_id}/simulations/sessions/{session_id}/intelligence'],
  ['post', '/v1/{workspace_id}/simulations/sessions/{session_id}/score'],
];

/** The component schemas `node` references, transitively, sorted by name. */
function referenced(document, node) {
  const wanted = new Set();
  const collect = (n) => {
    if (Array.isArray(n)) return n.forEach(collect);
    if (n === null || typeof n !== 'object') return;
    for (const [key, value] of Object.entries(n)) {
      const name =
        key === '$ref' && typeof value === 'string' ? value.split('#/components/schemas/')[1] : undefined;
      if (name === undefined) collect(value);
      else if (!wanted.has(name)) {
        wanted.add(name);
        collect(document.components.schemas[name]);
      }
    }
  };
  collect(node);
  return Object.fromEntries([...wanted].sort().map((name) => [name, document.components.schemas[name]]));
}

/** The operations' parameters and request bodies, and the component schemas those reference. */
export function requestSide(document) {
  const paths = {};
  for (const [path, operations] of Object.entries(document.paths))
    for (const [method, { parameters, requestBody }] of Object.entries(operations))
      paths[path] = { ...paths[path], [method]: { parameters, requestBody } };
  return { paths, components: { schemas: referenced(document, paths) } };
}

function main() {
  const source = process.argv[2] ?? new URL('../../shared/apis/amigo/openapi.json', import.meta.url).pathname;
  const spec = JSON.parse(readFileSync(source, 'utf8'));
  const paths = {};
  for (const [method, path] of OPERATIONS) {
    const operation = spec.paths[path]?.[method];
    if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
    paths[path] = { ...paths[path], [method]: operation };
  }
  const schemas = referenced(spec, paths);
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
  const write = (name, value) =>
    writeFileSync(
      new URL(`../src/platforms/amigo/${name}`, import.meta.url),
      `${JSON.stringify(value, null, 1)}\n`,
    );
  write('openapi.subset.json', subset);
  writeFileSync(new URL('../src/platforms/amigo/openapi.min.json', import.meta.url), JSON.stringify(spec));
  write('openapi.requests.json', requestSide(subset));
  console.error(
    `wrote ${OPERATIONS.length} operations and ${Object.keys(schemas).length} schemas; run biome format`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
