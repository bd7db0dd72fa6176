// The gateway, the only public entry: routing, request ids, early token refusal, rate limits,
// body limits, failure isolation, the merged API documentation and the aggregated health.
//
// Most tests go through the system's gateway like any client. Tests that need settings the shared
// gateway must not have (tiny rate limits, an upstream that is slow or records what it receives)
// start their own gateway process on a free port with the same environment, and stop it afterwards.
// The "probe" upstreams below are instruments that record what the gateway forwards (headers, client
// disconnects) or answer too slowly; they stand in for no service's behaviour.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import type { Server, Subprocess } from 'bun'
import { API_TAGS } from '@easypass/contracts'
import { forgedUserTokens, serviceToken, userTokens } from '../support/tokens'
import { secretsFor } from '../../stack/local/secrets'
import { ROOT } from '../../stack/local/services'
import { freePort, waitForPort } from '../../stack/local/infra'
import { api, errorCode, loginAdmin, registerUser } from '../support/api'
import { system } from '../support/system'

const present = (entry: string) => existsSync(join(ROOT, entry))
const HAS = {
  auth: present('services/auth/src/index.ts'),
  catalog: present('services/catalog/src/index.ts'),
  web: present('web/server.ts'),
}
const needs = (name: keyof typeof HAS) => {
  if (!HAS[name]) console.warn(`[gateway.test] skipped: ${name} does not exist yet`)
  return !HAS[name]
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The status of `path` once it answers 200 again after a restart, or the last one after 10 s. */
async function statusOnceBack(path: string): Promise<number> {
  let status = 0
  for (let i = 0; i < 50 && status !== 200; i++) {
    status = (await api(path)).status
    if (status !== 200) await Bun.sleep(200)
  }
  return status
}
/** For tests that start processes: the machine is small and shared. */
const SLOW = 60_000

const signer = () => userTokens()

/** Tokens that must never pass: wrong signature, changed payload, `alg: none`, expired, and a service's. */
async function badTokens(): Promise<Record<string, string>> {
  const s = signer()
  const good = await s.signAccess({ id: '665f1c2b9d3e4a0012345678', role: 'customer', email: 'someone@example.test' })
  const [header, payload, signature] = good.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const otherKey = forgedUserTokens()
  return {
    tampered: `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`,
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, role: 'admin' })}.`,
    expired: await s.signAccess({ id: '665f1c2b9d3e4a0012345678', role: 'customer' }, -120),
    wrongKey: await otherKey.signAccess({ id: '665f1c2b9d3e4a0012345678', role: 'admin' }),
    serviceToken: await serviceToken('orders'),
  }
}

async function raw(path: string, init: RequestInit = {}, base = system().gatewayUrl) {
  return fetch(base + path, init)
}

// ---------------------------------------------------------------------------------------------
// A gateway of our own, with the system's environment plus overrides, for settings the shared one must
// not have. Its Redis keys live under their own prefix so its counters never touch other tests.

interface ExtraGateway {
  url: string
  process: Subprocess
}

const extraGateways: ExtraGateway[] = []
process.on('exit', () => extraGateways.forEach((g) => g.process.kill('SIGKILL')))

async function startGateway(overrides: Record<string, string>, { redisUp = true } = {}): Promise<ExtraGateway> {
  const port = await freePort()
  const s = system()
  const serviceUrls: Record<string, string> = {}
  for (const spec of s.specs) if (spec.urlName && s.urls[spec.name]) serviceUrls[`${spec.urlName}_URL`] = s.urls[spec.name]!
  const logFile = join(ROOT, '.data', 'test', 'logs', s.namespace, `gateway-extra-${port}.log`)
  // As the launcher does: the gateway holds no key that could make a token.
  const env = secretsFor('gateway', {
    ...process.env,
    ...s.env,
    ...serviceUrls,
    REDIS_PREFIX: `${s.env.REDIS_PREFIX}x${port}`,
    ...overrides,
    PORT: String(port),
    SERVICE_NAME: 'gateway',
  })
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
  const child = Bun.spawn([process.execPath, join(ROOT, 'gateway/src/index.ts')], {
    cwd: ROOT,
    env,
    stdout: Bun.file(logFile),
    stderr: Bun.file(logFile),
    stdin: 'ignore',
  })
  const gateway = { url: `http://127.0.0.1:${port}`, process: child }
  extraGateways.push(gateway)
  await waitForPort(port, `extra gateway (see ${logFile})`, 30_000)
  // Its own /health is its Redis: counting must work from the first request of a test.
  for (let i = 0; redisUp && i < 50 && (await fetch(`${gateway.url}/health`)).status !== 200; i++) await Bun.sleep(100)
  return gateway
}

async function stopGateway(gateway: ExtraGateway | undefined) {
  if (!gateway) return
  gateway.process.kill('SIGTERM')
  await Promise.race([gateway.process.exited, Bun.sleep(5_000)])
  gateway.process.kill('SIGKILL')
}

/** A port nothing listens on: an upstream that is down. */
async function deadUrl() {
  return `http://127.0.0.1:${await freePort()}`
}

// ---------------------------------------------------------------------------------------------

describe('request ids', () => {
  test('a sane x-request-id is echoed, on errors and on proxied answers alike', async () => {
    const notFound = await api('/no-such-thing', { headers: { 'x-request-id': 'gw-test.id:1' } })
    expect(notFound.status).toBe(404)
    expect(notFound.headers.get('x-request-id')).toBe('gw-test.id:1')

    // A tracing header's id, with its = and ; characters, is kept as it is.
    const traced = await api('/no-such-thing', { headers: { 'x-request-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' } })
    expect(traced.headers.get('x-request-id')).toBe('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1')
    const health = await api('/health', { headers: { 'x-request-id': 'gw-test-health' } })
    expect(health.headers.get('x-request-id')).toBe('gw-test-health')

    if (HAS.auth) {
      const proxied = await api('/auth/login', { body: { email: 'nobody@example.test', password: 'wrong password' }, headers: { 'x-request-id': 'gw-test-proxied' } })
      expect(proxied.status).toBe(401)
      expect(proxied.headers.get('x-request-id')).toBe('gw-test-proxied')
    }
  })

  test('one is generated when absent or not sane', async () => {
    const absent = await api('/no-such-thing')
    const generated = absent.headers.get('x-request-id')
    expect(generated).toMatch(REQUEST_ID)

    const insane = await api('/no-such-thing', { headers: { 'x-request-id': 'has spaces and <html>' } })
    const replaced = insane.headers.get('x-request-id')
    expect(replaced).toMatch(REQUEST_ID)
    expect(replaced).not.toBe('has spaces and <html>')
    expect(replaced).not.toBe(generated)
  })
})

describe('routing', () => {
  test('an unknown /api route is 404 NOT_FOUND in the error shape, with API security headers', async () => {
    for (const path of ['/nope', '/eventsfoo', '/users-export', '/v2/events']) {
      const r = await api(path)
      expect(r.status).toBe(404)
      expect(errorCode(r)).toBe('NOT_FOUND')
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    }
    const bare = await raw('/api')
    expect(bare.status).toBe(404)
  })

  test.skipIf(needs('catalog'))('a known path asked with a method it does not take is 405 METHOD_NOT_ALLOWED with Allow; nothing changes', async () => {
    const admin = await loginAdmin()
    const listed = (await api('/events?limit=1', { token: admin.token })).body.total
    // A service's path (through the gateway), with a token that could otherwise write.
    const put = await api('/events', { method: 'PUT', token: admin.token, body: { title: 'Not this way' } })
    expect(put.status).toBe(405)
    expect(errorCode(put)).toBe('METHOD_NOT_ALLOWED')
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST')
    expect(put.body.error.details.allow).toEqual(['GET', 'HEAD', 'POST'])
    expect((await api('/events?limit=1', { token: admin.token })).body.total).toBe(listed)
    // A path with a parameter, and the gateway's own path.
    const patched = await api('/orders/665f1c2b9d3e4a0012345678', { method: 'PUT', token: admin.token, body: {} })
    expect(patched.status).toBe(405)
    expect(patched.headers.get('allow')).toBe('GET, HEAD')
    const health = await raw('/api/health', { method: 'DELETE' })
    expect(health.status).toBe(405)
    expect(health.headers.get('allow')).toBe('GET, HEAD')
    // A path no route has stays 404.
    expect((await api('/events/665f1c2b9d3e4a0012345678/nothing', { method: 'PUT', token: admin.token, body: {} })).status).toBe(404)
  })

  test.skipIf(needs('auth'))('auth routes reach auth', async () => {
    const r = await api('/auth/login', { body: system().admin })
    expect(r.status).toBe(200)
    expect(typeof r.body.accessToken).toBe('string')
    expect(r.headers.get('x-content-type-options')).toBe('nosniff')
  })

  test.skipIf(needs('catalog'))('event routes reach catalog, query string included', async () => {
    const r = await api('/events?limit=1&page=1')
    expect(r.status).toBe(200)
    expect(r.body.limit).toBe(1)
    expect(Array.isArray(r.body.items)).toBe(true)
  })

  test.skipIf(needs('web'))('paths outside /api reach the web app, deep links included', async () => {
    const deepLink = await raw('/events/665f1c2b9d3e4a0012345678', { headers: { accept: 'text/html', 'x-request-id': 'gw-test-web' } })
    expect(deepLink.status).toBe(200)
    expect(deepLink.headers.get('content-type')).toContain('text/html')
    expect(deepLink.headers.get('x-request-id')).toBe('gw-test-web')
    expect(await deepLink.text()).toContain('<html')
    // The web app's own answer for a missing asset (never index.html): proof it came from there.
    const missingAsset = await raw('/assets/definitely-not-here.js')
    expect(missingAsset.status).toBe(404)
  })
})

describe('identity at the door', () => {
  test.skipIf(needs('catalog'))('forged, tampered, alg:none, expired and service tokens are 401 even on a public route', async () => {
    // GET /api/events is open to guests: the service would answer 200; only the gateway says 401.
    for (const [kind, token] of Object.entries(await badTokens())) {
      const r = await api('/events', { token })
      expect({ kind, status: r.status }).toEqual({ kind, status: 401 })
      expect(errorCode(r)).toBe('UNAUTHENTICATED')
      expect(r.headers.get('x-request-id')).toMatch(REQUEST_ID)
    }
    const malformed = await api('/events', { headers: { authorization: 'Bearer not.a.jwt' } })
    expect(malformed.status).toBe(401)
  })

  test.skipIf(needs('auth'))('signing in, signing up and refreshing are for guests: a stale token sent along is not in the way', async () => {
    const session = await registerUser('gw-stale')
    const { expired, tampered } = await badTokens()
    const refreshed = await api('/auth/refresh', { body: { refreshToken: session.refreshToken }, token: expired })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.accessToken).toBeString()
    const login = await api('/auth/login', { body: { email: session.user.email, password: 'correct horse 1' }, token: tampered })
    expect(login.status).toBe(200)
    const register = await api('/auth/register', { body: { email: `stale-${Date.now()}@example.test`, password: 'long-enough-1', name: 'Stale' }, token: expired })
    expect(register.status).toBe(201)
    expect(register.body.user.role).toBe('customer')
    // Everything else still refuses it.
    expect((await api('/auth/me', { token: expired })).status).toBe(401)
  })

  test.skipIf(needs('auth'))('the scheme is case-insensitive, at the door and in the service', async () => {
    const session = await registerUser('gw-case')
    const me = await api('/auth/me', { headers: { authorization: `bearer ${session.token}` } })
    expect(me.status).toBe(200)
    expect(me.body.id).toBe(session.user.id)
  })

  test.skipIf(needs('auth'))('a real token passes and reaches the service unchanged', async () => {
    const session = await registerUser('gw')
    const me = await api('/auth/me', { token: session.token })
    expect(me.status).toBe(200)
    expect(me.body.id).toBe(session.user.id)
  })

  test('bad tokens are refused before any upstream is asked', async () => {
    // Every upstream of this gateway is down: a token that got past the door would answer 503.
    const dead = await deadUrl()
    const gateway = await startGateway({ AUTH_URL: dead, CATALOG_URL: dead, ORDERS_URL: dead, RATE_LIMIT_DISABLED: 'true' })
    try {
      for (const [kind, token] of Object.entries(await badTokens())) {
        const r = await fetch(`${gateway.url}/api/orders`, { headers: { authorization: `Bearer ${token}` } })
        expect({ kind, status: r.status }).toEqual({ kind, status: 401 })
      }
      const valid = await signer().signAccess({ id: '665f1c2b9d3e4a0012345678', role: 'customer' })
      const passed = await fetch(`${gateway.url}/api/orders`, { headers: { authorization: `Bearer ${valid}` } })
      expect(passed.status).toBe(503)
    } finally {
      await stopGateway(gateway)
    }
  }, SLOW)
})

describe('body limit', () => {
  test.skipIf(needs('auth'))('a body over 1 MB is 413 PAYLOAD_TOO_LARGE in the error shape, declared or streamed', async () => {
    const big = JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(1_100_000) })
    const declared = await api('/auth/login', { rawBody: big, headers: { 'x-request-id': 'gw-test-413' } })
    expect(declared.status).toBe(413)
    expect(errorCode(declared)).toBe('PAYLOAD_TOO_LARGE')
    expect(declared.headers.get('x-request-id')).toBe('gw-test-413')

    // Chunked, without a Content-Length: counted as it arrives.
    const chunk = new Uint8Array(256 * 1024).fill(0x61)
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const streamed = await fetch(`${system().gatewayUrl}/api/auth/login`, { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit)
    expect(streamed.status).toBe(413)
    expect((await streamed.json()).error.code).toBe('PAYLOAD_TOO_LARGE')

    // A length far beyond any limit, declared before a short body: still the gateway's answer, not the
    // HTTP server's bare one (which has neither the error shape nor the request id).
    const url = new URL(system().gatewayUrl)
    const head = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 70000000\r\nx-request-id: gw-test-413-huge\r\n\r\n{}`),
      )
      let text = ''
      socket.on('data', (d) => {
        text += d
        if (/\r\n\r\n[\s\S]*\}/.test(text)) socket.destroy(), resolve(text)
      })
      socket.on('error', reject)
      socket.on('close', () => resolve(text))
    })
    expect(head).toStartWith('HTTP/1.1 413')
    expect(head.toLowerCase()).toContain('x-request-id: gw-test-413-huge')
    expect(JSON.parse(head.slice(head.indexOf('\r\n\r\n') + 4)).error.code).toBe('PAYLOAD_TOO_LARGE')

    // Just under the limit still goes through (auth answers it: 400, not 413).
    const fits = await api('/auth/login', { rawBody: JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(900_000) }) })
    expect(fits.status).toBe(400)
    expect(errorCode(fits)).toBe('VALIDATION')
  })
})

describe('rate limits', () => {
  let gateway: ExtraGateway | undefined
  beforeAll(async () => {
    // A long window so nothing resets in the middle of the test.
    gateway = await startGateway({ RATE_LIMIT_IP_POINTS: '3', RATE_LIMIT_USER_POINTS: '5', RATE_LIMIT_WINDOW_SECONDS: '120', AUTH_URL: await deadUrl() })
  }, SLOW)
  afterAll(() => stopGateway(gateway))

  test('per address: an untrusted X-Forwarded-For is ignored, the 4th request is 429 with Retry-After', async () => {
    const statuses: number[] = []
    for (let i = 1; i <= 3; i++) {
      const r = await fetch(`${gateway!.url}/api/auth/login`, { method: 'POST', body: '{}', headers: { 'x-forwarded-for': `203.0.113.${i}` } })
      statuses.push(r.status)
    }
    expect(statuses).not.toContain(429)
    // A fresh forwarded address would be a fresh bucket if the header were believed.
    const limited = await fetch(`${gateway!.url}/api/auth/login`, { method: 'POST', body: '{}', headers: { 'x-forwarded-for': '198.51.100.77', 'x-request-id': 'gw-test-429' } })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited.headers.get('x-request-id')).toBe('gw-test-429')
    const body = await limited.json()
    expect(body.error.code).toBe('RATE_LIMITED')
    expect(typeof body.error.message).toBe('string')
  })

  test('signed-in callers are counted per user, not per address', async () => {
    const token = await signer().signAccess({ id: '665f1c2b9d3e4a00123456aa', role: 'customer' })
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${gateway!.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })
      statuses.push(r.status)
    }
    // The address is already over its limit (previous test); the user still has 5.
    expect(statuses.slice(0, 5)).not.toContain(429)
    expect(statuses[5]).toBe(429)
  })

  test('health and docs are not rate limited', async () => {
    const health = await fetch(`${gateway!.url}/health`)
    expect(health.status).toBe(200)
    const docs = await fetch(`${gateway!.url}/api/docs`)
    expect(docs.status).toBe(200)
  })

  test('a trusted proxy is believed, and upstreams get the resolved address', async () => {
    const probe = startProbe()
    const trusting = await startGateway({ TRUSTED_PROXIES: '127.0.0.1/32,::1', RATE_LIMIT_IP_POINTS: '2', RATE_LIMIT_WINDOW_SECONDS: '120', AUTH_URL: probe.url })
    try {
      const statuses: number[] = []
      for (let i = 1; i <= 4; i++) {
        const r = await fetch(`${trusting.url}/api/auth/probe`, { headers: { 'x-forwarded-for': `192.0.2.${i}` } })
        statuses.push(r.status)
      }
      expect(statuses).toEqual([200, 200, 200, 200])
      // Spoofed entries on the left are not believed: the rightmost untrusted hop is the client.
      const r = await fetch(`${trusting.url}/api/auth/probe`, { headers: { 'x-forwarded-for': '6.6.6.6, 192.0.2.50' } })
      const seen = (await r.json()) as ProbeRecord
      expect(seen.headers['x-forwarded-for']).toBe('192.0.2.50')
      expect(seen.headers['x-real-ip']).toBe('192.0.2.50')
    } finally {
      await stopGateway(trusting)
      probe.server.stop(true)
    }
  }, SLOW)

  test('when Redis is down the limits fail open instead of refusing everyone; admin and staff tokens, which cannot be checked against a demotion, are refused', async () => {
    const probe = startProbe()
    const noRedis = await startGateway({ REDIS_URL: `redis://127.0.0.1:${await freePort()}`, RATE_LIMIT_IP_POINTS: '1', AUTH_URL: probe.url }, { redisUp: false })
    try {
      for (let i = 0; i < 3; i++) expect((await fetch(`${noRedis.url}/api/auth/probe`)).status).toBe(200)
      // A customer's token goes on; an admin's cannot be checked against a demotion: 503, try again.
      const customer = await registerUser('no-redis')
      expect((await fetch(`${noRedis.url}/api/auth/probe`, { headers: { authorization: `Bearer ${customer.token}` } })).status).toBe(200)
      const admin = await loginAdmin()
      const refused = await fetch(`${noRedis.url}/api/auth/probe`, { headers: { authorization: `Bearer ${admin.token}` } })
      expect(refused.status).toBe(503)
      expect(((await refused.json()) as any).error.code).toBe('UNAVAILABLE')
      expect(refused.headers.get('x-probe')).toBeNull()
      const health = await fetch(`${noRedis.url}/api/health`)
      expect(health.status).toBe(503)
      const text = await health.text()
      expect(JSON.parse(text).services.gateway.checks.redis).toBe('down')
      // What is down, never why: the error text names internal hosts and ports.
      expect(text).not.toContain('127.0.0.1')
      expect(text).not.toContain('ECONNREFUSED')
    } finally {
      await stopGateway(noRedis)
      probe.server.stop(true)
    }
  }, SLOW)
})

// ---------------------------------------------------------------------------------------------
// Probe upstream: answers with what it received; `/slow` answers late; `/stream` is an event stream
// that records when its client went away.

interface ProbeRecord {
  method: string
  path: string
  search: string
  headers: Record<string, string>
  body: string
}

function startProbe() {
  const state = { streamsCancelled: 0 }
  const server: Server<undefined> = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      if (url.pathname.endsWith('/slow')) {
        await Bun.sleep(5_000)
        return Response.json({ late: true })
      }
      if (url.pathname.endsWith('/stream')) {
        let timer: Timer | undefined
        let n = 0
        const encoder = new TextEncoder()
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode('event: hello\ndata: {"n":0}\n\n'))
            timer = setInterval(() => {
              try {
                controller.enqueue(encoder.encode(`data: {"n":${++n}}\n\n`))
              } catch {}
            }, 100)
          },
          cancel() {
            clearInterval(timer)
            state.streamsCancelled++
          },
        })
        request.signal.addEventListener('abort', () => clearInterval(timer))
        return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } })
      }
      const headers: Record<string, string> = {}
      request.headers.forEach((value, key) => (headers[key] = value))
      const record: ProbeRecord = { method: request.method, path: url.pathname, search: url.search, headers, body: await request.text() }
      return Response.json(record, { status: url.pathname.endsWith('/created') ? 201 : 200, headers: { 'x-probe': 'yes', 'x-request-id': 'probe-says-otherwise' } })
    },
  })
  return { server, url: `http://127.0.0.1:${server.port}`, state }
}

describe('pass-through', () => {
  let probe: ReturnType<typeof startProbe>
  let gateway: ExtraGateway | undefined
  beforeAll(async () => {
    probe = startProbe()
    gateway = await startGateway({
      ORDERS_URL: probe.url,
      NOTIFICATIONS_URL: probe.url,
      PAYMENTS_URL: await deadUrl(),
      CATALOG_URL: '',
      UPSTREAM_TIMEOUT_MS: '300',
      RATE_LIMIT_DISABLED: 'true',
    })
  }, SLOW)
  afterAll(async () => {
    await stopGateway(gateway)
    probe.server.stop(true)
  })

  test('method, path, query, body and headers go through; identity headers are stripped; the answer comes back', async () => {
    const token = await signer().signAccess({ id: '665f1c2b9d3e4a00123456bb', role: 'customer' })
    const r = await fetch(`${gateway!.url}/api/orders/abc/created?x=1&y=%C3%A9`, {
      method: 'POST',
      body: '{"hello":"world"}',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': 'k-123',
        'x-user-id': 'admin',
        'x-user-role': 'admin',
        'x-forwarded-for': '203.0.113.9',
        'x-real-ip': '203.0.113.9',
        'x-request-id': 'gw-test-pass',
      },
    })
    expect(r.status).toBe(201)
    expect(r.headers.get('x-probe')).toBe('yes')
    // The gateway's id wins over whatever an upstream says.
    expect(r.headers.get('x-request-id')).toBe('gw-test-pass')
    const seen = (await r.json()) as ProbeRecord
    expect(seen.method).toBe('POST')
    expect(seen.path).toBe('/api/orders/abc/created')
    expect(seen.search).toBe('?x=1&y=%C3%A9')
    expect(seen.body).toBe('{"hello":"world"}')
    expect(seen.headers.authorization).toBe(`Bearer ${token}`)
    expect(seen.headers['idempotency-key']).toBe('k-123')
    expect(seen.headers['x-request-id']).toBe('gw-test-pass')
    expect(seen.headers['x-user-id']).toBeUndefined()
    expect(seen.headers['x-user-role']).toBeUndefined()
    // The socket's address, not what the untrusted client claimed.
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1')
    expect(seen.headers['x-real-ip']).toBe('127.0.0.1')
  })

  test('Server-Sent Events stream through unbuffered, and the upstream is cancelled when the client leaves', async () => {
    const controller = new AbortController()
    const r = await fetch(`${gateway!.url}/api/notifications/stream`, { signal: controller.signal })
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('text/event-stream')
    const reader = r.body!.getReader()
    let text = ''
    while (!text.includes('"n":2')) {
      const { value, done } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
    }
    // Events arrived while the upstream stream is still open: nothing waited for its end.
    expect(text).toContain('event: hello')
    expect(text).toContain('"n":2')
    controller.abort()
    await reader.cancel().catch(() => {})
    for (let i = 0; i < 50 && probe.state.streamsCancelled === 0; i++) await Bun.sleep(100)
    expect(probe.state.streamsCancelled).toBeGreaterThan(0)
  })

  test('a slow upstream is 503 UNAVAILABLE after its budget', async () => {
    const r = await fetch(`${gateway!.url}/api/orders/slow`)
    expect(r.status).toBe(503)
    expect((await r.json()).error.code).toBe('UNAVAILABLE')
  })

  test('an unconfigured upstream is 503 UNAVAILABLE; a dead one opens its circuit', async () => {
    const unconfigured = await fetch(`${gateway!.url}/api/events`)
    expect(unconfigured.status).toBe(503)
    expect((await unconfigured.json()).error.code).toBe('UNAVAILABLE')

    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${gateway!.url}/api/payments/665f1c2b9d3e4a0012345678`, { headers: { 'x-request-id': `gw-test-dead-${i}` } })
      expect(r.status).toBe(503)
      expect(r.headers.get('x-request-id')).toBe(`gw-test-dead-${i}`)
      expect((await r.json()).error.code).toBe('UNAVAILABLE')
    }
    const metrics = await (await fetch(`${gateway!.url}/metrics`)).text()
    expect(metrics).toMatch(/gateway_upstream_requests_total\{upstream="payments",outcome="circuit-open"\} [1-9]/)
    // Other upstreams are untouched by it.
    expect((await fetch(`${gateway!.url}/api/orders/still-fine`)).status).toBe(200)
  })
})

describe('documentation', () => {
  test('Swagger UI at /api/docs loads nothing from another host, and its assets are served', async () => {
    const r = await raw('/api/docs')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toContain('text/html')
    expect(r.headers.get('x-request-id')).toMatch(REQUEST_ID)
    const html = await r.text()
    const references = [...html.matchAll(/\b(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]!)
    expect(references.length).toBeGreaterThanOrEqual(2)
    for (const ref of references) {
      expect(ref).toStartWith('/')
      expect(ref).not.toStartWith('//')
    }
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/)
    // The page loads the merged document, not the gateway's own.
    expect(html).toContain('"url":"/api/docs/json"')
    for (const ref of references) {
      const asset = await raw(ref)
      expect({ ref, status: asset.status }).toEqual({ ref, status: 200 })
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100)
    }
    expect((await raw('/api/docs/assets/package.json')).status).toBe(404)
  })

  test('/api/docs/json is the merged OpenAPI 3 document with a bearer scheme', async () => {
    const r = await api('/docs/json')
    expect(r.status).toBe(200)
    const doc = r.body
    expect(doc.openapi).toStartWith('3.')
    expect(doc.info.title).toBe('EasyPass API')
    expect(doc.info.description).toContain('POST /api/auth/login')
    expect(doc.servers).toEqual([{ url: '/' }])
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.paths['/api/health']).toBeDefined()
    for (const path of Object.keys(doc.paths)) expect(path).toStartWith('/api/')
    if (HAS.auth) expect(doc.paths['/api/auth/login']?.post).toBeDefined()
    if (HAS.catalog) expect(doc.paths['/api/events']?.get).toBeDefined()
    // Every body is documented as the JSON it must be (the refund's too, which a function of its own reads);
    // every answer's content is a media type (none for a 204).
    for (const [path, item] of Object.entries<any>(doc.paths))
      for (const [method, op] of Object.entries<any>(item)) {
        if (op.requestBody) expect({ path, method, types: Object.keys(op.requestBody.content) }).toEqual({ path, method, types: ['application/json'] })
        for (const [status, answer] of Object.entries<any>(op.responses ?? {}))
          for (const type of Object.keys(answer.content ?? {})) expect({ path, method, status, type }).toEqual({ path, method, status, type: expect.stringContaining('/') })
      }
    expect(doc.paths['/api/orders/{id}/refund'].post.requestBody.content['application/json'].schema.properties.ticketIds).toBeDefined()
    // Every schema reference resolves inside the document.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!)
    for (const name of refs) expect({ name, defined: name in doc.components.schemas }).toEqual({ name, defined: true })
  })

  test("Swagger UI's sections are the contract's, in its order; routes open to guests send a token when there is one", async () => {
    const doc = (await api('/docs/json')).body
    const used = new Set<string>()
    for (const [path, item] of Object.entries<any>(doc.paths))
      for (const [method, op] of Object.entries<any>(item)) {
        expect({ path, method, tags: op.tags?.length }).toEqual({ path, method, tags: 1 })
        expect(API_TAGS as readonly string[]).toContain(op.tags[0])
        used.add(op.tags[0])
      }
    expect(doc.tags.map((t: { name: string }) => t.name)).toEqual(API_TAGS.filter((t) => used.has(t)))
    // An admin trying a draft event's numbers in Swagger UI must be able to send the token.
    for (const path of ['/api/events', '/api/events/{id}', '/api/events/{id}/availability', '/api/events/{id}/availability/stream', '/api/events/{id}/ticket-types/{typeId}'])
      expect({ path, security: doc.paths[path].get.security }).toEqual({ path, security: [{}, { bearer: [] }] })
  })
})

describe('health', () => {
  test('/api/health lists every service and is 200 when all are ok', async () => {
    const r = await api('/health')
    const expected = ['gateway', ...system().specs.filter((s) => s.urlName).map((s) => s.name)]
    expect(Object.keys(r.body.services).sort()).toEqual(expected.sort())
    expect(r.body.services.gateway.checks.redis).toBe('ok')
    const down = Object.entries<any>(r.body.services).filter(([, s]) => s.status !== 'ok')
    expect(down).toEqual([])
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('ok')
  })

  test('stopping with SHUTDOWN_DRAIN_MS: /live turns 503 at once (Traefik takes the replica out) while requests are still served, then the process exits', async () => {
    const gateway = await startGateway({ SHUTDOWN_DRAIN_MS: '2000' })
    try {
      expect((await fetch(`${gateway.url}/live`)).status).toBe(200)
      const stoppedAt = Date.now()
      gateway.process.kill('SIGTERM')
      // As soon as the signal is handled (polled: a busy machine may take a moment to deliver it).
      let live = await fetch(`${gateway.url}/live`)
      for (let i = 0; live.status !== 503 && i < 15; i++) {
        await Bun.sleep(50)
        live = await fetch(`${gateway.url}/live`)
      }
      expect(live.status).toBe(503)
      expect(((await live.json()) as { status: string }).status).toBe('draining')
      // Whatever Traefik still sends meanwhile is answered.
      expect((await fetch(`${gateway.url}/api/events?limit=1`)).status).toBe(200)
      await gateway.process.exited
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1_900)
    } finally {
      await stopGateway(gateway)
    }
  })

  test('every process answers /live (what Docker and Traefik probe) without looking at its dependencies', async () => {
    const urls = { gateway: system().gatewayUrl, ...system().urls }
    for (const [name, url] of Object.entries(urls)) {
      const r = await fetch(`${url}/live`)
      expect({ name, status: r.status }).toEqual({ name, status: 200 })
      expect(((await r.json()) as { status: string }).status).toBe('ok')
    }
  })

  test(
    'a stopped worker makes /api/health 503 naming it; 200 again once it is back, also for many at once',
    async () => {
      try {
        await system().stop('ticketing-worker', true)
        const health = await api('/health')
        expect(health.status).toBe(503)
        expect(health.body.services['ticketing-worker'].status).toBe('down')
        expect(health.body.services.ticketing.status).toBe('ok')
      } finally {
        await system().start('ticketing-worker')
      }
      expect(await statusOnceBack('/health')).toBe(200)
      const answers = await Promise.all(Array.from({ length: 20 }, () => api('/health')))
      expect(answers.every((a) => a.status === 200 && a.body.services['ticketing-worker'].status === 'ok')).toBe(true)
    },
    SLOW,
  )

  test("the gateway's own /health and /metrics answer", async () => {
    const health = await raw('/health')
    expect(health.status).toBe(200)
    expect((await health.json()).checks.redis).toBe('ok')
    const metrics = await raw('/metrics')
    expect(metrics.status).toBe(200)
    expect(await metrics.text()).toContain('http_request_duration_seconds')
  })
})

describe('failure isolation', () => {
  test.skipIf(needs('catalog') || needs('auth'))(
    'a stopped catalog answers 503 on its routes while auth keeps working; health names it; a restart restores it',
    async () => {
      await loginAdmin()
      try {
        await system().stop('catalog', true)
        for (let i = 0; i < 7; i++) {
          const r = await api('/events')
          expect(r.status).toBe(503)
          expect(errorCode(r)).toBe('UNAVAILABLE')
          expect(r.headers.get('x-request-id')).toMatch(REQUEST_ID)
        }
        const detail = await api('/events/665f1c2b9d3e4a0012345678')
        expect(detail.status).toBe(503)

        const login = await api('/auth/login', { body: system().admin })
        expect(login.status).toBe(200)

        const health = await api('/health')
        expect(health.status).toBe(503)
        expect(health.body.status).toBe('degraded')
        expect(health.body.services.catalog.status).toBe('down')
        expect(health.body.services.auth.status).toBe('ok')
      } finally {
        await system().start('catalog')
      }
      // Back once the circuit lets a probe through.
      expect(await statusOnceBack('/events')).toBe(200)
    },
    SLOW,
  )
})

describe('live streams per address', () => {
  test('one address holds a bounded number of streams at once; a stream that ends or is left gives its place back', async () => {
    const gateway = await startGateway({ STREAMS_PER_ADDRESS: '2', RATE_LIMIT_DISABLED: 'true' })
    const aborts: AbortController[] = []
    const open = async (token: string, trailing = '') => {
      const abort = new AbortController()
      aborts.push(abort)
      return { abort, response: await fetch(`${gateway.url}/api/notifications/stream${trailing}`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal }) }
    }
    try {
      const buyer = await registerUser('streams')
      // Streams the upstream refuses at once (an unknown event) end there, and keep no place.
      for (let i = 0; i < 3; i++) expect((await fetch(`${gateway.url}/api/events/665f1c2b9d3e4a00000000${10 + i}/availability/stream`)).status).toBe(404)
      const first = await open(buyer.token)
      const second = await open(buyer.token)
      expect([first.response.status, second.response.status]).toEqual([200, 200])
      // A trailing slash is the same stream to the upstream, and counts the same.
      const third = await open(buyer.token, '/')
      expect(third.response.status).toBe(429)
      expect(third.response.headers.get('retry-after')).toBe('30')
      expect(await third.response.json()).toMatchObject({ error: { code: 'RATE_LIMITED', details: { maxStreams: 2 } } })
      // The client leaves one: its place is free again.
      first.abort.abort()
      let again = await open(buyer.token)
      for (let i = 0; again.response.status === 429 && i < 50; i++) {
        await Bun.sleep(100)
        again = await open(buyer.token)
      }
      expect(again.response.status).toBe(200)
    } finally {
      for (const abort of aborts) abort.abort()
      await stopGateway(gateway)
    }
  })
})

describe('who asks comes before what is asked', () => {
  test('a caller without the right to a route gets 401 or 403, whatever the body or query it sent', async () => {
    const customer = await registerUser('auth-first')
    const cases: Array<[string, Parameters<typeof api>[1], number, string]> = [
      ['/events', { body: {} }, 401, 'UNAUTHENTICATED'],
      ['/events', { body: {}, token: customer.token }, 403, 'FORBIDDEN'],
      ['/orders', { body: {} }, 401, 'UNAUTHENTICATED'],
      ['/users?limit=500', { token: customer.token }, 403, 'FORBIDDEN'],
      ['/orders/not-an-id', {}, 401, 'UNAUTHENTICATED'],
    ]
    for (const [path, opts, status, code] of cases) {
      const r = await api(path, opts)
      expect(`${path} ${r.status} ${errorCode(r)} ${r.status === status ? "" : JSON.stringify(r.body)}`).toBe(`${path} ${status} ${code} `)
    }
    // (A field no route knows, or a number sent as a string, is still refused first, 400: that check runs
    // before the token is looked at, as does parsing the JSON.)
    // With the right, the same bad input is a 400 that says what is wrong.
    const admin = await loginAdmin()
    const bad = await api('/events', { body: {}, token: admin.token })
    expect(bad.status).toBe(400)
    expect(errorCode(bad)).toBe('VALIDATION')
  })
})
