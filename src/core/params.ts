import { z } from 'zod';

// One source of truth for fields many tools share. Each says which tool produces its value.

export const DEFAULT_LIMIT = 20;

/** `limit` bounded to what the tool (and its platform operation) can serve. */
export function limitParam(max: number, defaultValue = Math.min(DEFAULT_LIMIT, max)) {
  return z
    .number()
    .int('limit must be a whole number')
    .min(1, `limit must be from 1 to ${max}`)
    .max(max, `limit must be from 1 to ${max}`)
    .default(defaultValue);
}

/** Opaque `cursor` input of a list tool. */
export function cursorParam() {
  return z.string().min(1).max(2000).optional();
}

/** Output fields every paginated tool declares. */
export const pageOutput = {
  next_cursor: z
    .string()
    .optional()
    .describe('Pass as cursor to get the next page; absent on the last page.'),
  truncated: z
    .boolean()
    .optional()
    .describe('True when the page was cut short to fit the size budget; next_cursor continues after it.'),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

/**
 * A UUID id argument, refused before any request when malformed. Checked by a refinement rather
 * than a `pattern`, which would cost every schema 70 characters a model does not need.
 */
export function uuidParam(field: string, producedBy: string) {
  return z
    .string()
    .trim()
    .refine(
      isUuid,
      `${field} must be a UUID like 123e4567-e89b-12d3-a456-426614174000; get one from ${producedBy}`,
    )
    .describe(`UUID from ${producedBy}.`);
}

/** Letters, digits and `_ - . : ~ @ +`, no `..`: one safe path segment whatever the platform's id format. */
const PATH_ID = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.:~@+-]{0,199}$/;

/**
 * An id argument whose format the platform does not document (not necessarily a UUID, e.g.
 * Atthene's `session_123`), refused before any request when it could leave its path segment:
 * `/`, `?`, `#`, `..`, spaces and control characters never pass. A refinement, not a `pattern`, for
 * the same reason as uuidParam.
 */
export function pathIdParam(field: string, producedBy: string) {
  return z
    .string()
    .trim()
    .refine(
      (value) => PATH_ID.test(value),
      `${field} must be an id from ${producedBy} (letters, digits, _ - . : only; no /, ?, #, .. or spaces)`,
    )
    .describe(`From ${producedBy}.`);
}
