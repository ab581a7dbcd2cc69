import { describe, expect, it } from 'vitest';
import { diff } from '../src/core/diff.js';

// The compact diff the Amigo version and service tools answer with (issue #14 section 2).

describe('diff', () => {
  it('names each changed leaf as `path: before -> after`, lists of values as multisets', () => {
    const before = { name: 'A', identity: { role: 'r', lang: 'en' }, behaviors: ['x', 'y', 'z'], gone: 1 };
    const after = { name: 'A', identity: { role: 's', lang: 'en' }, behaviors: ['y', 'x', 'w'], added: true };
    expect(diff(before, after)).toEqual({
      lines: [
        'identity.role: "r" -> "s"',
        'behaviors[2]: "z" -> (none)',
        'behaviors[2]: (none) -> "w"',
        'gone: 1 -> (none)',
        'added: (none) -> true',
      ],
      total: 5,
    });
    expect(diff({ tags: ['a', 'b'] }, { tags: ['b', 'a'] }).lines).toEqual(['tags: order changed']);
  });

  it('matches named objects by name and cuts long strings around their first difference', () => {
    const long = `${'The agent confirms every detail with the patient before it books. '.repeat(2)}Then it ends.`;
    const before = { states: [{ name: 'greet', objective: long }, { name: 'old' }] };
    const after = { states: [{ name: 'new' }, { name: 'greet', objective: long.replace('ends', 'stops') }] };
    const { lines } = diff(before, after);
    expect(lines[0]).toBe('states[greet].objective: "… books. Then it ends." -> "… books. Then it stops."');
    expect(lines.slice(1)).toEqual([
      'states[old]: {"name":"old"} -> (none)',
      'states[new]: (none) -> {"name":"new"}',
    ]);
  });

  it('keeps at most `max` lines and says how many there are', () => {
    const before = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i + 1]));
    const found = diff(before, after, 20);
    expect(found.lines).toHaveLength(20);
    expect(found.total).toBe(30);
    expect(diff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual({ lines: [], total: 0 });
  });
});
