// Calls between services, against the running system: each service signs its tokens with a key of its
// own, and each internal route answers the services whose work calls it, and no other. A service taken
// over (catalog, say) cannot ask payments for a refund or ticketing for a hold, nor pass for orders.
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../../stack/local/services'
import { SERVICE_CALLERS, type ServiceCaller } from '@easypass/kit'
import { serviceKeyOf, serviceKeyVariable } from '../../stack/local/secrets'
import { serviceToken, userTokensFromServiceKeys } from '../support/tokens'
import { system } from '../support/system'

const UNKNOWN = '0123456789abcdef01234567'

/** Every internal route, and the services allowed to call it: the policy, written here independently of the code. */
const ROUTES: Array<{ service: string; method: 'GET' | 'POST'; path: string; callers: ServiceCaller[] }> = [
  { service: 'catalog', method: 'GET', path: `/internal/events/${UNKNOWN}`, callers: ['orders', 'ticketing', 'notifications'] },
  { service: 'ticketing', method: 'GET', path: `/internal/events/summary?ids=${UNKNOWN}`, callers: ['catalog'] },
  { service: 'ticketing', method: 'POST', path: `/internal/events/${UNKNOWN}/ticket-types`, callers: ['catalog'] },
  { service: 'ticketing', method: 'POST', path: `/internal/events/${UNKNOWN}/pools`, callers: ['catalog'] },
  { service: 'ticketing', method: 'POST', path: '/internal/inventory/ops', callers: ['orders'] },
  { service: 'payments', method: 'POST', path: '/internal/charges', callers: ['orders'] },
  { service: 'payments', method: 'POST', path: '/internal/refunds', callers: ['orders'] },
  { service: 'payments', method: 'GET', path: `/internal/orders/${UNKNOWN}/payment`, callers: ['orders'] },
  { service: 'orders', method: 'GET', path: `/internal/orders/${UNKNOWN}`, callers: ['notifications'] },
  { service: 'orders', method: 'GET', path: `/internal/orders/${UNKNOWN}/tickets`, callers: ['notifications'] },
  { service: 'orders', method: 'GET', path: `/internal/orders/${UNKNOWN}/answers`, callers: ['notifications'] },
  { service: 'orders', method: 'GET', path: `/internal/orders/${UNKNOWN}/receipt`, callers: ['notifications'] },
  { service: 'orders', method: 'GET', path: `/internal/orders/${UNKNOWN}/credit-notes/0`, callers: ['notifications'] },
  { service: 'orders', method: 'GET', path: `/internal/users/${UNKNOWN}/last-event`, callers: ['auth'] },
]

/** Public routes services read (as an admin sees them), and by whom; every other public route takes no service's token. */
const PUBLIC_READS: Array<{ service: string; path: string; readBy: ServiceCaller[] }> = [
  { service: 'catalog', path: `/api/events/${UNKNOWN}`, readBy: ['notifications'] },
  { service: 'ticketing', path: `/api/events/${UNKNOWN}/availability`, readBy: ['catalog'] },
  { service: 'ticketing', path: `/api/events/${UNKNOWN}/vouchers/NOPE`, readBy: ['orders'] },
  { service: 'orders', path: '/api/orders?limit=5', readBy: [] },
  { service: 'orders', path: `/api/orders/${UNKNOWN}`, readBy: [] },
  { service: 'payments', path: `/api/payments/${UNKNOWN}`, readBy: [] },
  { service: 'catalog', path: '/api/events', readBy: [] },
]

async function call(route: { service: string; method: 'GET' | 'POST'; path: string }, token: string) {
  // An empty body: an allowed caller gets past who-asks to what-is-asked (400 or 404), a refused one never does.
  const r = await fetch(`${system().urls[route.service]}${route.path}`, {
    method: route.method,
    headers: { authorization: `Bearer ${token}`, ...(route.method === 'POST' ? { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() } : {}) },
    ...(route.method === 'POST' ? { body: '{}' } : {}),
  })
  const body = (await r.json().catch(() => ({}))) as { error?: { code?: string } }
  return { status: r.status, code: body.error?.code }
}

describe('calls between services', () => {
  test('the tables above name every internal route and every public route a service reads (a new one must be added to them)', () => {
    const count = (service: string, pattern: RegExp) => {
      const dir = join(ROOT, 'services', service, 'src')
      return (readdirSync(dir, { recursive: true }) as string[])
        .filter((file) => file.endsWith('.ts'))
        .reduce((n, file) => n + (readFileSync(join(dir, file), 'utf8').match(pattern)?.length ?? 0), 0)
    }
    for (const service of ['auth', 'catalog', 'ticketing', 'payments', 'orders', 'notifications']) {
      expect({ service, internal: count(service, /auth: \{ services: \[/g) }).toEqual({ service, internal: ROUTES.filter((r) => r.service === service).length })
      expect({ service, reads: count(service, /auth: \{ public: '\w+', readBy: \[/g) }).toEqual({ service, reads: PUBLIC_READS.filter((r) => r.service === service && r.readBy.length).length })
    }
  })

  test('each internal route answers the services named for it, and refuses every other service 403', async () => {
    const tokens = Object.fromEntries(await Promise.all(SERVICE_CALLERS.map(async (name) => [name, await serviceToken(name)] as const)))
    const seen: string[] = []
    for (const route of ROUTES) {
      for (const caller of SERVICE_CALLERS) {
        const got = await call(route, tokens[caller]!)
        const where = `${caller} → ${route.service} ${route.method} ${route.path}`
        if (route.callers.includes(caller)) {
          expect({ where, allowed: got.status !== 401 && got.status !== 403 && got.status < 500 }).toEqual({ where, allowed: true })
          seen.push(`${where} ${got.status}`)
        } else expect({ where, ...got }).toEqual({ where, status: 403, code: 'FORBIDDEN' })
      }
    }
    // The allowed calls were decided on what they asked: unknown ids and empty bodies (a summary of no known
    // event is empty; a person without orders has none).
    expect(seen.filter((line) => !/ (400|404)$/.test(line))).toEqual([
      `catalog → ticketing GET /internal/events/summary?ids=${UNKNOWN} 200`,
      `auth → orders GET /internal/users/${UNKNOWN}/last-event 200`,
    ])
  })

  test('a public route takes the token of the services that read it, for reading only, and no other service’s', async () => {
    const tokens = Object.fromEntries(await Promise.all(SERVICE_CALLERS.map(async (name) => [name, await serviceToken(name)] as const)))
    for (const route of PUBLIC_READS) {
      for (const caller of SERVICE_CALLERS) {
        const got = await call({ ...route, method: 'GET' }, tokens[caller]!)
        const where = `${caller} → ${route.service} GET ${route.path}`
        if (route.readBy.includes(caller)) expect({ where, status: got.status }).toEqual({ where, status: 404 })
        else expect({ where, ...got }).toEqual({ where, status: 403, code: 'FORBIDDEN' })
      }
    }
  })

  test("a service's key proves that service only: claiming another's name, a user's role, or the old shared-secret tokens is 401", async () => {
    const refund = ROUTES.find((r) => r.path === '/internal/refunds')!
    const made = await userTokensFromServiceKeys({ id: UNKNOWN, role: 'admin' }, 'catalog')
    // Catalog's key with orders' name: payments takes it for nobody.
    expect(await call(refund, made.asOrders)).toEqual({ status: 401, code: 'UNAUTHENTICATED' })
    // A service token as every service could make them before (HS256, one secret orders still holds): nobody.
    expect(await call(refund, made.oldServiceToken)).toEqual({ status: 401, code: 'UNAUTHENTICATED' })
    // Catalog's key making an admin, as a user's token or as its own: nobody, at catalog itself too.
    for (const token of [made.asUser, made.asItself]) {
      const r = await fetch(`${system().urls.catalog}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' })
      expect(r.status).toBe(401)
    }
    // The control: orders' own token gets past who-asks.
    expect((await call(refund, await serviceToken('orders'))).status).toBe(400)
  })

  test("each process that calls others holds its own service's key and no other's, the rest none; the services' secret only where it is needed", () => {
    const sys = system()
    const privateKeys = SERVICE_CALLERS.map((name) => sys.env[serviceKeyVariable(name)]!)
    // Written out here: the processes whose code calls another service, and the key each signs with.
    const signs: Record<string, ServiceCaller> = { auth: 'auth', catalog: 'catalog', ticketing: 'ticketing', orders: 'orders', 'orders-worker': 'orders', notifications: 'notifications' }
    let checked = 0
    for (const spec of sys.specs) {
      const pid = sys.pid(spec.name)
      expect({ process: spec.name, running: !!pid }).toEqual({ process: spec.name, running: true })
      if (!pid) continue
      checked++
      const environ = Object.fromEntries(
        readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      )
      const own = signs[spec.name]
      expect({ process: spec.name, own: serviceKeyOf(spec.name) }).toEqual({ process: spec.name, own })
      const held = SERVICE_CALLERS.filter((_, i) => Object.values(environ).includes(privateKeys[i]!))
      expect({ process: spec.name, held }).toEqual({ process: spec.name, held: own ? [own] : [] })
      if (own) expect({ process: spec.name, key: environ.SERVICE_KEY === sys.env[serviceKeyVariable(own)] }).toEqual({ process: spec.name, key: true })
      const service = spec.name.replace(/-worker$/, '')
      expect({ process: spec.name, secret: 'SERVICE_SECRET' in environ }).toEqual({ process: spec.name, secret: service === 'orders' || service === 'notifications' })
      expect({ process: spec.name, publicKeys: 'SERVICE_PUBLIC_KEYS' in environ }).toEqual({ process: spec.name, publicKeys: !['gateway', 'web'].includes(service) })
    }
    expect(checked).toBe(sys.specs.length)
  })
})
