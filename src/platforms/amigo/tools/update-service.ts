import { z } from 'zod';
import { sameJson } from '../../../core/diff.js';
import { ToolInputError } from '../../../core/input-error.js';
import type { AmigoService } from '../client.js';
import { defineAmigoTool, NOT_FOUND, serviceIdParam } from '../support.js';
import {
  changeOf,
  checkBody,
  diffOutput,
  diffResult,
  merged,
  optionalChangesParam,
  pick,
  refuseUnknown,
} from '../versioning.js';

type Json = Record<string, unknown>;
type VersionSetInput = { name: string; agent_version_number?: number; context_graph_version_number?: number };

/** The named set as upsert-service-version-set takes it: the stored one with the given pins over it. */
function versionSetBody(service: AmigoService, input: VersionSetInput): Json {
  const { name, ...pins } = input;
  const stored = (service.version_sets as Record<string, Json> | undefined)?.[name] ?? {};
  return { version_set: { ...stored, ...pins } };
}

export default defineAmigoTool({
  name: 'amigo_update_service',
  title: 'Update Amigo service',
  description:
    'Sets the given fields of a service and/or a named version set (agent and context graph version pins); returns a diff.',
  platform: 'amigo',
  input: {
    service_id: serviceIdParam,
    changes: optionalChangesParam('update-service'),
    version_set: z
      // Lengths and integers are the document's to check (checkBody), as for `changes`.
      .object({
        name: z.string(),
        agent_version_number: z.number().optional(),
        context_graph_version_number: z.number().optional(),
      })
      .optional()
      .describe('Named set of pins, e.g. release.'),
  },
  output: { service_id: z.string().describe('Service id.'), ...diffOutput },
  // Overwrites the service's live configuration: unlike agent and graph versions, the values it
  // replaces are not kept anywhere. Sending the same change twice leaves the same state.
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  untrusted: ['changes'],
  notFoundHint: NOT_FOUND.service,
  async run(input, ctx) {
    const changes = input.changes ?? {};
    if (Object.keys(changes).length === 0 && !input.version_set)
      throw new ToolInputError('give changes, version_set or both: there is nothing to update.');
    const fields = await refuseUnknown(ctx, 'update-service', changes);
    const service = await ctx.client.getService(input.service_id, ctx.signal);
    // update-service's body, components.schemas.UpdateServiceRequest of the Amigo OpenAPI document,
    // declares every field optional and nullable and none required (ServiceResponse, by contrast,
    // requires 13): a partial update, not a replacement. So only the fields that change are sent;
    // the rest stay as stored, and a concurrent change to another field is not overwritten.
    const after = merged(pick(service, fields), changes);
    const changed = Object.keys(changes).filter((k) => !sameJson(after[k], service[k]));
    const body = Object.fromEntries(changed.map((k) => [k, after[k]]));
    const set = input.version_set && versionSetBody(service, input.version_set);
    const name = input.version_set?.name ?? '';
    const before = {
      ...pick(service, Object.keys(body)),
      ...(set ? { version_sets: pick((service.version_sets ?? {}) as Json, [name]) } : {}),
    };
    const found = changeOf(
      before,
      { ...body, ...(set ? { version_sets: { [name]: set.version_set } } : {}) },
      'the service',
    );
    const params = { service_id: input.service_id };
    await checkBody(ctx, 'update-service', params, body);
    if (set) await checkBody(ctx, 'upsert-service-version-set', { ...params, name }, set);
    if (Object.keys(body).length > 0) await ctx.client.updateService(input.service_id, body, ctx.signal);
    if (set) await ctx.client.upsertVersionSet(input.service_id, name, set, ctx.signal);
    return { service_id: input.service_id, ...diffResult(found) };
  },
});
