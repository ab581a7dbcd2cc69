import { type AmigoRoutes, detail, type Json, offsetPage, ok } from './routes.js';

// The world model: entities, search, resolve, timelines, entity types (apis/amigo.md §6 World).

function entityFilter(query: Json): (e: Json) => boolean {
  const types = (query.entity_type as string[] | null | undefined) ?? [];
  const tags = (query.tags as string[] | null | undefined) ?? [];
  const q = (query.q as string | null | undefined)?.toLowerCase();
  const semantic = (query.semantic as string | null | undefined)?.toLowerCase();
  return (e) =>
    (types.length === 0 || types.includes(String(e.entity_type))) &&
    (tags.length === 0 || tags.some((t) => (e.tags as string[]).includes(t))) &&
    (!q ||
      [e.display_name, e.canonical_id, e.phone, e.id].some((v) =>
        String(v ?? '')
          .toLowerCase()
          .includes(q),
      )) &&
    (!semantic || semantic.split(/\s+/).some((w) => JSON.stringify(e).toLowerCase().includes(w)));
}

function resolveMatches(entities: Json[], body: Json): Json[] {
  const keys = ['entity_id', 'phone', 'email', 'canonical_id'] as const;
  return entities
    .filter((e) => e.entity_type === body.entity_type)
    .flatMap((e) => {
      const on = keys.filter(
        (k) => body[k] !== undefined && body[k] !== null && (k === 'entity_id' ? e.id : e[k]) === body[k],
      );
      return on.length
        ? [
            {
              entity_id: e.id,
              entity_type: e.entity_type,
              confidence: 1,
              matched_on: on,
              summary: { display_name: e.display_name },
            },
          ]
        : [];
    });
}

function entityTypes(entities: Json[]): Json {
  const counts = new Map<string, number>();
  for (const e of entities) counts.set(String(e.entity_type), (counts.get(String(e.entity_type)) ?? 0) + 1);
  return {
    entity_types: [...counts].map(([entity_type, count]) => ({
      entity_type,
      count,
      has_projection: true,
      last_updated: new Date(Date.UTC(2026, 10, 20)).toISOString(),
    })),
    total_entities: entities.length,
  };
}

export function registerEntities({ ws, world }: AmigoRoutes): void {
  ws('GET', '/world/entities', (_req, input) =>
    offsetPage(input, world.entities.filter(entityFilter(input.query)), 'entities', true),
  );
  ws('GET', '/world/search', (_req, input) => {
    const q = input.query.q as string;
    const hits = world.entities.filter((e) => JSON.stringify(e).toLowerCase().includes(q.toLowerCase()));
    return offsetPage(
      input,
      hits.map((e) => ({
        entity_id: e.id,
        entity_type: e.entity_type,
        display_name: e.display_name,
        score: 0.9,
      })),
      'results',
      false,
      { query: q },
    );
  });
  ws('POST', '/world/entities/resolve', (_req, { body }) => {
    const matches = resolveMatches(world.entities, body);
    return ok({ matches, total: matches.length });
  });
  ws('GET', '/world/entities/:entity_id', (req) => {
    const entity = world.entities.find((e) => e.id === req.params.entity_id);
    return entity ? ok(entity) : detail(404, 'Entity not found');
  });
  ws('GET', '/world/entities/:entity_id/timeline', (req, input) => {
    const events = world.events.get(req.params.entity_id ?? '');
    if (!events) return detail(404, 'Entity not found');
    const domain = input.query.domain;
    return offsetPage(input, domain ? events.filter((e) => e.domain === domain) : events, 'events', true, {
      entity_id: req.params.entity_id,
    });
  });
  ws('GET', '/world/entity-types', () => ok(entityTypes(world.entities)));
}
