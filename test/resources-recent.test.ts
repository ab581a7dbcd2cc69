import { describe, expect, it } from 'vitest';
import { RecentResources } from '../src/core/resources/recent.js';

const item = (id: string, title = id) => ({ uri: `test://things/${id}`, name: id, platform: 'core', title });

describe('RecentResources', () => {
  it('keeps the newest first, one entry per URI, the latest details, within its capacity', () => {
    const recent = new RecentResources(3);
    recent.touch(item('a'));
    recent.touch(item('a', 'A renamed'));
    recent.touch(item('b'));
    recent.touch(item('a'));
    expect(recent.list().map((r) => [r.name, r.title])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
    recent.touch(item('c'));
    recent.touch(item('d'));
    expect(recent.list().map((r) => r.name)).toEqual(['d', 'c', 'a']);
    recent.touch(item('d', 'D again'));
    expect(recent.list()[0]).toMatchObject({ name: 'd', title: 'D again' });
    expect(recent.list('test://things/c').map((r) => r.name)).toEqual(['c']);
  });
});
