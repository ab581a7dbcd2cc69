import { ToolInputError } from '../input-error.js';
import type { OpenApiDocument, PlatformModule } from '../platform.js';
import type { CatalogOperation } from './document.js';

// Each operation is sent with the credential its document's `security` names (OpenAPI 3.1 §4.8.30:
// a list of alternatives, each a set of schemes that all apply), not with the client's default:
// AMA2's user routes take the user JWT, its agent routes the external-agent token (apis/ama2.md §1).

type Requirement = Record<string, string[]>;
type Schemes = NonNullable<PlatformModule['securitySchemes']>;

/** The requirements that apply to `op`: its own, else the document's. */
export function requirementsOf(doc: OpenApiDocument, op: CatalogOperation): Requirement[] {
  return op.security ?? (doc.security as Requirement[] | undefined) ?? [];
}

/** The header one scheme of the document sends `value` in (bearer or a header API key). */
export function schemeHeader(doc: OpenApiDocument, scheme: string, value: string): Record<string, string> {
  const found = doc.components?.securitySchemes?.[scheme] as
    | { type?: string; scheme?: string; in?: string; name?: string }
    | undefined;
  if (found?.type === 'http' && found.scheme?.toLowerCase() === 'bearer')
    return { authorization: `Bearer ${value}` };
  if (found?.type === 'apiKey' && found.in === 'header' && found.name)
    return { [found.name.toLowerCase()]: value };
  return {};
}

function missing(module: PlatformModule, op: CatalogOperation, wanted: Requirement[]): ToolInputError {
  const variables = wanted.map((r) =>
    Object.keys(r)
      .map((scheme) => {
        const env = module.securitySchemes?.[scheme]?.env ?? scheme;
        const header = module.env[env]?.header;
        return header ? `${env} (over HTTP, the ${header} header)` : env;
      })
      .join(' and '),
  );
  return new ToolInputError(
    `${op.id} authenticates with ${wanted.map((r) => Object.keys(r).join('+')).join(' or ')}, which this server has no credential for: set ${variables.join(', or ')}, then call again.`,
  );
}

/**
 * The auth headers for `op` from the configured credentials; none (the client's default) when the
 * operation needs no auth or names only schemes the module does not map; throws, before anything is
 * sent, when it names mapped credentials none of which is configured.
 */
export function authHeaders(
  module: PlatformModule,
  doc: OpenApiDocument,
  op: CatalogOperation,
  credentials: object,
): Record<string, string> {
  const schemes: Schemes | undefined = module.securitySchemes;
  const requirements = requirementsOf(doc, op);
  if (!schemes || requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0))
    return {};
  const mapped = requirements.filter((r) => Object.keys(r).every((s) => schemes[s] !== undefined));
  for (const requirement of mapped) {
    const values = Object.keys(requirement).map((scheme) => {
      const value = (credentials as Record<string, unknown>)[schemes[scheme]?.credential ?? ''];
      return typeof value === 'string' && value !== '' ? ([scheme, value] as const) : undefined;
    });
    if (values.every((v) => v !== undefined))
      return Object.assign({}, ...values.map(([scheme, value]) => schemeHeader(doc, scheme, value)));
  }
  if (mapped.length === 0) return {};
  throw missing(module, op, mapped);
}
