import { z } from 'zod';
import { defineAttheneTool } from '../support.js';

export default defineAttheneTool({
  name: 'atthene_get_knowledge_base',
  title: 'Get Atthene knowledge base',
  description: 'Returns a knowledge base, its ingestion status and progress, and its sources.',
  platform: 'atthene',
  input: {
    knowledge_base_id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/,
        'knowledge_base_id must be the id from an agent config (knowledge_bases[].id)',
      )
      .describe('From knowledge_bases in atthene_get_agent.'),
  },
  output: {
    knowledge_base: z
      .object({
        id: z.string().describe('Knowledge base id.'),
        name: z.string().optional().describe('Name.'),
        description: z.string().optional().describe('Description.'),
        status: z.string().optional().describe('pending, running, completed or failed.'),
        progress: z.number().optional().describe('Ingestion progress, 0-100.'),
        processing_engine: z.string().optional().describe('Vector engine (milvus).'),
        ingested_datasources: z.array(z.unknown()).optional().describe('Sources ingested.'),
        failed_datasources: z.array(z.unknown()).optional().describe('Sources that failed.'),
      })
      .describe('The knowledge base.'),
    processing_status: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Latest processing status from the platform.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  untrusted: ['name', 'description', 'ingested_datasources', 'failed_datasources', 'processing_status'],
  notFoundHint:
    'No knowledge base has this id; agent configs list theirs under knowledge_bases (atthene_get_agent).',
  async run(input, ctx) {
    const client = ctx.client;
    const [kb, status] = await Promise.all([
      client.getKnowledgeBase(input.knowledge_base_id, ctx.signal),
      client.getKnowledgeBaseStatus(input.knowledge_base_id, ctx.signal),
    ]);
    const pick = <T>(key: string) => kb[key] as T | undefined;
    return {
      knowledge_base: {
        id: String(kb.id ?? input.knowledge_base_id),
        name: pick<string>('name'),
        description: pick<string>('description'),
        status: pick<string>('status'),
        progress: pick<number>('progress'),
        processing_engine: pick<string>('processing_engine'),
        ingested_datasources: pick<unknown[]>('ingested_datasources'),
        failed_datasources: pick<unknown[]>('failed_datasources'),
      },
      processing_status: status,
    };
  },
});
