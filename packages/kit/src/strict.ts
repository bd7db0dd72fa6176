// Elysia (as kit configures it) silently drops body fields its schema does not know, and turns a
// number or boolean sent as a string into one. A client that sends a role, a price or a status must
// hear that it cannot, and `"quantity": "2"` is a wrong type: every public route with a body refuses
// both before validation, 400 VALIDATION naming each field, and nothing changes.
import type { TSchema } from '@sinclair/typebox'
import { fail } from './errors'

interface Problem {
  path: string
  message: string
}

/**
 * 'a number' or 'a boolean' when the schema wants one of those and no real string: plain `integer`,
 * `number` or `boolean`, or Elysia's `t.Integer`/`t.Numeric`, which is an `anyOf` of the number and
 * a string of format `integer`/`numeric` (the string is there for query strings, not for JSON).
 */
function scalarWanted(schema: TSchema): string | undefined {
  const kind = (type: unknown) => (type === 'integer' || type === 'number' ? 'a number' : type === 'boolean' ? 'a boolean' : undefined)
  if (kind(schema.type)) return kind(schema.type)
  const branches = schema.anyOf as TSchema[] | undefined
  if (!branches?.length) return undefined
  const wanted = branches.map((b) => kind(b.type)).find(Boolean)
  const onlyCoercedStrings = branches.every((b) => kind(b.type) || (b.type === 'string' && ['integer', 'numeric', 'boolean'].includes(b.format as string)))
  return wanted && onlyCoercedStrings ? wanted : undefined
}

function problems(schema: TSchema, value: unknown, path: string, unknown: string, out: Problem[]) {
  const scalar = typeof value === 'string' ? scalarWanted(schema) : undefined
  if (scalar) {
    out.push({ path, message: `expected ${scalar}, not a string` })
    return
  }
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    if (schema.type === 'array' && schema.items) value.forEach((v, i) => problems(schema.items as TSchema, v, `${path}.${i}`, unknown, out))
    return
  }
  if (schema.type !== 'object' || !schema.properties) return
  const properties = schema.properties as Record<string, TSchema>
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const where = path ? `${path}.${key}` : key
    // Own keys only: `in` would also find `constructor`, `toString`, `__proto__`… on every object.
    if (!Object.hasOwn(properties, key)) out.push({ path: where, message: unknown })
    else problems(properties[key]!, child, where, unknown, out)
  }
}

/** A `transform` hook for a route whose body is `schema`; `why` ends each unknown field's message. */
export function rejectUnknownFields(schema: TSchema, why?: string) {
  const unknown = why ? `unknown field (${why})` : 'unknown field'
  return ({ body }: { body: unknown }) => {
    const found: Problem[] = []
    problems(schema, body, '', unknown, found)
    if (found.length) throw fail('VALIDATION', `${found[0]!.path}: ${found[0]!.message === unknown ? 'unknown field' : found[0]!.message}`, { fields: found })
  }
}

/** A route's body schema with its unknown fields refused: spread into the route's options. */
export const strictBody = <S extends TSchema>(schema: S, why?: string) => ({ body: schema, transform: rejectUnknownFields(schema, why) })
