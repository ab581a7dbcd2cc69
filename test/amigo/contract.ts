import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenApiDocument } from '../../src/core/platform.js';
import { createContract } from '../helpers/openapi-contract.js';

// The Amigo client and emulator held to the vendored subset of the operations the client uses, by
// the one harness every platform's contract tests share; every 422 is FastAPI's validation error.

export const SPEC = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../src/platforms/amigo/openapi.subset.json'), 'utf8'),
) as OpenApiDocument;

export const { operationOf, contractProblems } = createContract(SPEC, {
  errorBodies: { '422': { $ref: '#/components/schemas/HTTPValidationError' } },
});
