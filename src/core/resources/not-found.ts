import type { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
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

/** A resource a server offers: a fixed URI, or a template (`uri` is then the template's text). */
export interface Served {
  uri: string;
  template?: UriTemplate;
}

export function notFound(uri: string, served: readonly Served[], malformed = false): RpcError {
  const uris = served.map((s) => s.uri);
  const offer = uris.length
    ? `the resources here are ${uris.join(', ')}; take ids from tool results or resources/list`
    : 'this server offers no resources with the platforms configured';
  const what = malformed ? `${JSON.stringify(uri)} is not a URI` : `${uri} not found`;
  return new RpcError(RESOURCE_NOT_FOUND, `Resource ${what}; ${offer}.`, { uri });
}

/** A read's failure as the client should see it: an id the platform does not know is not found. */
export function readError(error: unknown, uri: string, platforms: readonly PlatformModule[]): unknown {
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

/**
 * The resource `uri` names, with its variables: a fixed URI first, then the templates in order (as
 * the SDK matches). Unknown and malformed URIs are -32002 naming what exists.
 */
export function matchResource<S extends Served>(
  uri: string,
  served: readonly S[],
): { served: S; url: URL; variables: Record<string, string | string[]> } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw notFound(uri, served, true);
  }
  const href = url.toString();
  const fixed = served.find((s) => !s.template && s.uri === href);
  if (fixed) return { served: fixed, url, variables: {} };
  for (const s of served) {
    const variables = s.template?.match(href);
    if (variables) return { served: s, url, variables };
  }
  throw notFound(uri, served);
}
