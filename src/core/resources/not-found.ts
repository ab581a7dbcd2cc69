import type {
  McpServer,
  ReadResourceCallback,
  ReadResourceTemplateCallback,
  ResourceTemplate,
} from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ErrorCode,
  ReadResourceRequestSchema,
  type ReadResourceResult,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { PlatformError } from '../errors.js';
import { ToolInputError } from '../input-error.js';
import { scrubSecrets } from '../log.js';
import type { PlatformModule } from '../platform.js';
import { errorText } from '../registry.js';

// resources/read of a URI that names nothing answered -32602 with the SDK's `MCP error -32602:`
// already in the text (a client prefixes it again), or -32603 "Invalid URL" for a malformed one,
// and a read whose id the platform does not know answered -32603 (issue #16). MCP names -32002 for
// "resource not found" (spec: server/resources, Error Handling); it now says which URIs exist.

/** MCP's "resource not found" (the SDK has no constant for it). */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * A JSON-RPC error that reaches the client as written. An McpError carries `MCP error <code>: ` in
 * its message, which the SDK sends, and the client's SDK prefixes it a second time.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(scrubSecrets(message));
  }
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
type Served =
  | { uri: string; read: ReadResourceCallback }
  | { template: ResourceTemplate; read: ReadResourceTemplateCallback };
type Register = (name: string, target: string | ResourceTemplate, ...rest: unknown[]) => unknown;

const uriOf = (served: Served) => ('uri' in served ? served.uri : served.template.uriTemplate.toString());

function notFound(uri: string, served: readonly Served[], malformed = false): RpcError {
  const uris = served.map(uriOf);
  const offer = uris.length
    ? `the resources here are ${uris.join(', ')}; take ids from tool results or resources/list`
    : 'this server offers no resources with the platforms configured';
  const what = malformed ? `${JSON.stringify(uri)} is not a URI` : `${uri} not found`;
  return new RpcError(RESOURCE_NOT_FOUND, `Resource ${what}; ${offer}.`, { uri });
}

/** A read's failure as the client should see it: an id the platform does not know is not found. */
function readError(error: unknown, uri: string, platforms: readonly PlatformModule[]): unknown {
  if (error instanceof ToolInputError)
    return new RpcError(RESOURCE_NOT_FOUND, `Resource ${uri} not found: ${error.message}`, { uri });
  if (!(error instanceof PlatformError)) return error;
  if (error.kind === 'not_found' || error.kind === 'validation') {
    const status = error.status === undefined ? '' : ` ${error.status}`;
    return new RpcError(
      RESOURCE_NOT_FOUND,
      `Resource ${uri} not found: ${error.platform} answered${status}: ${error.message}. Check the id in the URI; tool results link to valid ones.`,
      { uri },
    );
  }
  const hints = platforms.find((p) => p.name === error.platform)?.hints;
  return new RpcError(ErrorCode.InternalError, errorText(error, undefined, hints), { uri });
}

async function dispatch(uri: string, served: readonly Served[], extra: Extra): Promise<ReadResourceResult> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw notFound(uri, served, true);
  }
  // As the SDK does: a fixed URI first, then the templates in order of registration.
  const fixed = served.find((s) => 'uri' in s && s.uri === url.toString());
  if (fixed && 'uri' in fixed) return fixed.read(url, extra);
  for (const s of served) {
    const variables = 'template' in s ? s.template.uriTemplate.match(url.toString()) : null;
    if (variables && 'template' in s) return s.read(url, variables, extra);
  }
  throw notFound(uri, served);
}

/**
 * Serves resources/read of `server` itself, over every resource registered on it from now on, so
 * that unknown and malformed URIs and unknown ids answer -32002 with what exists. Call it before
 * the first registerResource.
 */
export function answerUnknownResources(server: McpServer, platforms: readonly PlatformModule[]): void {
  const served: Served[] = [];
  const handle = async (request: { params: { uri: string } }, extra: Extra) => {
    try {
      return await dispatch(request.params.uri, served, extra);
    } catch (error) {
      throw readError(error, request.params.uri, platforms);
    }
  };
  const register = server.registerResource.bind(server) as Register;
  server.registerResource = ((name: string, target: string | ResourceTemplate, ...rest: unknown[]) => {
    // The SDK installs its own resources/read with the first resource, and refuses to if one exists.
    server.server.removeRequestHandler('resources/read');
    const registered = register(name, target, ...rest);
    const read = rest[1] as ReadResourceCallback & ReadResourceTemplateCallback;
    served.push(typeof target === 'string' ? { uri: target, read } : { template: target, read });
    server.server.setRequestHandler(ReadResourceRequestSchema, handle);
    return registered;
  }) as McpServer['registerResource'];
  server.server.setRequestHandler(ReadResourceRequestSchema, handle);
}
