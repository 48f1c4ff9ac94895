import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchema, openApiDocumentPath, schemaPath } from './generate.ts';

describe('the SDK types', () => {
  it('match the committed OpenAPI document (run `pnpm openapi` after changing a route)', { timeout: 30_000 }, async () => {
    expect(await generateSchema(readFileSync(openApiDocumentPath, 'utf8'))).toBe(readFileSync(schemaPath, 'utf8'));
  });
});
