// A client written from the public contract only: what every test uses to talk to the gateway.
import { system } from './system'

export interface ApiResponse<T = any> {
  status: number
  body: T
  headers: Headers
}

export interface RequestOptions {
  method?: string
  body?: unknown
  /** Sent as it is, for malformed-input tests. */
  rawBody?: string
  token?: string
  headers?: Record<string, string>
}

export async function api<T = any>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] ??= 'application/json'
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const response = await fetch(`${system().gatewayUrl}/api${path}`, {
    method: opts.method ?? (opts.body !== undefined || opts.rawBody !== undefined ? 'POST' : 'GET'),
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  })
  const text = await response.text()
  let body: any = text
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {}
  return { status: response.status, body, headers: response.headers }
}

/**
 * A purchase as a client that follows the contract makes it: 202 (decided later), 429 and 5xx are sent
 * again with the SAME Idempotency-Key until a final answer comes.
 */
export async function buyUntilFinal(token: string, payload: object, key = `k-${crypto.randomUUID()}`, deadlineMs = 150_000): Promise<ApiResponse> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    let r: ApiResponse | undefined
    try {
      r = await api('/orders', { body: payload, token, headers: { 'idempotency-key': key } })
    } catch {}
    if (r && ![202, 429, 502, 503, 504].includes(r.status)) return r
    if (Date.now() > deadline) throw new Error(`no final answer for ${key}: last ${r?.status} ${JSON.stringify(r?.body)}`)
    await Bun.sleep(r?.status === 429 ? 1000 : 300)
  }
}


let counter = 0
/** The sandbox gateway's card that is always approved. */
export const TEST_CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }

export function uniqueEmail(tag = 'user') {
  return `${tag}-${Date.now().toString(36)}-${++counter}-${Math.random().toString(36).slice(2, 6)}@example.test`
}

export interface Session {
  token: string
  refreshToken: string
  user: { id: string; email: string; name: string; role: string }
}

export async function registerUser(tag = 'buyer'): Promise<Session> {
  const email = uniqueEmail(tag)
  const r = await api('/auth/register', { body: { email, password: 'correct horse 1', name: `Test ${tag}` } })
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`)
  return { token: r.body.accessToken, refreshToken: r.body.refreshToken, user: r.body.user }
}

let adminSession: Promise<Session> | undefined
/**
 * When the admin's cached sign-in was made: a new one after 3 minutes, so a token a file takes once (in
 * `beforeAll`) has at least 12 of its 15 minutes left for that file's tests.
 */
let adminSignedInAt = 0
const ADMIN_SESSION_MS = 3 * 60_000

export function loginAdmin(): Promise<Session> {
  if (Date.now() - adminSignedInAt > ADMIN_SESSION_MS) adminSession = undefined
  adminSession ??= (async () => {
    adminSignedInAt = Date.now()
    const { email, password } = system().admin
    const r = await api('/auth/login', { body: { email, password } })
    if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${JSON.stringify(r.body)}`)
    return { token: r.body.accessToken, refreshToken: r.body.refreshToken, user: r.body.user }
  })()
  return adminSession
}

/** Asserts the contract's error shape and returns the code. */
export function errorCode(r: ApiResponse): string {
  const e = r.body?.error
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') throw new Error(`not the error shape: ${r.status} ${JSON.stringify(r.body)}`)
  return e.code
}

export function futureEvent(overrides: Record<string, unknown> = {}) {
  const startsAt = new Date(Date.now() + 30 * 86_400_000)
  return {
    title: `Test event ${Math.random().toString(36).slice(2, 8)}`,
    description: 'A test event',
    category: 'music',
    venue: { name: 'Test Hall', address: 'Street 1', city: 'Oulu' },
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
    organizer: 'Tests Inc',
    status: 'published',
    ...overrides,
  }
}

/** Polls `probe` until it gives something truthy (returned), or fails naming what it waited for. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(intervalMs)
  }
}
