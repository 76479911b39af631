// Types of lib/admin/validate-config.js, which scripts/admin-schema.mjs
// generates from jupyter_buckets.schema.json at build time.
import type { ErrorObject } from 'ajv';

interface IValidate {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
declare const validate: IValidate;
export default validate;
