import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, startCli } from '../helpers/cli.js';

// Issue #15's context budget, on the built CLI with every platform configured (the sandbox): the
// whole tools/list a client receives costs at most 12,000 tokens (characters / 4), and the part a
// model reads of each tool (name, title, description, inputSchema) at most 110 on average. Every
// tool a later change adds counts against the same numbers.

type Tool = Record<string, unknown>;
const tokens = (value: unknown) => JSON.stringify(value).length / 4;

let proc: CliProcess | undefined;
afterEach(() => proc?.kill());

async function listedTools(): Promise<Tool[]> {
  proc = await startCli(['--sandbox']);
  return ((await proc.rpc('tools/list')).result as { tools: Tool[] }).tools;
}

describe('tools/list context budget', () => {
  it('the whole list is at most 12,000 tokens and the model-read part at most 110 tokens a tool', async () => {
    const tools = await listedTools();
    expect(tools.length).toBeGreaterThan(40);
    const modelRead = tools.map(({ name, title, description, inputSchema }) =>
      tokens({ name, title, description, inputSchema }),
    );
    const average = modelRead.reduce((a, b) => a + b, 0) / tools.length;
    const worst = tools
      .map((t, i) => `${String(t.name)} ${Math.round(modelRead[i] ?? 0)}`)
      .sort((a, b) => Number(b.split(' ')[1]) - Number(a.split(' ')[1]))
      .slice(0, 5);
    expect(tokens({ tools }), `whole tools/list; heaviest: ${worst.join(', ')}`).toBeLessThanOrEqual(12_000);
    expect(average, `model-read tokens per tool; heaviest: ${worst.join(', ')}`).toBeLessThanOrEqual(110);
  });

  it('output schemas carry no descriptions and input schemas no zod safe-integer bounds', async () => {
    const text = JSON.stringify(await listedTools());
    expect(text).not.toContain(String(Number.MAX_SAFE_INTEGER));
    for (const tool of JSON.parse(text) as Tool[])
      expect(JSON.stringify(tool.outputSchema ?? {}), String(tool.name)).not.toMatch(/"description":"/);
  });
});
