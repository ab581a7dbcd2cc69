// Turns the bench's measurements into issue #15's targets (met or missed, with the ratio) and the
// markdown report: machine line, targets table, then the detail tables.
import { fixed, int, median, pct, spread, table } from './stats.js';

const LATEST = '2025-11-25';
const OLD = '2025-06-18';
const p50s = (rounds) => rounds.map((s) => pct(s, 50));
const p99s = (rounds) => rounds.map((s) => pct(s, 99));
const kb = (heap) => (heap.after - heap.before) / heap.sessions / 1024;
const ms = (v, digits = 3) => `${fixed(v, digits)} ms`;

const row = (target, ratio, met, project, reference) => ({ target, ratio, met, project, reference });
const httpP50 = (r, label) => median(p50s(r.http[label]));

function callTargets(r) {
  const mem = Object.fromEntries(Object.entries(r.inMemory).map(([k, v]) => [k, median(p50s(v))]));
  const h = { ours: httpP50(r, `ours ${LATEST}`), floor: httpP50(r, `floor ${LATEST}`) };
  const old = httpP50(r, `ours ${OLD}`);
  return [
    row(
      'in-memory tool call p50 ≤ 1.15x floor',
      mem.ours / mem.floor,
      mem.ours / mem.floor <= 1.15,
      ms(mem.ours),
      `floor ${ms(mem.floor)} (direct undici ${ms(mem.direct)})`,
    ),
    row(
      `HTTP tool call p50 ≤ 1.1x floor (protocol ${LATEST})`,
      h.ours / h.floor,
      h.ours / h.floor <= 1.1,
      ms(h.ours),
      `floor ${ms(h.floor)}`,
    ),
    ...Object.entries(r.throughput).map(([c, t]) => {
      const ratio = median(t.ours) / median(t.floor);
      return row(
        `HTTP throughput at concurrency ${c} ≥ 0.9x floor`,
        ratio,
        ratio >= 0.9,
        `${int(median(t.ours))} calls/s`,
        `floor ${int(median(t.floor))} calls/s`,
      );
    }),
    row(
      `no priming-event timer: ${LATEST} p50 ≤ 1.1x ${OLD} p50`,
      h.ours / old,
      h.ours / old <= 1.1,
      `${LATEST} ${ms(h.ours)}`,
      `${OLD} ${ms(old)} (floor ${fixed(h.floor / httpP50(r, `floor ${OLD}`), 2)}x)`,
    ),
  ];
}

function sessionTargets(r) {
  const heap = Object.fromEntries(Object.entries(r.heap).map(([k, v]) => [k, kb(v)]));
  const open = { ours: median(p50s(r.opens.ours)), floor: median(p50s(r.opens.floor)) };
  const cold = Object.fromEntries(Object.entries(r.cold).map(([k, v]) => [k, median(v)]));
  const everything = cold['server-everything stdio'];
  return [
    row(
      'heap per idle HTTP session after GC ≤ 60 KB (ratio: to floor)',
      heap.ours / heap.floor,
      heap.ours <= 60,
      `${fixed(heap.ours, 1)} KB`,
      `floor ${fixed(heap.floor, 1)} KB (server-everything ${fixed(heap.everything, 1)} KB)`,
    ),
    row(
      'session open p50 ≤ 10 ms (ratio: to floor)',
      open.ours / open.floor,
      open.ours <= 10,
      ms(open.ours),
      `floor ${ms(open.floor)}`,
    ),
    ...['ours, keys in env', 'ours --sandbox'].map((label) =>
      row(
        `cold start to initialize ≤ 0.8x server-everything (${label})`,
        cold[label] / everything,
        cold[label] / everything <= 0.8,
        ms(cold[label], 1),
        `server-everything ${ms(everything, 1)} (floor ${ms(cold['floor (stdio)'], 1)})`,
      ),
    ),
  ];
}

function budgetTargets(r) {
  const all = r.context.find((c) => c.set === 'all');
  const g = r.growth.ours;
  const f = r.growth.floor;
  const mb = (v) => fixed(v / 2 ** 20, 1);
  const largest = Math.max(...r.largest.map((l) => l.chars));
  return [
    row(
      'tools/list, all tools ≤ 12,000 tokens (ratio: to budget)',
      all.tokens / 12_000,
      all.tokens <= 12_000,
      `${int(all.tokens)} tokens, ${all.tools} tools`,
      'budget 12,000',
    ),
    row(
      'model-read tokens per tool ≤ 110 (ratio: to budget)',
      all.modelReadPerTool / 110,
      all.modelReadPerTool <= 110,
      fixed(all.modelReadPerTool, 1),
      'budget 110',
    ),
    row(
      `heap growth over ${int(g.calls)} calls < 10% (DESIGN.md)`,
      g.after / g.before,
      g.after / g.before < 1.1,
      `${mb(g.before)} → ${mb(g.after)} MB`,
      `floor ${mb(f.before)} → ${mb(f.after)} MB`,
    ),
    row(
      'every read result ≤ 20,000 characters (DESIGN.md)',
      largest / 20_000,
      largest <= 20_000,
      `largest ${int(largest)}`,
      'budget 20,000',
    ),
  ];
}

/** Every target of issue #15 (and the two DESIGN.md ones the old bench tracked), with its figures. */
export function targetsOf(r) {
  const rows = [...callTargets(r), ...sessionTargets(r), ...budgetTargets(r)];
  // In the issue's order: calls, sessions, cold start, priming, context, then DESIGN.md's.
  const priming = rows.findIndex((t) => t.target.startsWith('no priming'));
  const [primingRow] = rows.splice(priming, 1);
  rows.splice(
    rows.findIndex((t) => t.target.startsWith('tools/list')),
    0,
    primingRow,
  );
  return rows;
}

const section = (out, title, head, rows) => out.push(`\n### ${title}\n\n${table(head, rows)}`);
const us = (values) => (values?.length ? fixed(median(values), 0) : 'n/a');

function callSections(r, out) {
  const mem = r.inMemory;
  const memFloor = median(p50s(mem.floor));
  section(
    out,
    'In-memory tool call: `amigo_get_entity` through the SDK Client over InMemoryTransport (ms; median of per-round figures, min–max)',
    ['path', 'p50', 'p99', 'p50 ratio to floor'],
    [
      ['ours (dist/server.js)', 'ours'],
      ['floor (bench/floor.js)', 'floor'],
      ['direct undici GET, no MCP', 'direct'],
    ].map(([label, k]) => [
      label,
      spread(p50s(mem[k])),
      spread(p99s(mem[k])),
      fixed(median(p50s(mem[k])) / memFloor, 2),
    ]),
  );
  section(
    out,
    'HTTP tool call, lean client in its own process, one session, sequential (ms; median of per-round figures, min–max; server CPU per call read inside the server, µs)',
    ['server, protocol', 'p50', 'p99', 'p50 ratio to floor', 'server CPU per call', 'CPU ratio to floor'],
    Object.entries(r.http).map(([label, rounds]) => {
      const floorLabel = label.replace('ours', 'floor');
      const floor = median(p50s(r.http[floorLabel]));
      return [
        label,
        spread(p50s(rounds)),
        spread(p99s(rounds)),
        fixed(median(p50s(rounds)) / floor, 2),
        us(r.httpCpu[label]),
        fixed(median(r.httpCpu[label]) / median(r.httpCpu[floorLabel]), 2),
      ];
    }),
  );
  section(
    out,
    `HTTP throughput, one session per concurrent caller, protocol ${LATEST} (calls/s; median of rounds, min–max; server CPU per call in µs, session opens of the round included; lean client CPU share during the floor's rounds, near 100% would mean the client limits the rate)`,
    [
      'concurrency',
      'calls per round',
      'ours',
      'floor',
      'ratio',
      'server CPU per call, ours / floor',
      'client CPU (floor rounds)',
    ],
    Object.entries(r.throughput).map(([c, t]) => [
      c,
      int(r.machine.counts.throughput[c]),
      spread(t.ours, 0),
      spread(t.floor, 0),
      fixed(median(t.ours) / median(t.floor), 2),
      `${us(t.cpu.ours)} / ${us(t.cpu.floor)}`,
      `${fixed(median(t.clientCpu) * 100, 0)}%`,
    ]),
  );
  section(
    out,
    'HTTP session open: initialize + notifications/initialized (ms; median of per-round p50, min–max; server CPU per open in µs, the untimed DELETE included)',
    ['server', 'p50', 'ratio to floor', 'server CPU per open'],
    ['ours', 'floor'].map((k) => [
      k,
      spread(p50s(r.opens[k])),
      fixed(median(p50s(r.opens[k])) / median(p50s(r.opens.floor)), 2),
      us(r.openCpu[k]),
    ]),
  );
}

function memorySections(r, out) {
  section(
    out,
    'Heap per idle HTTP session, after GC inside the server process (--expose-gc, bench/heap-hook.js)',
    ['server', 'heap before', 'heap after', 'sessions', 'per session', 'open p50 while filling'],
    Object.entries(r.heap).map(([k, h]) => [
      k === 'everything' ? 'server-everything (streamableHttp)' : k,
      `${fixed(h.before / 2 ** 20, 1)} MB`,
      `${fixed(h.after / 2 ** 20, 1)} MB`,
      String(h.sessions),
      `${fixed(kb(h), 1)} KB`,
      ms(h.openP50),
    ]),
  );
  section(
    out,
    'Memory growth: heap after GC inside the HTTP server, before and after the calls (concurrency 8, fresh sessions)',
    ['server', 'calls', 'heap before', 'heap after', 'growth'],
    Object.entries(r.growth).map(([k, g]) => [
      k,
      int(g.calls),
      `${fixed(g.before / 2 ** 20, 2)} MB`,
      `${fixed(g.after / 2 ** 20, 2)} MB`,
      `${fixed(((g.after - g.before) / g.before) * 100, 1)}%`,
    ]),
  );
}

function startAndBudgetSections(r, out) {
  const everything = median(r.cold['server-everything stdio']);
  section(
    out,
    `Cold start: spawn to \`initialize\` answered over stdio, ${r.cold['server-everything stdio'].length} runs each, interleaved (ms)`,
    ['server', 'p50', 'min', 'max', 'p50 ratio to server-everything'],
    Object.entries(r.cold).map(([k, v]) => [
      k,
      fixed(median(v), 1),
      fixed(Math.min(...v), 1),
      fixed(Math.max(...v), 1),
      fixed(median(v) / everything, 2),
    ]),
  );
  section(
    out,
    'Context economy: `tools/list` of the built CLI (tokens = characters / 4; model-read = name, title, description, inputSchema)',
    ['toolset', 'tools', 'tokens', 'tokens per tool', 'model-read tokens per tool'],
    r.context.map((c) => [
      c.set,
      String(c.tools),
      int(c.tokens),
      int(c.tokens / c.tools),
      fixed(c.modelReadPerTool, 1),
    ]),
  );
  section(
    out,
    'Largest read results on seeded sandbox data (budget 20,000 characters)',
    ['tool', 'characters', 'page', 'outcome'],
    r.largest.map((l) => [
      l.name,
      int(l.chars),
      l.cut ? 'cut with cursor' : 'whole',
      l.error ? 'error' : 'ok',
    ]),
  );
}

function details(r) {
  const out = [];
  for (const sections of [callSections, memorySections, startAndBudgetSections]) sections(r, out);
  return out.join('\n');
}

export function renderReport(r, targets) {
  const m = r.machine;
  return [
    '# Benchmark results',
    '',
    `_${m.date}, node ${m.node}, ${m.cpus}, ${m.ramMb} MB RAM, load average ${m.load}, ${m.seconds} s${m.quick ? ', QUICK MODE (tiny counts, figures not meaningful)' : ''}_`,
    '',
    'Produced by `npm run bench` (bench/run.js) on the built artifact. Every ratio compares figures measured in the same run: ' +
      'the floor (bench/floor.js: an McpServer on the same SDK with one tool making the same undici GET to the same sandbox endpoint) ' +
      'runs interleaved with ours, in rounds whose order rotates; figures are the median of per-round figures. ' +
      'The sandbox runs in its own process, HTTP is driven by a lean raw JSON-RPC client in its own process, heap is read after GC inside each server. ' +
      'The machine is shared and noisy (2 cores, other jobs running): absolute figures move between runs by tens of percent; ratios less so, but treat a ratio within ~5% of its target as a coin toss. The server CPU per call (read inside the server around each round, in the detail tables) is the figure other jobs move least.',
    '',
    '## Targets (issue #15)',
    '',
    table(
      ['target', 'result', 'ratio', 'project', 'floor / reference'],
      targets.map((t) => [t.target, t.met ? 'met' : '**missed**', fixed(t.ratio, 2), t.project, t.reference]),
    ),
    '',
    '## Detail',
    details(r),
    '',
  ].join('\n');
}
