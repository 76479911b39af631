// Tests check every response body against openapi.yaml, so the document
// cannot drift from what the server really sends.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS; under NodeNext its default export arrives untyped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const SPEC_ID = 'openapi.yaml';
const spec = parse(
  readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')
) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { $ref?: string }> }>
  >;
};
// strict: false because an OpenAPI document has keys JSON Schema does not know.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: SPEC_ID });

function escape(part: string): string {
  return part.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Assert that `body` matches the schema openapi.yaml gives for `method` (default GET) `route` answering `status`. */
export function assertMatchesSpec(
  route: string,
  status: number,
  body: unknown,
  method = 'get'
): void {
  const response = spec.paths[route]?.[method]?.responses[String(status)];
  assert.ok(
    response,
    `openapi.yaml has no ${status} response for ${method.toUpperCase()} ${route}`
  );
  // A response is either inline or a $ref to components/responses.
  const base = response.$ref
    ? `${SPEC_ID}${response.$ref}`
    : `${SPEC_ID}#/paths/${escape(route)}/${method}/responses/${status}`;
  const location = `${base}/content/application~1json/schema`;
  const validate = ajv.getSchema(location);
  assert.ok(validate, `no schema at ${location}`);
  assert.ok(
    validate(body),
    `${method.toUpperCase()} ${route} ${status} does not match openapi.yaml: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`
  );
}
