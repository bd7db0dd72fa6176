// Every write route of the public API, sent a body that is not what it takes (not JSON at all, JSON of
// the wrong kind, an object of unknown fields), by an admin (who may call every route): a 4xx in the
// contract's error shape each time, never a 5xx, and nothing changed (the events listed stay as they were).
// The routes come from the gateway's OpenAPI document, so a route added later is covered too.
import { describe, expect, test } from 'bun:test'
import { api, loginAdmin } from '../support/api'
import { system } from '../support/system'

const ID = '665f1c2b9d3e4a0000000001'
const WRITES = ['post', 'put', 'patch'] as const

describe('malformed bodies on every write route', () => {
  test('not JSON, JSON of the wrong kind, unknown fields: 4xx in the error shape, never a 5xx', async () => {
    const admin = await loginAdmin()
    const doc = (await (await fetch(`${system().gatewayUrl}/api/docs/json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown }>> }
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => WRITES.filter((m) => ops[m]?.requestBody).map((m) => ({ method: m.toUpperCase(), path: path.replace(/\{[^}]+\}/g, ID) })))
    expect(routes.length).toBeGreaterThan(30)
    const before = (await api('/events?status=all&limit=100&from=2000-01-01T00:00:00Z', { token: admin.token })).body.total
    const problems: string[] = []
    for (const { method, path } of routes)
      for (const rawBody of ['{', '[]', '"text"', '{"unknownField":1}']) {
        const r = await api(path.replace(/^\/api/, ''), { method, rawBody, token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() } })
        const shaped = typeof r.body?.error?.code === 'string' && typeof r.body?.error?.message === 'string'
        if (r.status < 400 || r.status >= 500 || !shaped) problems.push(`${method} ${path} ${rawBody} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`)
      }
    expect(problems).toEqual([])
    expect((await api('/events?status=all&limit=100&from=2000-01-01T00:00:00Z', { token: admin.token })).body.total).toBe(before)
  }, 120_000)
})
