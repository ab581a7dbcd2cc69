import { z } from 'zod';
import type { EmulatorRequest, EmulatorResponse } from '../../../core/emulator/emulator.js';

// Request shapes of the AMA2 Thread Runtime API, from apis/ama2.md §2 "Endpoint table". The
// emulator is strict: an unknown query or body field, a wrong type or a missing required field
// is refused, so a client bug (e.g. `after_seq` for `last_thread_seq`, §0.2) cannot pass.
//
// The note documents the error format ({code, message}, 400 = BAD_REQUEST, §2 "General
// conventions") but not the validation message itself; the message here names the field
// [INFERRED]. Null is refused where a value is typed: the note documents no nullable field.

export const CONTENT_MAX = 5000;
export const POLL_LIMIT_MAX = 100;

const MODES = ['open', 'invocation_only'] as const;
const seq = z.number().int().min(0);
/** A query value is a string on the wire; these are whole numbers written in digits. */
const digits = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a whole number')
  .transform(Number);

export const AMA2_SHAPES = {
  none: z.strictObject({}),
  createThread: z.strictObject({
    target_user_ids: z.array(z.string().min(1)).min(1, 'must list at least one user id'),
    // Documented but "not yet processed server-side" (§3 "Participation modes"): typed, then ignored.
    initial_message: z.string().min(1).max(CONTENT_MAX).optional(),
    participation_mode: z.enum(MODES).optional(),
  }),
  agentMessage: z.strictObject({
    content: z.string().min(1).max(CONTENT_MAX, `must be at most ${CONTENT_MAX} characters`),
    client_message_id: z.string().min(1),
    base_seq: seq.optional(),
    latest_seen_seq: seq.optional(),
    mentions: z.array(z.string()).optional(),
  }),
  mode: z.strictObject({ participation_mode: z.enum(MODES) }),
  webhook: z.strictObject({ callback_url: z.string() }),
  pollQuery: z.strictObject({
    last_thread_seq: digits.optional(),
    limit: digits.pipe(z.number().min(1).max(POLL_LIMIT_MAX)).optional(),
  }),
} as const;

type Shape = z.ZodObject;

const badRequest = (message: string): EmulatorResponse => ({
  status: 400,
  json: { code: 'BAD_REQUEST', message },
});

function describeIssue(where: string, issue: z.core.$ZodIssue, shape: Shape): string {
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(shape.shape);
    return `unknown ${where} field ${issue.keys.join(', ')} (${known.length ? `known: ${known.join(', ')}` : `this route takes no ${where} fields`})`;
  }
  const field = issue.path.map(String).join('.');
  return `${where} field ${field || '(root)'}: ${issue.message}`;
}

function check<T extends Shape>(
  shape: T,
  value: unknown,
  where: string,
): { data: z.output<T> } | { error: EmulatorResponse } {
  const parsed = shape.safeParse(value);
  if (parsed.success) return { data: parsed.data };
  const issue = parsed.error.issues[0];
  return { error: badRequest(issue ? describeIssue(where, issue, shape) : `invalid ${where}`) };
}

/** The query as an object; a parameter given twice is refused (each is documented once). */
function queryObject(req: EmulatorRequest): { data: Record<string, string> } | { error: EmulatorResponse } {
  const out: Record<string, string> = {};
  for (const [key, value] of req.query) {
    if (key in out) return { error: badRequest(`query parameter ${key} is given more than once`) };
    out[key] = value;
  }
  return { data: out };
}

/** The request's query, checked against `shape` (default: no parameters at all). */
export function checkQuery<T extends Shape>(
  req: EmulatorRequest,
  shape: T,
): { data: z.output<T> } | { error: EmulatorResponse } {
  const query = queryObject(req);
  return 'error' in query ? query : check(shape, query.data, 'query');
}

/** The request's JSON body, which must be an object matching `shape`. */
function checkBody<T extends Shape>(
  req: EmulatorRequest,
  shape: T,
): { data: z.output<T> } | { error: EmulatorResponse } {
  const body = req.json;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { error: badRequest('request body must be a JSON object (Content-Type: application/json)') };
  return check(shape, body, 'body');
}

/** A POST: no query parameters (none are documented on them) and a JSON body matching `shape`. */
export function checkPost<T extends Shape>(
  req: EmulatorRequest,
  shape: T,
): { data: z.output<T> } | { error: EmulatorResponse } {
  const query = checkQuery(req, AMA2_SHAPES.none);
  return 'error' in query ? query : checkBody(req, shape);
}
