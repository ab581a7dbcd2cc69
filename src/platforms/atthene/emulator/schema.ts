// What the Atthene sandbox accepts, field by field, from apis/atthene.md (§2 configuration schema,
// §3 sessions and runtime) and the vendor pages it cites (yaml-configuration, conditional-edges,
// prompt-configuration). Strict on purpose: an unknown field, a wrong type or a missing required
// field is refused with the field's name, so the sandbox never hides a client bug. Where the note
// leaves a name out (the request-level variables of execute, the system-level "variable schema" and
// "memory" blocks, structured output's fields) the sandbox refuses it too and says so here.

export interface FieldProblem {
  field: string;
  message: string;
}

export const AGENT_TYPES = ['llm_agent', 'react_agent', 'supervisor'] as const;
/** `routing`, `orchestration` and `collaboration` are "defined but not yet implemented" (§2). */
const ARCHITECTURES = ['workflow', 'supervisor'];
export const SPECIAL_NODES = new Set(['__start__', '__end__', 'START', 'END']);

type Json = Record<string, unknown>;
type Check = (value: unknown, field: string, out: FieldProblem[]) => void;

const REQUIRED = 'This field is required.';
const EXTRA = 'Extra inputs are not permitted.';

export const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const join = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

const typed =
  (test: (v: unknown) => boolean, what: string): Check =>
  (value, field, out) => {
    if (!test(value)) out.push({ field, message: `Must be ${what}.` });
  };
const str = typed((v) => typeof v === 'string', 'a string');
const nonEmpty = typed((v) => typeof v === 'string' && v.trim() !== '', 'a non-empty string');
const bool = typed((v) => typeof v === 'boolean', 'a boolean');
const num = typed((v) => typeof v === 'number' && Number.isFinite(v), 'a number');
const positiveInt = typed((v) => Number.isInteger(v) && (v as number) >= 1, 'an integer of 1 or more');
const strOrNull = typed((v) => v === null || typeof v === 'string', 'a string or null');
const oneOf = (values: readonly string[]) =>
  typed((v) => values.includes(v as string), `one of ${values.join(', ')}`);
const anyObject = typed(isObject, 'an object');
const stringList = typed(
  (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'),
  'a list of strings',
);

/** An object with exactly these fields (required ones marked `!`), each checked. */
function shape(fields: Record<string, Check>): Check {
  return (value, field, out) => {
    if (!isObject(value)) {
      out.push({ field, message: 'Must be an object.' });
      return;
    }
    for (const [raw, check] of Object.entries(fields)) {
      const key = raw.replace(/!$/, '');
      if (value[key] === undefined) {
        if (raw.endsWith('!')) out.push({ field: join(field, key), message: REQUIRED });
      } else check(value[key], join(field, key), out);
    }
    for (const key of Object.keys(value)) {
      if (!(key in fields) && !(`${key}!` in fields)) out.push({ field: join(field, key), message: EXTRA });
    }
  };
}

function listOf(check: Check): Check {
  return (value, field, out) => {
    if (!Array.isArray(value)) out.push({ field, message: 'Must be a list.' });
    else
      value.forEach((item, i) => {
        check(item, `${field}[${i}]`, out);
      });
  };
}

function either(a: Check, b: Check, what: string): Check {
  return (value, field, out) => {
    const first: FieldProblem[] = [];
    a(value, field, first);
    if (first.length === 0) return;
    const second: FieldProblem[] = [];
    b(value, field, second);
    if (second.length > 0) out.push(...(isObject(value) ? second : [{ field, message: `Must be ${what}.` }]));
  };
}

const llmConfig = shape({ model: str, temperature: num, max_tokens: positiveInt });
// prompt-configuration page: the PromptConfig fields.
const promptConfig = shape({
  system_prompt: str,
  include_user_input: bool,
  include_history: typed((v) => typeof v === 'boolean' || Number.isInteger(v), 'a boolean or an integer'),
  include_media_in_history: bool,
  include_internal_messages: bool,
  few_shot_examples: typed(Array.isArray, 'a list'),
});
// §4 "Referencing a knowledge base from an agent": the create-agent example says knowledge_base_id
// where the configuration page says id; both are accepted.
const knowledgeBase = shape({
  name: str,
  knowledge_base_type: oneOf(['milvus', 'uknow']),
  enabled: bool,
  id: str,
  knowledge_base_id: str,
  config: anyObject,
  description: str,
});
// Tools are a name, or {name, config} for the configurable ones (agent-capabilities page).
const tool = either(str, shape({ name: nonEmpty, config: anyObject }), 'a tool name or {name, config}');
const agentType = oneOf(AGENT_TYPES);

const agent = shape({
  'name!': nonEmpty,
  'agent_type!': agentType,
  description: str,
  prompt_config: promptConfig,
  llm_config: llmConfig,
  knowledge_bases: listOf(knowledgeBase),
  streaming_config: shape({ show_output_to_user: bool }),
  tools: listOf(tool),
  // [SEED] structured_output: its field names were not captured (§2), so its content is not checked.
  structured_output: anyObject,
});

// conditional-edges page: a static edge {from, to}, or a conditional one {from, condition,
// condition_type, routing | possible_outputs, llm_model?} with no `to`.
const staticEdge = shape({ 'from!': nonEmpty, 'to!': nonEmpty });
const conditionalEdge = shape({
  'from!': nonEmpty,
  'condition!': nonEmpty,
  'condition_type!': oneOf(['boolean', 'literal']),
  routing: typed(
    (v) => isObject(v) && Object.values(v).every((t) => typeof t === 'string'),
    'an object of agent names',
  ),
  possible_outputs: stringList,
  llm_model: str,
});
const CONDITIONAL_KEYS = ['condition', 'condition_type', 'routing', 'possible_outputs'];
const edge: Check = (value, field, out) =>
  (isObject(value) && CONDITIONAL_KEYS.some((k) => value[k] !== undefined) ? conditionalEdge : staticEdge)(
    value,
    field,
    out,
  );

/** Top level: the multi-agent fields (§2, yaml-configuration) and the flat single-agent ones. */
const configShape = shape({
  'name!': nonEmpty,
  description: str,
  architecture: oneOf(ARCHITECTURES),
  save_messages: bool,
  persistent_state: bool,
  entry_point: nonEmpty,
  // "Capped by the environment, roughly 5-50" (§2): the platform caps a larger value, it does not refuse it.
  recursion_limit: positiveInt,
  agents: listOf(agent),
  tools: listOf(tool),
  edges: listOf(edge),
  agent_type: agentType,
  system_prompt: str,
  llm_config: llmConfig,
  knowledge_bases: listOf(knowledgeBase),
});

/** Where each edge can lead: its `to`, or every target of its routing (or its possible outputs). */
export function edgeTargets(edge: Json): string[] {
  if (typeof edge.to === 'string') return [edge.to];
  if (isObject(edge.routing)) return Object.values(edge.routing).map(String);
  return Array.isArray(edge.possible_outputs) ? edge.possible_outputs.map(String) : [];
}

function graphProblems(c: Json): FieldProblem[] {
  const agents = Array.isArray(c.agents) ? c.agents.filter(isObject) : [];
  const names = new Set(agents.map((a) => a.name).filter((n): n is string => typeof n === 'string'));
  const known = (node: unknown) => typeof node === 'string' && (SPECIAL_NODES.has(node) || names.has(node));
  const out: FieldProblem[] = [];
  if (agents.length > 0 && c.description === undefined) out.push({ field: 'description', message: REQUIRED });
  const edges = Array.isArray(c.edges) ? c.edges : [];
  edges.forEach((edge, i) => {
    if (!isObject(edge)) return;
    if (typeof edge.from === 'string' && !known(edge.from))
      out.push({
        field: `edges[${i}].from`,
        message: `Edge from "${edge.from}" is not an agent of this config`,
      });
    if (
      edge.to === undefined &&
      edge.routing === undefined &&
      edge.possible_outputs === undefined &&
      edge.condition !== undefined
    )
      out.push({
        field: `edges[${i}].routing`,
        message: 'A conditional edge needs routing or possible_outputs.',
      });
    if (
      edge.condition_type === 'boolean' &&
      isObject(edge.routing) &&
      !('yes' in edge.routing && 'no' in edge.routing)
    )
      out.push({ field: `edges[${i}].routing`, message: 'A boolean edge routes both yes and no.' });
    // A literal edge with routing maps its outputs (labels) to agents; without routing the outputs are agents.
    for (const target of edgeTargets(edge)) {
      if (!known(target)) {
        const where =
          typeof edge.to === 'string' ? 'to' : isObject(edge.routing) ? 'routing' : 'possible_outputs';
        out.push({
          field: `edges[${i}].${where}`,
          message: `Edge to "${target}" is not an agent of this config`,
        });
      }
    }
  });
  if (typeof c.entry_point === 'string' && agents.length > 0 && !known(c.entry_point))
    out.push({
      field: 'entry_point',
      message: `entry_point "${c.entry_point}" is not an agent of this config`,
    });
  return out;
}

/** Every problem of an agent configuration, as /agent/validate/ lists them. */
export function validateConfig(config: unknown): FieldProblem[] {
  if (!isObject(config)) return [{ field: '', message: 'Configuration must be an object' }];
  const out: FieldProblem[] = [];
  configShape(config, '', out);
  return [...out, ...graphProblems(config)];
}

// --- request envelopes (§2 endpoints, §3.1 execute, §3.2 history) ---

const textBlock = shape({ 'type!': oneOf(['text']), 'text!': str });
const imageBlock = shape({ 'type!': oneOf(['image_url']), 'image_url!': shape({ 'url!': nonEmpty }) });
const block: Check = (value, field, out) =>
  (isObject(value) && value.type === 'image_url' ? imageBlock : textBlock)(value, field, out);
const content: Check = (value, field, out) => {
  if (typeof value === 'string') {
    if (value.trim() === '') out.push({ field, message: 'This field may not be blank.' });
  } else if (Array.isArray(value) && value.length > 0) listOf(block)(value, field, out);
  else out.push({ field, message: 'Must be a string or a non-empty list of content blocks.' });
};

/** §3.1: content, correlation_id, inputs. The request-level variables' field name was cut off in the note. */
export const executeBody = shape({ 'content!': content, correlation_id: strOrNull, inputs: anyObject });
/** §2 create and update: the configuration wrapped in system_config; nothing else. */
export const agentBody = shape({ 'system_config!': anyObject });

export function check(value: unknown, schema: Check): FieldProblem[] {
  const out: FieldProblem[] = [];
  schema(value, '', out);
  return out;
}

/** Query parameters: only the named ones, each an integer of at least its minimum when given. */
export function queryProblems(
  query: URLSearchParams,
  allowed: Record<string, { min?: number; max?: number; required?: boolean; text?: boolean }>,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const key of new Set(query.keys())) {
    if (!(key in allowed)) out.push({ field: key, message: 'Unknown query parameter.' });
  }
  for (const [key, rule] of Object.entries(allowed)) {
    const raw = query.get(key);
    if (raw === null) {
      if (rule.required) out.push({ field: key, message: REQUIRED });
      continue;
    }
    if (rule.text) {
      if (raw === '') out.push({ field: key, message: 'This field may not be blank.' });
      continue;
    }
    const value = Number(raw);
    const min = rule.min ?? 0;
    if (
      raw === '' ||
      !Number.isInteger(value) ||
      value < min ||
      (rule.max !== undefined && value > rule.max)
    ) {
      out.push({
        field: key,
        message: `Must be an integer from ${min}${rule.max !== undefined ? ` to ${rule.max}` : ' up'}.`,
      });
    }
  }
  return out;
}
