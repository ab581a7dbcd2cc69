import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/core/cursor.js';
import { ToolInputError } from '../../src/core/input-error.js';

const state = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__'),
  fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean()),
  { maxKeys: 4 },
);

describe('cursors', () => {
  it('round-trip any paging state', () => {
    fc.assert(
      fc.property(state, (s) => {
        expect(decodeCursor('amigo_list_agents', encodeCursor('amigo_list_agents', s))).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('refuse any edit with an error that says what to do', () => {
    fc.assert(
      fc.property(state, fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (s, at, ch) => {
        const cursor = encodeCursor('ama2_poll_events', s);
        const i = at % cursor.length;
        const edited = cursor.slice(0, i) + ch + cursor.slice(i + 1);
        fc.pre(edited !== cursor);
        expect(() => decodeCursor('ama2_poll_events', edited)).toThrow(ToolInputError);
      }),
      { numRuns: 300 },
    );
    expect(() => decodeCursor('ama2_poll_events', 'garbage')).toThrow(/pass next_cursor exactly/);
  });

  it('refuse a cursor made for another tool', () => {
    const cursor = encodeCursor('atthene_get_messages', { offset: 40 });
    expect(() => decodeCursor('amigo_list_calls', cursor)).toThrow(/not valid for amigo_list_calls/);
  });
});
