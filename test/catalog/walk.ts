import { catalogOf } from '../../src/core/catalog/document.js';
import { sample } from '../../src/core/catalog/sample.js';
import { paramsSchema } from '../../src/core/catalog/schema.js';
import type { Emulator } from '../../src/core/emulator/emulator.js';
import type { PlatformModule } from '../../src/core/platform.js';
import { resultText, type TestConnection } from '../helpers/mcp.js';

/** Every operation id api_search_operations lists with no query, page by page. */
async function searchAll(conn: TestConnection, platform: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const result = await conn.call('api_search_operations', {
      platform,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    const out = result.structuredContent as {
      operations: Array<{ operation_id: string }>;
      next_cursor?: string;
    };
    for (const op of out.operations) ids.add(op.operation_id);
    cursor = out.next_cursor;
    if (!cursor) break;
  }
  return ids;
}

/**
 * Walks every operation of a module's document through the catalog tools against its sandbox
 * emulator: search lists it; describe works; a schema-generated valid call reaches the sandbox and
 * is answered; an event-stream operation is named, not called; an invalid call is refused with the
 * violation and sends nothing. Returns one line per failure (empty when all hold).
 */
export async function walkCatalog(
  conn: TestConnection,
  module: PlatformModule,
  emulator: Emulator,
  credentials: object,
): Promise<string[]> {
  const catalog = (await catalogOf(module))!;
  const failures: string[] = [];
  const listed = await searchAll(conn, module.name);
  const missing = catalog.operations.filter((op) => !listed.has(op.id)).map((op) => op.id);
  if (missing.length > 0) failures.push(`search does not list ${missing.join(', ')}`);
  for (const [i, op] of catalog.operations.entries()) {
    const described = await conn.call('api_describe_operation', {
      platform: module.name,
      operation_id: op.id,
    });
    if (described.isError) failures.push(`${op.id} describe: ${resultText(described)}`);
    const tool = op.readOnly ? 'api_read' : 'api_write';
    const params = sample(catalog.document, paramsSchema(op, credentials), i, true) as Record<
      string,
      unknown
    >;
    const body = op.body ? { body: sample(catalog.document, op.body.schema, i, true) } : {};
    const args = {
      platform: module.name,
      operation_id: op.id,
      params,
      ...body,
      ...(op.readOnly ? {} : { confirm_destructive: true }),
    };
    const before = emulator.received;
    const result = await conn.call(tool, args);
    if (op.streaming) {
      if (!resultText(result).includes('event stream') || emulator.received !== before)
        failures.push(`${op.id} stream: ${resultText(result)}`);
      continue;
    }
    const status = emulator.requests.at(-1)?.response?.status;
    // Curated routes answer generated ids they do not know with 404: the input was still valid.
    if (emulator.received === before || (result.isError && status !== 404))
      failures.push(`${op.id} valid call (${status}): ${resultText(result).slice(0, 300)}`);
    const sent = emulator.received;
    const invalid = await conn.call(tool, { ...args, params: { ...params, not_a_parameter: 1 } });
    if (
      !invalid.isError ||
      !resultText(invalid).includes('params.not_a_parameter: is not a field') ||
      emulator.received !== sent
    )
      failures.push(`${op.id} invalid call: ${resultText(invalid).slice(0, 200)}`);
  }
  return failures;
}
