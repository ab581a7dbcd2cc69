import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closestName, parseToolInput } from '../../src/core/tool-input.js';

describe('closestName', () => {
  it.each([
    ['message', ['thread_id', 'content', 'mentions'], 'content'],
    ['text', ['session_id', 'content', 'content_blocks'], 'content'],
    ['content', ['message', 'service_id'], 'message'],
    ['threadId', ['thread_id', 'after_seq'], 'thread_id'],
    ['conten', ['thread_id', 'content'], 'content'],
    ['limt', ['limit', 'cursor'], 'limit'],
    ['page_size', ['limit', 'cursor'], 'limit'],
    ['search', ['q', 'limit'], 'q'],
    ['id', ['thread_id', 'limit'], 'thread_id'],
  ])('%s among %j is %s', (name, known, meant) => {
    expect(closestName(name, known)).toBe(meant);
  });

  it.each([
    ['id', ['canonical_id', 'entity_id']],
    ['colour', ['thread_id', 'participation_mode']],
    ['x', ['q']],
    ['message', ['content', 'text']],
  ])('%s among %j has no single likely meaning', (name, known) => {
    expect(closestName(name, known)).toBeUndefined();
  });
});

describe('parseToolInput', () => {
  const shape = {
    thread_id: z.string(),
    content: z.string().min(1, 'content must not be empty'),
    limit: z.number().int().default(20),
  };

  it('parses known arguments with their defaults', () => {
    expect(parseToolInput(shape, { thread_id: 't', content: 'x' })).toEqual({
      thread_id: 't',
      content: 'x',
      limit: 20,
    });
  });

  it('names the unknown field and the one it meant, not the required field that suggestion already names', () => {
    expect(() => parseToolInput(shape, { thread_id: 't', message: 'x' })).toThrow(
      /^unknown field "message"; did you mean "content"\?$/,
    );
  });

  it('reports every other problem after the unknown fields, field first', () => {
    expect(() => parseToolInput(shape, { message: 'x', limit: 'many' })).toThrow(
      'unknown field "message"; did you mean "content"? thread_id is required; limit: Invalid input: expected number, received string',
    );
    expect(() => parseToolInput(shape, { thread_id: 't', content: '' })).toThrow(
      /^content must not be empty$/,
    );
  });
});
