// The gateway's pure decisions: where a path goes, who the client is, when a circuit opens, and how
// the services' documents become one. The behaviour over HTTP is in tests/system/gateway.test.ts.
import { describe, expect, test } from 'bun:test'
import { resolveRoute, upstreamBudgetMs, isEventStream } from '../src/modules/proxy/routes'
import { resolveClientIp, trustedProxies } from '../src/modules/proxy/client-ip'
import { CircuitBreaker } from '../src/modules/proxy/breaker'
import { upstreamRequestHeaders } from '../src/modules/proxy/headers'
import { mergeDocuments } from '../src/modules/docs/service'
import { loadGatewayConfig } from '../src/config'

describe('route table', () => {
  const upstreamOf = (path: string) => resolveRoute(path)?.upstream ?? '404'

  test('the most specific pattern wins', () => {
    expect(upstreamOf('/api/auth/login')).toBe('auth')
    expect(upstreamOf('/api/users')).toBe('auth')
    expect(upstreamOf('/api/users/665f1c2b9d3e4a0012345678')).toBe('auth')
    expect(upstreamOf('/api/events')).toBe('catalog')
    expect(upstreamOf('/api/events/665f1c2b9d3e4a0012345678')).toBe('catalog')
    expect(upstreamOf('/api/events/665f1c2b9d3e4a0012345678/cancel')).toBe('catalog')
    expect(upstreamOf('/api/events/665f1c2b9d3e4a0012345678/ticket-types')).toBe('ticketing')
    expect(upstreamOf('/api/events/x/ticket-types/y')).toBe('ticketing')
    expect(upstreamOf('/api/events/x/availability')).toBe('ticketing')
    expect(upstreamOf('/api/events/x/availability/stream')).toBe('ticketing')
    expect(upstreamOf('/api/events/x/sales')).toBe('orders')
    expect(upstreamOf('/api/events/x/waiting-room')).toBe('orders')
    expect(upstreamOf('/api/events/x/complimentary')).toBe('orders')
    expect(upstreamOf('/api/events/x/box-office')).toBe('orders')
    expect(upstreamOf('/api/events/x/door-list')).toBe('orders')
    expect(upstreamOf('/api/events/x/pools')).toBe('ticketing')
    expect(upstreamOf('/api/events/x/pools/y')).toBe('ticketing')
    expect(upstreamOf('/api/events/x/waiting-roomy')).toBe('catalog')
    expect(upstreamOf('/api/events/x/emails')).toBe('catalog')
    expect(upstreamOf('/api/events/x/emails/preview')).toBe('notifications')
    expect(upstreamOf('/api/orders')).toBe('orders')
    expect(upstreamOf('/api/orders/x/refund')).toBe('orders')
    expect(upstreamOf('/api/checkins')).toBe('orders')
    expect(upstreamOf('/api/payments/x')).toBe('payments')
    expect(upstreamOf('/api/notifications/stream')).toBe('notifications')
  })

  test('prefixes match whole segments only; other /api paths are unknown; the rest is the web app', () => {
    expect(upstreamOf('/api/usersx')).toBe('404')
    expect(upstreamOf('/api/eventsfoo')).toBe('404')
    expect(upstreamOf('/api/events/ticket-types')).toBe('catalog')
    expect(upstreamOf('/api')).toBe('404')
    expect(upstreamOf('/api/')).toBe('404')
    expect(upstreamOf('/api/health2')).toBe('404')
    expect(upstreamOf('/')).toBe('web')
    expect(upstreamOf('/events/123')).toBe('web')
    expect(upstreamOf('/assets/app.js')).toBe('web')
    expect(upstreamOf('/apix')).toBe('web')
  })

  test('writes to orders get the longer budget; event streams are known by path', () => {
    const config = loadGatewayConfig({ JWT_PUBLIC_KEY: 'p'.repeat(60) })
    expect(upstreamBudgetMs(resolveRoute('/api/orders')!, 'POST', config)).toBe(30_000)
    expect(upstreamBudgetMs(resolveRoute('/api/orders')!, 'GET', config)).toBe(10_000)
    expect(upstreamBudgetMs(resolveRoute('/api/events')!, 'POST', config)).toBe(10_000)
    expect(upstreamBudgetMs(resolveRoute('/api/events/x/box-office')!, 'POST', config)).toBe(30_000)
    expect(upstreamBudgetMs(resolveRoute('/api/events/x/complimentary')!, 'POST', config)).toBe(30_000)
    expect(upstreamBudgetMs(resolveRoute('/api/events/x/attendees')!, 'GET', config)).toBe(10_000)
    expect(isEventStream('/api/notifications/stream')).toBe(true)
    expect(isEventStream('/api/events/abc/availability/stream')).toBe(true)
    expect(isEventStream('/api/notifications')).toBe(false)
    // Only the two streams escape the deadline: another path ending so does not.
    expect(isEventStream('/api/orders/x/stream')).toBe(false)
    expect(isEventStream('/api/events/a/b/availability/stream')).toBe(false)
  })
})

describe('client address', () => {
  test('without trusted proxies, X-Forwarded-For is never believed', () => {
    const none = trustedProxies('')
    expect(resolveClientIp('127.0.0.1', '1.2.3.4', none)).toBe('127.0.0.1')
    expect(resolveClientIp('::ffff:10.0.0.5', '1.2.3.4', none)).toBe('10.0.0.5')
  })

  test('behind trusted proxies, the rightmost untrusted hop is the client', () => {
    const trusted = trustedProxies('10.20.0.0/24, 127.0.0.1, fd00::/8')
    expect(resolveClientIp('10.20.0.7', '203.0.113.5', trusted)).toBe('203.0.113.5')
    expect(resolveClientIp('10.20.0.7', '6.6.6.6, 203.0.113.5, 10.20.0.3', trusted)).toBe('203.0.113.5')
    expect(resolveClientIp('fd00::1', '198.51.100.1', trusted)).toBe('198.51.100.1')
    // Garbage stops the walk at the last address that was real.
    expect(resolveClientIp('10.20.0.7', 'not-an-ip, 203.0.113.5', trusted)).toBe('203.0.113.5')
    expect(resolveClientIp('10.20.0.7', 'not-an-ip', trusted)).toBe('10.20.0.7')
    // From an untrusted socket nothing changes.
    expect(resolveClientIp('192.0.2.1', '203.0.113.5', trusted)).toBe('192.0.2.1')
  })

  test('a TRUSTED_PROXIES entry that cannot be read stops the start', () => {
    expect(() => trustedProxies('10.0.0.0/33')).toThrow()
    expect(() => trustedProxies('traefik')).toThrow()
  })

  test('forwarded headers are overwritten and asserted identity is dropped', () => {
    const incoming = new Headers({
      authorization: 'Bearer abc',
      'x-user-id': 'admin',
      'X-User-Role': 'admin',
      'x-principal': 'admin',
      'x-forwarded-for': '6.6.6.6',
      'x-real-ip': '6.6.6.6',
      connection: 'keep-alive, x-secret-hop',
      'x-secret-hop': '1',
      'idempotency-key': 'k1',
      host: 'evil.example',
    })
    const out = upstreamRequestHeaders(incoming, { clientIp: '192.0.2.9', requestId: 'rid', host: 'easypass.test', proto: 'https' })
    expect(out.get('authorization')).toBe('Bearer abc')
    expect(out.get('idempotency-key')).toBe('k1')
    expect(out.get('x-forwarded-for')).toBe('192.0.2.9')
    expect(out.get('x-real-ip')).toBe('192.0.2.9')
    expect(out.get('x-request-id')).toBe('rid')
    for (const gone of ['x-user-id', 'x-user-role', 'x-principal', 'connection', 'x-secret-hop', 'host']) expect(out.has(gone)).toBe(false)
  })
})

describe('circuit breaker', () => {
  test('opens after consecutive failures, lets one probe through after the pause, closes on success', () => {
    let now = 0
    const breaker = new CircuitBreaker(3, 2_000, () => now)
    for (let i = 0; i < 3; i++) {
      expect(breaker.tryAcquire()).toBe(true)
      breaker.failed()
    }
    expect(breaker.state).toBe('open')
    expect(breaker.tryAcquire()).toBe(false)
    now = 2_001
    expect(breaker.tryAcquire()).toBe(true) // the probe
    expect(breaker.tryAcquire()).toBe(false) // only one at a time
    breaker.failed()
    expect(breaker.state).toBe('open')
    now = 4_100
    expect(breaker.tryAcquire()).toBe(true)
    breaker.succeeded()
    expect(breaker.state).toBe('closed')
    expect(breaker.tryAcquire()).toBe(true)
  })

  test('a success in between resets the count; an abandoned probe frees the slot', () => {
    let now = 0
    const breaker = new CircuitBreaker(2, 1_000, () => now)
    breaker.failed()
    breaker.succeeded()
    breaker.failed()
    expect(breaker.state).toBe('closed')
    breaker.failed()
    now = 1_001
    expect(breaker.tryAcquire()).toBe(true)
    breaker.abandoned()
    expect(breaker.tryAcquire()).toBe(true)
  })
})

describe('merged document', () => {
  const errorSchema = { type: 'object', properties: { error: { type: 'object' } } }
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

  test('keeps only the paths each service really serves, shares equal schemas and renames clashing ones', () => {
    const merged = mergeDocuments(
      [
        { source: 'gateway', document: { paths: { '/api/health': { get: { tags: ['Operations'] } } }, components: { schemas: { Error: errorSchema } } } },
        {
          source: 'catalog',
          document: {
            tags: [{ name: 'Catalog', description: 'events' }],
            paths: {
              '/api/events': { get: { tags: ['Catalog'], responses: { 200: { content: { 'application/json': { schema: ref('Event') } } } } } },
              '/api/events/{id}/availability': { get: {} }, // ticketing's path: not catalog's to document
              '/internal/events/{id}': { get: {} },
            },
            components: { schemas: { Error: errorSchema, Event: { type: 'object', properties: { title: { type: 'string' } } } } },
          },
        },
        {
          source: 'ticketing',
          document: {
            paths: { '/api/events/{id}/availability': { get: { responses: { 200: { content: { 'application/json': { schema: ref('Event') } } } } } } },
            components: { schemas: { Event: { type: 'object', properties: { capacity: { type: 'integer' } } } } },
          },
        },
      ],
      ['orders'],
    )
    expect(Object.keys(merged.paths).sort()).toEqual(['/api/events', '/api/events/{id}/availability', '/api/health'])
    expect(Object.keys(merged.components.schemas).sort()).toEqual(['Error', 'Event', 'Event_ticketing'])
    expect(merged.paths['/api/events']!.get.responses[200].content['application/json'].schema).toEqual(ref('Event'))
    expect(merged.paths['/api/events/{id}/availability']!.get.responses[200].content['application/json'].schema).toEqual(ref('Event_ticketing'))
    expect(merged.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(merged.tags!.map((t) => t.name)).toEqual(['Catalog', 'Operations'])
    expect(merged.servers).toEqual([{ url: '/' }])
    expect(merged['x-unavailable-services']).toEqual(['orders'])
  })

  test('bodies are JSON with whole numbers as numbers; an answer without a body has no content; streams are event streams; no inline $id', () => {
    const quantity = { minimum: 1, anyOf: [{ type: 'string', format: 'integer', default: 0 }, { type: 'integer', minimum: 1 }] }
    const body = { type: 'object', properties: { quantity } }
    const merged = mergeDocuments([
      {
        source: 'orders',
        document: {
          paths: {
            '/api/orders': {
              post: {
                requestBody: { required: true, content: { 'application/json': { schema: body }, 'application/x-www-form-urlencoded': { schema: body }, 'multipart/form-data': { schema: body } } },
                responses: { 400: { content: { 'application/json': { schema: { $id: '#/components/schemas/Error', type: 'object' } } } } },
              },
            },
            '/api/orders/billing-details': { delete: { responses: { 204: { description: 'deleted', content: { type: 'void', description: 'deleted' } } } } },
          },
          components: { schemas: { Error: { $id: '#/components/schemas/Error', type: 'object' } } },
        },
      },
      { source: 'notifications', document: { paths: { '/api/notifications/stream': { get: { responses: { 200: { content: { 'text/plain': { schema: { type: 'string', description: 'text/event-stream: messages' } } } } } } } } } },
    ])
    const post = merged.paths['/api/orders']!.post
    expect(Object.keys(post.requestBody.content)).toEqual(['application/json'])
    expect(post.requestBody.content['application/json'].schema.properties.quantity).toEqual({ minimum: 1, type: 'integer' })
    expect(post.responses[400].content['application/json'].schema).toEqual({ type: 'object' })
    expect(merged.paths['/api/orders/billing-details']!.delete.responses[204]).toEqual({ description: 'deleted' })
    expect(Object.keys(merged.paths['/api/notifications/stream']!.get.responses[200].content)).toEqual(['text/event-stream'])
    expect(merged.components.schemas.Error).toEqual({ type: 'object' })
  })
})
