import { z } from 'zod';
import { ToolInputError } from '../../../core/input-error.js';
import { defineAmigoTool } from '../support.js';

export default defineAmigoTool({
  name: 'amigo_resolve_entity',
  title: 'Resolve an Amigo entity',
  description: 'Finds the entity an exact phone (E.164), email, canonical, external or entity id belongs to.',
  platform: 'amigo',
  input: {
    entity_type: z.string().min(1).max(100).describe('e.g. patient.'),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'phone must be E.164, e.g. +15550100000')
      .optional()
      .describe('Phone number in E.164.'),
    email: z.string().email('email must be an email address').optional(),
    canonical_id: z.string().min(1).max(200).optional().describe('Id in the source system (e.g. MRN).'),
    entity_id: z.string().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(20).default(5).describe('Most matches.'),
  },
  output: {
    matches: z
      .array(
        z.object({
          entity_id: z.string().describe('Matching entity.'),
          entity_type: z.string().describe('Its type.'),
          confidence: z.number().describe('0 to 1.'),
          matched_on: z.array(z.string()).optional().describe('Which identifiers matched.'),
        }),
      )
      .describe('Matches, best first.'),
    total: z.number().describe('Matches in all.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(input, ctx) {
    const { entity_type: entityType, limit, ...ids } = input;
    if (Object.values(ids).every((v) => v === undefined))
      throw new ToolInputError('give at least one of phone, email, canonical_id or entity_id.');
    const found = await ctx.client.resolveEntity({ entity_type: entityType, limit, ...ids }, ctx.signal);
    return {
      matches: found.matches.map((m) => ({
        entity_id: String(m.entity_id),
        entity_type: String(m.entity_type),
        confidence: Number(m.confidence),
        matched_on: m.matched_on as string[] | undefined,
      })),
      total: found.total,
    };
  },
});
