import type { ErrorObject } from 'ajv'

/** The flow definition's JSON Schema, compiled (see scripts/flowSchemaCheck.ts). */
declare const checkSchema: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }
export default checkSchema
