import { type AttheneRoutes, noQuery, notFound } from './routes.js';

// Knowledge bases: read one and its processing status, under whichever status route the world
// is set to (apis/atthene.md §4).

export function registerKnowledgeBases({ api, world, ids }: AttheneRoutes): void {
  api('GET', '/knowledge-bases/:kb_id/', (req) => {
    const kb = world.knowledgeBases.get(req.params.kb_id ?? '');
    return noQuery(req) ?? (kb ? { status: 200, json: ids.knowledgeBase(kb) } : notFound());
  });
  api('GET', '/knowledge-bases/:kb_id/check_status/', (req) => {
    const kb = world.knowledgeBases.get(req.params.kb_id ?? '');
    if (!kb || world.knowledgeBaseStatusRoute !== 'check_status') return notFound();
    return {
      status: 200,
      json: {
        success: true,
        message: 'Status checked',
        knowledge_base: {
          ...kb,
          processing_metadata: {
            phase: 'completed',
            total_chunks: 120,
            processed_chunks: 120,
            message: 'Done',
          },
        },
        status_updated: false,
      },
    };
  });
  api('GET', '/knowledge-bases/:kb_id/status/', (req) => {
    const kb = world.knowledgeBases.get(req.params.kb_id ?? '');
    if (!kb || world.knowledgeBaseStatusRoute !== 'status') return notFound();
    return {
      status: 200,
      json: {
        total_datasources: 2,
        processed_datasources: 2,
        failed_datasources: 0,
        success_rate: 100,
        estimated_completion: null,
        last_updated: new Date().toISOString(),
      },
    };
  });
}
