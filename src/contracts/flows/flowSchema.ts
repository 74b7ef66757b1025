/**
 * The JSON Schema of a flow definition. It is compiled ahead of time into flowSchemaCheck.js
 * (`npm run flows:schema`), because the SPA's Content-Security-Policy forbids the code generation
 * ajv does when it compiles at run time.
 */
import { ACTIONS, CHECKS, FIELD_TYPES, FLOW_OUTCOMES, FLOW_REQUIREMENTS } from './types'

const localized = {
  type: 'object',
  required: ['fr', 'en'],
  additionalProperties: false,
  properties: { fr: { type: 'string', minLength: 1 }, en: { type: 'string', minLength: 1 } },
} as const
const id = { type: 'string', pattern: '^[a-z][a-z0-9-]{0,47}$' } as const
const rule = { type: 'object', minProperties: 1, maxProperties: 1 } as const
const transition = {
  oneOf: [
    id,
    {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['goto'],
        additionalProperties: false,
        properties: { when: rule, goto: id },
      },
    },
  ],
} as const
const param = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'object', required: ['var'], additionalProperties: false, properties: { var: { type: 'string' } } },
    localized,
  ],
} as const
const params = { type: 'object', additionalProperties: param } as const
const base = { id, title: localized } as const
const step = (kind: string, required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  required: ['id', 'kind', 'title', ...required],
  additionalProperties: false,
  properties: { ...base, kind: { const: kind }, ...properties },
})

export const FLOW_JSON_SCHEMA = {
  $id: 'https://gigafibre.ca/schemas/agent-flow.json',
  type: 'object',
  required: ['key', 'version', 'title', 'audience', 'start', 'steps'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    key: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,39}$' },
    version: { type: 'integer', minimum: 1 },
    title: localized,
    description: localized,
    audience: { enum: ['customer', 'prospect'] },
    requires: { type: 'array', uniqueItems: true, items: { enum: FLOW_REQUIREMENTS } },
    start: id,
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { enum: ['say', 'ask', 'form', 'check', 'act', 'end'] } },
        allOf: [
          {
            if: { properties: { kind: { const: 'say' } } },
            then: step('say', ['text', 'next'], { text: localized, next: transition }),
          },
          {
            if: { properties: { kind: { const: 'ask' } } },
            then: step('ask', ['question', 'options'], {
              question: localized,
              options: {
                type: 'array',
                minItems: 1,
                maxItems: 9,
                items: {
                  type: 'object',
                  required: ['value', 'label', 'goto'],
                  additionalProperties: false,
                  properties: { value: { type: 'string', minLength: 1 }, label: localized, goto: id },
                },
              },
            }),
          },
          {
            if: { properties: { kind: { const: 'form' } } },
            then: step('form', ['fields', 'next'], {
              text: localized,
              next: transition,
              fields: {
                type: 'array',
                minItems: 1,
                maxItems: 20,
                items: {
                  type: 'object',
                  required: ['name', 'type', 'label'],
                  additionalProperties: false,
                  properties: {
                    name: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,39}$' },
                    type: { enum: FIELD_TYPES },
                    label: localized,
                    required: { type: 'boolean' },
                    options: {
                      type: 'array',
                      minItems: 1,
                      items: {
                        type: 'object',
                        required: ['value', 'label'],
                        additionalProperties: false,
                        properties: { value: { type: 'string', minLength: 1 }, label: localized },
                      },
                    },
                    min: { type: 'number' },
                    max: { type: 'number' },
                    default: { type: 'string' },
                    help: localized,
                  },
                },
              },
            }),
          },
          {
            if: { properties: { kind: { const: 'check' } } },
            then: step('check', ['check', 'next'], { check: { enum: CHECKS }, params, next: transition }),
          },
          {
            if: { properties: { kind: { const: 'act' } } },
            then: step('act', ['action', 'next'], {
              action: { enum: ACTIONS },
              params,
              text: localized,
              next: transition,
            }),
          },
          {
            if: { properties: { kind: { const: 'end' } } },
            then: step('end', ['outcome'], { outcome: { enum: FLOW_OUTCOMES }, text: localized }),
          },
        ],
      },
    },
  },
} as const
