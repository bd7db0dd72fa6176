// Elysia (as kit configures it) silently drops body fields its schema does not know. A client that
// sends a role, a price or a status must hear that it cannot, so every public route with a body
// refuses unknown fields before validation: 400 VALIDATION naming each one, and nothing changes.
import type { TSchema } from '@sinclair/typebox'
import { fail } from './errors'

function unknownFields(schema: TSchema, value: unknown, path: string, out: string[]) {
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    if (schema.type === 'array' && schema.items) value.forEach((v, i) => unknownFields(schema.items as TSchema, v, `${path}.${i}`, out))
    return
  }
  if (schema.type !== 'object' || !schema.properties) return
  const properties = schema.properties as Record<string, TSchema>
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const where = path ? `${path}.${key}` : key
    if (!(key in properties)) out.push(where)
    else unknownFields(properties[key]!, child, where, out)
  }
}

/** A `transform` hook for a route whose body is `schema`; `why` ends each field's message. */
export function rejectUnknownFields(schema: TSchema, why?: string) {
  const message = why ? `unknown field (${why})` : 'unknown field'
  return ({ body }: { body: unknown }) => {
    const found: string[] = []
    unknownFields(schema, body, '', found)
    if (found.length) throw fail('VALIDATION', `${found[0]}: unknown field`, { fields: found.map((path) => ({ path, message })) })
  }
}

/** A route's body schema with its unknown fields refused: spread into the route's options. */
export const strictBody = <S extends TSchema>(schema: S, why?: string) => ({ body: schema, transform: rejectUnknownFields(schema, why) })
