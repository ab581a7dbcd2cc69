import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Catalog, CatalogOperation, Schema } from './document.js';
import { callerParameters, inputSchema } from './schema.js';

// Inputs are validated against the operation's schema before anything is sent (issue #14): ajv
// with JSON Schema 2020-12 (OpenAPI 3.1's dialect), loaded on the catalog's first call, one
// instance per document (its components added once), each operation compiled on first use.

type Ajv = import('ajv/dist/2020.js').Ajv2020;
type AjvClass = typeof import('ajv/dist/2020.js').Ajv2020;
type Formats = (ajv: Ajv) => void;
interface Validators {
  ajv: Ajv;
  compiled: Map<string, ValidateFunction>;
}
/** A CommonJS export, as Node or the bundle wraps it (under `default`, once or twice). */
function exported(mod: unknown, key?: string): unknown {
  let node = mod as Record<string, unknown> | undefined;
  for (let i = 0; i < 3 && node; i++) {
    const found = key ? node[key] : node;
    if (typeof found === 'function') return found;
    node = node.default as Record<string, unknown> | undefined;
  }
  return undefined;
}

const instances = new WeakMap<Catalog, Promise<Validators>>();

async function validatorsOf(catalog: Catalog): Promise<Validators> {
  let found = instances.get(catalog);
  if (!found) {
    found = (async () => {
      const Ajv2020 = exported(await import('ajv/dist/2020.js'), 'Ajv2020') as AjvClass | undefined;
      const formats = exported(await import('ajv-formats')) as Formats | undefined;
      if (!Ajv2020 || !formats) throw new Error('ajv did not load');
      // OpenAPI keywords (discriminator, xml, example) are not JSON Schema: not strict.
      const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
      formats(ajv);
      ajv.addSchema({ $id: rootId(catalog), components: catalog.document.components ?? {} });
      return { ajv, compiled: new Map() };
    })();
    instances.set(catalog, found);
  }
  return found;
}

const rootId = (catalog: Catalog) => `urn:catalog:${catalog.platform}`;

/** The schema with its document-local refs pointing into the document added under rootId. */
function rebased(catalog: Catalog, schema: Schema): Schema {
  const text = JSON.stringify(schema).replaceAll('"$ref":"#/', `"$ref":"${rootId(catalog)}#/`);
  return JSON.parse(text) as Schema;
}

/** One violation: where (path within the input) and what is wrong. */
export interface Violation {
  loc: string[];
  msg: string;
}

function violation(error: ErrorObject): Violation {
  const loc = error.instancePath.split('/').slice(1);
  const extra = error.params as { additionalProperty?: string; missingProperty?: string };
  if (extra.additionalProperty)
    return { loc: [...loc, extra.additionalProperty], msg: 'is not a field of this operation' };
  if (extra.missingProperty) return { loc: [...loc, extra.missingProperty], msg: 'is required' };
  const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
  return {
    loc,
    msg: `${error.message ?? 'is invalid'}${allowed ? ` (${allowed.map(String).join(', ')})` : ''}`,
  };
}

export const violationText = (v: Violation) => `${v.loc.join('.') || 'input'}: ${v.msg}`;

/** A synchronous checker of calls to the catalog's operations (the sandbox responder's). */
export async function checkerOf(catalog: Catalog) {
  const { ajv, compiled } = await validatorsOf(catalog);
  return (op: CatalogOperation, credentials: object, input: Record<string, unknown>): Violation[] => {
    // The server's own credentials hide parameters; the sandbox responder checks them all.
    const key = `${op.id}|${callerParameters(op, credentials).length}|${op.body ? 1 : 0}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(rebased(catalog, inputSchema(op, credentials)));
      compiled.set(key, validate);
    }
    const value = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    if (validate(value)) return [];
    const seen = new Set<string>();
    return (validate.errors ?? []).map(violation).filter((v) => {
      const key = violationText(v);
      return !seen.has(key) && seen.add(key).size <= 20;
    });
  };
}

/** Each violation of the call's input as `path: message`; none when it is valid. */
export async function violations(
  catalog: Catalog,
  op: CatalogOperation,
  credentials: object,
  input: { params?: unknown; body?: unknown },
): Promise<string[]> {
  return (await checkerOf(catalog))(op, credentials, input).map(violationText);
}
