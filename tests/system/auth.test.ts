// Identity, end to end: accounts, sign-in, rotating refresh tokens, roles, and what must never leak.
import { describe, expect, test } from 'bun:test'
import { createHash, randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { forgedUserTokens, userTokensFromServiceKeys, userTokens } from '../support/tokens'
import { ROOT } from '../../stack/local/services'
import { serviceKeyVariable } from '../../stack/local/secrets'
import { freePort } from '../../stack/local/infra'
import { api as gatewayApi, errorCode, eventually, uniqueEmail, type ApiResponse, type RequestOptions } from '../support/api'
import { system } from '../support/system'
import { REFRESH_REUSE_LEEWAY_MS } from '../../services/auth/src/modules/auth/sessions'

const PASSWORD = 'correct horse 1'

// Every answer this file receives is kept, to prove at the end that none of them carried a secret.
const seenBodies: string[] = []
const seenRefreshTokens: string[] = []
function remember(r: ApiResponse) {
  seenBodies.push(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? ''))
  if (typeof r.body?.refreshToken === 'string') seenRefreshTokens.push(r.body.refreshToken)
  const cookie = cookieOf(r)
  if (cookie) seenRefreshTokens.push(cookie)
  return r
}
async function api(path: string, opts: RequestOptions = {}) {
  return remember(await gatewayApi(path, opts))
}
/** A login straight to the auth service, as if the gateway had resolved the client's address to `address`. */
// Fixed addresses of other tests: 198.51.100.200 (registrations) and 203.0.113.1–120 (the burst).
const addressesTaken = new Set<string>(['198.51.100.200', ...Array.from({ length: 120 }, (_, i) => `203.0.113.${i + 1}`)])
/**
 * An address of 198.51.100.0/24 or 203.0.113.0/24 no other test of this file uses: one test's failures
 * must not lock out another's (a random pick collided 1 time in 250).
 */
function addressOfItsOwn(net: '198.51.100' | '203.0.113'): string {
  for (;;) {
    const address = `${net}.${1 + Math.floor(Math.random() * 250)}`
    if (addressesTaken.has(address)) continue
    addressesTaken.add(address)
    return address
  }
}

async function loginFrom(address: string, body: { email: string; password: string }) {
  const r = await fetch(`${system().urls.auth}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': address },
    body: JSON.stringify(body),
  })
  return remember({ status: r.status, body: await r.json(), headers: r.headers })
}

async function register(tag = 'auth') {
  const email = uniqueEmail(tag)
  const r = await api('/auth/register', { body: { email, password: PASSWORD, name: `Test ${tag}` } })
  expect(r.status).toBe(201)
  return { email, token: r.body.accessToken as string, refreshToken: r.body.refreshToken as string, user: r.body.user }
}

let admin: { token: string; refreshToken: string; user: { id: string } } | undefined
async function adminSession() {
  if (!admin) {
    const r = await api('/auth/login', { body: system().admin })
    expect(r.status).toBe(200)
    admin = { token: r.body.accessToken, refreshToken: r.body.refreshToken, user: r.body.user }
  }
  return admin
}

async function accountsWithEmail(email: string) {
  const { token } = await adminSession()
  const r = await api(`/users?q=${encodeURIComponent(email)}`, { token })
  expect(r.status).toBe(200)
  return r.body.total as number
}

function decodeJwtPayload(token: string) {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
}

function expectUserShape(user: Record<string, unknown>) {
  expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role', 'twoFactor'])
  expect(user.id).toMatch(/^[0-9a-f]{24}$/)
  expect(new Date(String(user.createdAt)).toISOString()).toBe(String(user.createdAt))
}

describe('register and sign in', () => {
  test('register returns the customer and a working session; me reads it back', async () => {
    const email = uniqueEmail('reg')
    const r = await api('/auth/register', { body: { email, password: PASSWORD, name: '  Ada Lovelace ' } })
    expect(r.status).toBe(201)
    expectUserShape(r.body.user)
    expect(r.body.user).toMatchObject({ email, name: 'Ada Lovelace', role: 'customer' })
    expect(r.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const claims = decodeJwtPayload(r.body.accessToken)
    expect(claims).toMatchObject({ sub: r.body.user.id, role: 'customer', email, typ: 'access', iss: 'easypass' })
    expect(Math.abs(claims.exp - claims.iat - 15 * 60)).toBeLessThanOrEqual(1)

    const me = await api('/auth/me', { token: r.body.accessToken })
    expect(me.status).toBe(200)
    expect(me.body).toEqual(r.body.user)
  })

  test('login works with any capitalisation of the email and answers the same account', async () => {
    const local = `Mixed.${randomBytes(4).toString('hex')}`
    const r = await api('/auth/register', { body: { email: `${local}@Example.TEST`, password: PASSWORD, name: 'Mixed' } })
    expect(r.status).toBe(201)
    expect(r.body.user.email).toBe(`${local.toLowerCase()}@example.test`)
    const login = await api('/auth/login', { body: { email: `${local.toUpperCase()}@EXAMPLE.test`, password: PASSWORD } })
    expect(login.status).toBe(200)
    expect(login.body.user).toEqual(r.body.user)
    expect(login.body.refreshToken).not.toBe(r.body.refreshToken)
    expect((await api('/auth/me', { token: login.body.accessToken })).body.id).toBe(r.body.user.id)
  })

  test('an email is taken once, whatever its capitalisation', async () => {
    const { email } = await register('dup')
    const again = await api('/auth/register', { body: { email: email.toUpperCase(), password: 'another password', name: 'Other' } })
    expect(again.status).toBe(409)
    expect(errorCode(again)).toBe('CONFLICT')
    expect(await accountsWithEmail(email)).toBe(1)
  })

  test('ten concurrent registrations of one email: exactly one account', async () => {
    const email = uniqueEmail('race')
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api('/auth/register', { body: { email, password: `${PASSWORD}-${i}`, name: `Racer ${i}` } })),
    )
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(9)
    for (const a of answers.filter((x) => x.status === 409)) expect(errorCode(a)).toBe('CONFLICT')
    expect(await accountsWithEmail(email)).toBe(1)
    // The password of the one that won is the one that works.
    const winner = answers.find((a) => a.status === 201)!
    const index = Number(String(winner.body.user.name).split(' ')[1])
    expect((await api('/auth/login', { body: { email, password: `${PASSWORD}-${index}` } })).status).toBe(200)
  }, 20_000)

  test('nobody chooses their own role', async () => {
    const email = uniqueEmail('role')
    const r = await api('/auth/register', { body: { email, password: PASSWORD, name: 'Sneaky', role: 'admin' } })
    // Refused outright, naming the field: no account is made.
    expect(r.status).toBe(400)
    expect(errorCode(r)).toBe('VALIDATION')
    expect(r.body.error.details.fields).toEqual([{ path: 'role', message: 'unknown field' }])
    expect(await accountsWithEmail(email)).toBe(0)
  })

  test('a field named like something every object has is unknown too', async () => {
    const email = uniqueEmail('proto')
    for (const field of ['constructor', '__proto__', 'toString']) {
      const r = await api('/auth/register', { rawBody: `{"email":"${email}","password":"${PASSWORD}","name":"Proto","${field}":{"role":"admin"}}` })
      expect(r.status).toBe(400)
      expect(r.body.error.details.fields).toEqual([{ path: field, message: 'unknown field' }])
    }
    expect(await accountsWithEmail(email)).toBe(0)
  })

  const invalid: Array<[string, (email: string) => RequestOptions]> = [
    ['a password under 8 characters', (email) => ({ body: { email, password: 'short12', name: 'Weak' } })],
    ['an oversized password', (email) => ({ body: { email, password: 'x'.repeat(201), name: 'Long' } })],
    ['an invalid email', () => ({ body: { email: 'not-an-email', password: PASSWORD, name: 'Bad' } })],
    ['an email with spaces inside', () => ({ body: { email: 'a b@example.test', password: PASSWORD, name: 'Bad' } })],
    ['an oversized email', () => ({ body: { email: `${'a'.repeat(250)}@example.test`, password: PASSWORD, name: 'Bad' } })],
    ['an empty name', (email) => ({ body: { email, password: PASSWORD, name: '' } })],
    ['a blank name', (email) => ({ body: { email, password: PASSWORD, name: '   ' } })],
    ['an oversized name', (email) => ({ body: { email, password: PASSWORD, name: 'n'.repeat(101) } })],
    ['a missing password', (email) => ({ body: { email, name: 'Missing' } })],
    ['a missing name', (email) => ({ body: { email, password: PASSWORD } })],
    ['an empty body', () => ({ body: {} })],
    ['a number as email', () => ({ body: { email: 12345, password: PASSWORD, name: 'Types' } })],
    ['an object as password', (email) => ({ body: { email, password: { $gt: '' }, name: 'Types' } })],
    ['an array as body', () => ({ body: [] })],
    ['malformed JSON', (email) => ({ rawBody: `{"email":"${email}","password":` })],
  ]
  for (const [what, request] of invalid) {
    test(`register with ${what} → 400 VALIDATION, nothing created`, async () => {
      const email = uniqueEmail('invalid')
      const r = await api('/auth/register', request(email))
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
      expect(await accountsWithEmail(email)).toBe(0)
    })
  }

  test('login refuses malformed input with 400, not 401 or 500', async () => {
    for (const opts of [{ body: { email: 'x@example.test' } }, { body: { email: 1, password: 2 } }, { rawBody: '{nope' }, { body: { email: 'x@example.test', password: 'p'.repeat(201) } }]) {
      const r = await api('/auth/login', opts)
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
  })

  test('unknown email and wrong password get the same 401', async () => {
    const { email } = await register('who')
    const wrongPassword = await api('/auth/login', { body: { email, password: 'not the password' } })
    const unknownEmail = await api('/auth/login', { body: { email: uniqueEmail('ghost'), password: 'not the password' } })
    expect(wrongPassword.status).toBe(401)
    expect(unknownEmail.status).toBe(401)
    expect(errorCode(wrongPassword)).toBe('UNAUTHENTICATED')
    expect(unknownEmail.body).toEqual(wrongPassword.body)
  })
})

describe('refresh tokens', () => {
  test('refresh returns a new pair and the old refresh token stops working', async () => {
    const s = await register('rot')
    const r = await api('/auth/refresh', { body: { refreshToken: s.refreshToken } })
    expect(r.status).toBe(200)
    expect(r.body.user).toEqual(s.user)
    expect(r.body.refreshToken).not.toBe(s.refreshToken)
    expect(decodeJwtPayload(r.body.accessToken).sub).toBe(s.user.id)
    expect((await api('/auth/me', { token: r.body.accessToken })).status).toBe(200)
    // And the new one rotates again.
    const next = await api('/auth/refresh', { body: { refreshToken: r.body.refreshToken } })
    expect(next.status).toBe(200)
    expect(next.body.refreshToken).not.toBe(r.body.refreshToken)
  })

  test('reusing a rotated refresh token ends the whole session, its newer tokens too', async () => {
    const s = await register('reuse')
    const first = await api('/auth/refresh', { body: { refreshToken: s.refreshToken } })
    expect(first.status).toBe(200)
    await Bun.sleep(REFRESH_REUSE_LEEWAY_MS + 100) // sooner would count as the same client refreshing twice
    const replay = await api('/auth/refresh', { body: { refreshToken: s.refreshToken } })
    expect(replay.status).toBe(401)
    expect(errorCode(replay)).toBe('UNAUTHENTICATED')
    const newer = await api('/auth/refresh', { body: { refreshToken: first.body.refreshToken } })
    expect(newer.status).toBe(401)
    // Other sign-ins of the same account are separate sessions and keep working.
    const other = await api('/auth/login', { body: { email: s.email, password: PASSWORD } })
    expect(other.status).toBe(200)
    expect((await api('/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).status).toBe(200)
  })

  test('concurrent refreshes with the same token: exactly one succeeds, and its session goes on', async () => {
    const s = await register('race-refresh')
    const answers = await Promise.all(Array.from({ length: 6 }, () => api('/auth/refresh', { body: { refreshToken: s.refreshToken } })))
    const won = answers.filter((a) => a.status === 200)
    expect(won).toHaveLength(1)
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5)
    expect((await api('/auth/refresh', { body: { refreshToken: won[0]!.body.refreshToken } })).status).toBe(200)
  })

  test('unknown, empty and oversized refresh tokens are refused', async () => {
    const unknown = await api('/auth/refresh', { body: { refreshToken: randomBytes(32).toString('base64url') } })
    expect(unknown.status).toBe(401)
    expect(errorCode(unknown)).toBe('UNAUTHENTICATED')
    for (const refreshToken of ['', 'x'.repeat(600), 42]) {
      const r = await api('/auth/refresh', { body: { refreshToken } })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
  })
})

describe('logout', () => {
  test('ends that session only', async () => {
    const s = await register('logout')
    const second = await api('/auth/login', { body: { email: s.email, password: PASSWORD } })
    expect(second.status).toBe(200)
    const r = await api('/auth/logout', { token: s.token, body: { refreshToken: s.refreshToken } })
    expect(r.status).toBe(204)
    expect((await api('/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401)
    expect((await api('/auth/refresh', { body: { refreshToken: second.body.refreshToken } })).status).toBe(200)
  })

  test('ends the session even after its token was rotated', async () => {
    const s = await register('logout-rot')
    const rotated = await api('/auth/refresh', { body: { refreshToken: s.refreshToken } })
    expect((await api('/auth/logout', { token: rotated.body.accessToken, body: { refreshToken: rotated.body.refreshToken } })).status).toBe(204)
    expect((await api('/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status).toBe(401)
  })

  test("cannot end someone else's session, and needs a signed-in user", async () => {
    const victim = await register('victim')
    const other = await register('other')
    expect((await api('/auth/logout', { token: other.token, body: { refreshToken: victim.refreshToken } })).status).toBe(204)
    expect((await api('/auth/refresh', { body: { refreshToken: victim.refreshToken } })).status).toBe(200)
    const guest = await api('/auth/logout', { body: { refreshToken: other.refreshToken } })
    expect(guest.status).toBe(401)
    expect(errorCode(guest)).toBe('UNAUTHENTICATED')
  })
})

/** The session cookie an answer set: its value ('' when it clears it) and its attributes. */
function setCookie(r: ApiResponse) {
  const line = r.headers.getSetCookie().find((c) => c.startsWith('easypass_refresh='))
  if (line === undefined) return undefined
  const [pair, ...attributes] = line.split(';').map((p) => p.trim())
  return { value: pair!.slice('easypass_refresh='.length), attributes }
}
function cookieOf(r: ApiResponse) {
  return setCookie(r)?.value || undefined
}
const COOKIE_MODE = { 'x-session-cookie': '1' }
const withCookie = (value: string) => ({ ...COOKIE_MODE, cookie: `theme=dark; easypass_refresh=${value}` })

describe('the session cookie (X-Session-Cookie: 1, the web app)', () => {
  test('sign-in sets the refresh token as an HttpOnly, SameSite=Strict cookie on /api/auth and leaves it out of the body', async () => {
    const s = await register('cookie')
    const r = await api('/auth/login', { body: { email: s.email, password: PASSWORD }, headers: COOKIE_MODE })
    expect(r.status).toBe(200)
    expect(r.body.accessToken).toBeString()
    expect('refreshToken' in r.body).toBe(false)
    const cookie = setCookie(r)!
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(cookie.attributes).toEqual(['Path=/api/auth', 'Max-Age=2592000', 'HttpOnly', 'SameSite=Strict'])
    expect(r.headers.get('cache-control')).toBe('no-store')
    // Reached over HTTPS (Traefik says so to the gateway, the gateway to auth), it is Secure too.
    const direct = await fetch(`${system().urls.auth}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-real-ip': '198.18.7.1', ...COOKIE_MODE },
      body: JSON.stringify({ email: s.email, password: PASSWORD }),
    })
    expect(direct.headers.getSetCookie()[0]).toEndWith('; HttpOnly; SameSite=Strict; Secure')
    // Without the header, nothing changes: the token in the body, no cookie.
    const plain = await api('/auth/login', { body: { email: s.email, password: PASSWORD } })
    expect(plain.body.refreshToken).toBeString()
    expect(plain.headers.getSetCookie()).toEqual([])
  })

  test('refresh reads the cookie and replaces it; the spent one is refused and cleared', async () => {
    const s = await register('cookie-refresh')
    const first = cookieOf(await api('/auth/login', { body: { email: s.email, password: PASSWORD }, headers: COOKIE_MODE }))!
    const r = await api('/auth/refresh', { body: {}, headers: withCookie(first) })
    expect(r.status).toBe(200)
    expect('refreshToken' in r.body).toBe(false)
    expect(r.body.user.id).toBe(s.user.id)
    const next = cookieOf(r)!
    expect(next).not.toBe(first)
    await Bun.sleep(REFRESH_REUSE_LEEWAY_MS + 100)
    const replay = await api('/auth/refresh', { body: {}, headers: withCookie(first) })
    expect(replay.status).toBe(401)
    expect(setCookie(replay)).toMatchObject({ value: '', attributes: expect.arrayContaining(['Max-Age=0']) })
    // A replayed token ends its whole session, the cookie's newer token too (as in the body form).
    expect((await api('/auth/refresh', { body: {}, headers: withCookie(next) })).status).toBe(401)
  })

  test('two refreshes at once with one cookie: the loser is refused without clearing the cookie the winner set', async () => {
    const s = await register('cookie-twice')
    const cookie = cookieOf(await api('/auth/login', { body: { email: s.email, password: PASSWORD }, headers: COOKIE_MODE }))!
    const answers = await Promise.all([0, 1].map(() => api('/auth/refresh', { body: {}, headers: withCookie(cookie) })))
    const won = answers.find((r) => r.status === 200)!
    const lost = answers.find((r) => r.status === 401)!
    expect(cookieOf(won)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // Were the loser's answer to clear the cookie and land last, the browser would be signed out.
    expect(setCookie(lost)).toBeUndefined()
    expect((await api('/auth/refresh', { body: {}, headers: withCookie(cookieOf(won)!) })).status).toBe(200)
  })

  test('the cookie counts only with the header, and the header needs a cookie: 400, and nothing is spent', async () => {
    const s = await register('cookie-csrf')
    const cookie = cookieOf(await api('/auth/login', { body: { email: s.email, password: PASSWORD }, headers: COOKIE_MODE }))!
    // What a cross-site form post would carry: the cookie (were SameSite ignored), never the header.
    const bare = await api('/auth/refresh', { body: {}, headers: { cookie: `easypass_refresh=${cookie}` } })
    expect(bare.status).toBe(400)
    expect(bare.body.error.details.fields[0].path).toBe('refreshToken')
    const none = await api('/auth/refresh', { body: {}, headers: COOKIE_MODE })
    expect(none.status).toBe(400)
    expect(none.body.error.message).toContain('no session cookie')
    expect((await api('/auth/refresh', { body: {}, headers: withCookie(cookie) })).status).toBe(200)
  })

  test('sign-out with the cookie ends its session and clears it; a password change moves the new session into it', async () => {
    const s = await register('cookie-out')
    const login = await api('/auth/login', { body: { email: s.email, password: PASSWORD }, headers: COOKIE_MODE })
    const cookie = cookieOf(login)!
    const out = await api('/auth/logout', { token: login.body.accessToken, body: {}, headers: withCookie(cookie) })
    expect(out.status).toBe(204)
    expect(setCookie(out)?.value).toBe('')
    expect((await api('/auth/refresh', { body: { refreshToken: cookie } })).status).toBe(401)
    // The other session (register's) goes on.
    const changed = await api('/auth/password', { token: s.token, body: { currentPassword: PASSWORD, newPassword: 'another horse 2' }, headers: COOKIE_MODE })
    expect(changed.status).toBe(200)
    expect('refreshToken' in changed.body).toBe(false)
    expect((await api('/auth/refresh', { body: {}, headers: withCookie(cookieOf(changed)!) })).status).toBe(200)
  })
})

describe('access tokens', () => {

  /** Refused at the gateway, and by the service itself when reached directly: no one trusts the other. */
  async function expectRefused(token: string) {
    const r = await api('/auth/me', { token })
    expect(r.status).toBe(401)
    expect(errorCode(r)).toBe('UNAUTHENTICATED')
    const atService = await fetch(`${system().urls.auth}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })
    expect(atService.status).toBe(401)
    expect(((await atService.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED')
  }

  test('guests get 401 on me', async () => {
    const r = await api('/auth/me')
    expect(r.status).toBe(401)
    expect(errorCode(r)).toBe('UNAUTHENTICATED')
  })

  test('a tampered token is refused', async () => {
    const s = await register('tamper')
    const [header, , signature] = s.token.split('.')
    const claims = { ...decodeJwtPayload(s.token), role: 'admin' }
    await expectRefused(`${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`)
    const flipped = signature!.slice(0, -2) + (signature!.endsWith('AA') ? 'BB' : 'AA')
    await expectRefused(`${header}.${s.token.split('.')[1]}.${flipped}`)
  })

  test('an expired token is refused', async () => {
    const s = await register('expired')
    const expired = await userTokens().signAccess({ id: s.user.id, role: 'customer', email: s.email }, -10)
    await expectRefused(expired)
  })

  test('a token with alg none is refused', async () => {
    const s = await register('none')
    const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const claims = { sub: s.user.id, role: 'admin', typ: 'access', iss: 'easypass', exp: Math.floor(Date.now() / 1000) + 600 }
    await expectRefused(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`)
    const r = await api('/users', { token: `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.` })
    expect(r.status).toBe(401)
  })

  test("a token signed with another key or issuer is refused, and so is a user's token made with a service's key or the services' secret", async () => {
    const s = await register('forged')
    const principal = { id: s.user.id, role: 'admin' as const, email: s.email }
    await expectRefused(await forgedUserTokens().signAccess(principal))
    await expectRefused(await userTokens('someone-else').signAccess(principal))
    // A service holds its own key (orders and notifications also the HMAC secret), not auth's: what it
    // could make is no user's token, with a `kid` or without.
    const made = await userTokensFromServiceKeys(principal, 'orders')
    for (const token of [made.asUser, made.asItself, made.fromSecret]) await expectRefused(token)
    // The control: the system's own key does make one (as auth does).
    expect((await api('/auth/me', { token: await userTokens().signAccess(principal) })).status).toBe(200)
  })
})

describe('admin: users and roles', () => {
  test('customers get 403 and guests 401 on every admin route', async () => {
    const s = await register('nosy')
    for (const [path, opts] of [
      ['/users', {}],
      [`/users/${s.user.id}`, { method: 'PATCH', body: { role: 'admin' } }],
    ] as const) {
      const asCustomer = await api(path, { ...opts, token: s.token })
      expect(asCustomer.status).toBe(403)
      expect(errorCode(asCustomer)).toBe('FORBIDDEN')
      const asGuest = await api(path, opts)
      expect(asGuest.status).toBe(401)
      expect(errorCode(asGuest)).toBe('UNAUTHENTICATED')
    }
    expect((await api('/auth/me', { token: s.token })).body.role).toBe('customer')
  })

  test('admins list users with paging, email search and role filter', async () => {
    const { token } = await adminSession()
    const tag = `list${randomBytes(3).toString('hex')}`
    const made = [await register(tag), await register(tag), await register(tag)]
    const page1 = await api(`/users?q=${tag}&limit=2&page=1`, { token })
    expect(page1.status).toBe(200)
    expect(page1.body).toMatchObject({ total: 3, page: 1, limit: 2 })
    expect(page1.body.items).toHaveLength(2)
    // The admins' list says how many passkeys each has, beside what every answer says of an account.
    page1.body.items.forEach(({ passkeys, ...user }: Record<string, unknown>) => {
      expect(passkeys).toBe(0)
      expectUserShape(user)
    })
    const page2 = await api(`/users?q=${tag.toUpperCase()}&limit=2&page=2`, { token })
    expect(page2.body.items).toHaveLength(1)
    const listed = [...page1.body.items, ...page2.body.items].map((u: { id: string }) => u.id).sort()
    expect(listed).toEqual(made.map((m) => m.user.id).sort())

    const admins = await api('/users?role=admin&limit=100', { token })
    expect(admins.status).toBe(200)
    expect(admins.body.items.every((u: { role: string }) => u.role === 'admin')).toBe(true)
    expect(admins.body.items.map((u: { email: string }) => u.email)).toContain(system().admin.email.toLowerCase())
    // Search text is matched literally, never as a pattern.
    expect((await api(`/users?q=${encodeURIComponent('.*')}`, { token })).body.total).toBe(0)
    // Named by their ids (the buyers of the orders an admin is looking at), whoever else exists.
    const named = await api(`/users?ids=${made[0]!.user.id},${made[2]!.user.id.toUpperCase()},${made[0]!.user.id}`, { token })
    expect(named.status).toBe(200)
    expect(named.body.items.map((u: { id: string }) => u.id).sort()).toEqual([made[0]!.user.id, made[2]!.user.id].sort())
    for (const ids of ['nope', `${made[0]!.user.id},`, Array.from({ length: 101 }, () => made[0]!.user.id).join(',')]) {
      const r = await api(`/users?ids=${ids}`, { token })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }

    for (const bad of ['limit=101', 'limit=0', 'page=0', 'role=root', 'page=abc', 'page=1.5']) {
      const r = await api(`/users?${bad}`, { token })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
  })

  test('a promotion shows in the token after the next refresh; a demotion takes the admin token away at once', async () => {
    const { token } = await adminSession()
    const s = await register('promoted')
    const promoted = await api(`/users/${s.user.id}`, { method: 'PATCH', token, body: { role: 'admin' } })
    expect(promoted.status).toBe(200)
    expect(promoted.body).toEqual({ ...s.user, role: 'admin' })
    // The old access token still says customer: roles live in signed tokens.
    expect((await api('/users', { token: s.token })).status).toBe(403)
    const refreshed = await api('/auth/refresh', { body: { refreshToken: s.refreshToken } })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.user.role).toBe('admin')
    expect(decodeJwtPayload(refreshed.body.accessToken).role).toBe('admin')
    expect((await api('/users', { token: refreshed.body.accessToken })).status).toBe(200)

    const demoted = await api(`/users/${s.user.id}`, { method: 'PATCH', token, body: { role: 'customer' } })
    expect(demoted.status).toBe(200)
    expect(demoted.body.role).toBe('customer')
    // The admin token signed before the demotion is refused through the gateway (it would have been an
    // admin's for up to 15 minutes); the client refreshes and carries the role as it is.
    for (const stale of [await api('/users', { token: refreshed.body.accessToken }), await api('/events', { method: 'POST', token: refreshed.body.accessToken, body: {} })]) {
      expect(stale.status).toBe(401)
      expect(errorCode(stale)).toBe('UNAUTHENTICATED')
    }
    // The admin who demoted keeps working, and other admins' tokens are not touched.
    expect((await api('/users', { token })).status).toBe(200)
    const again = await api('/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } })
    expect(decodeJwtPayload(again.body.accessToken).role).toBe('customer')
    expect((await api('/users', { token: again.body.accessToken })).status).toBe(403)
  })

  test('role changes: unknown id 404, malformed id or role 400', async () => {
    const { token } = await adminSession()
    const unknown = await api('/users/665f1c2b9d3e4a0012345678', { method: 'PATCH', token, body: { role: 'admin' } })
    expect(unknown.status).toBe(404)
    expect(errorCode(unknown)).toBe('NOT_FOUND')
    const s = await register('badrole')
    for (const [path, body] of [
      ['/users/not-an-id', { role: 'admin' }],
      [`/users/${s.user.id}`, { role: 'superuser' }],
      [`/users/${s.user.id}`, {}],
      [`/users/${s.user.id}`, { role: 'service' }],
      // A known role with a field that cannot be changed here: refused whole, the role stays.
      [`/users/${s.user.id}`, { role: 'admin', email: 'someone@else.test' }],
    ] as const) {
      const r = await api(path, { method: 'PATCH', token, body })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    expect((await api('/auth/me', { token: s.token })).body.role).toBe('customer')
  })

  test('the last admin cannot be demoted', async () => {
    const session = await adminSession()
    const { token } = session
    // Leave the configured admin alone in charge for a moment (other admins of this run come back after).
    const others = (await api('/users?role=admin&limit=100', { token })).body.items.filter((u: { id: string }) => u.id !== session.user.id)
    try {
      for (const u of others) expect((await api(`/users/${u.id}`, { method: 'PATCH', token, body: { role: 'customer' } })).status).toBe(200)
      const self = await api(`/users/${session.user.id}`, { method: 'PATCH', token, body: { role: 'customer' } })
      expect(self.status).toBe(409)
      expect(errorCode(self)).toBe('CONFLICT')
      expect((await api('/auth/me', { token })).body.role).toBe('admin')
    } finally {
      for (const u of others) await api(`/users/${u.id}`, { method: 'PATCH', token, body: { role: 'admin' } })
    }
    // With another admin one may step down, and the other can bring them back. (Two deputies: the
    // configured admin's tokens, which other tests keep, would end with its own step down.)
    const adminToken = async (tag: string) => {
      const deputy = await register(tag)
      expect((await api(`/users/${deputy.user.id}`, { method: 'PATCH', token, body: { role: 'admin' } })).status).toBe(200)
      const refreshed = (await api('/auth/refresh', { body: { refreshToken: deputy.refreshToken } })).body
      return { id: deputy.user.id, refreshToken: refreshed.refreshToken as string, token: refreshed.accessToken as string }
    }
    const first = await adminToken('deputy-1')
    const second = await adminToken('deputy-2')
    expect((await api(`/users/${first.id}`, { method: 'PATCH', token: first.token, body: { role: 'customer' } })).status).toBe(200)
    expect((await api(`/users/${first.id}`, { method: 'PATCH', token: second.token, body: { role: 'admin' } })).status).toBe(200)
    // Back, with a token signed after the step down (the one from before it is refused).
    expect((await api('/users', { token: first.token })).status).toBe(401)
    await Bun.sleep(1000) // tokens say their second: one signed in the second of the change counts as before it
    const back = (await api('/auth/refresh', { body: { refreshToken: first.refreshToken } })).body.accessToken as string
    expect((await api(`/users/${second.id}`, { method: 'PATCH', token: back, body: { role: 'customer' } })).status).toBe(200)
    expect((await api(`/users/${first.id}`, { method: 'PATCH', token, body: { role: 'customer' } })).status).toBe(200)
  })
})

describe('login limits', () => {
  test('too many failures for one account → 429 with Retry-After, even with the right password', async () => {
    const { email } = await register('brute')
    for (let i = 0; i < 10; i++) expect((await api('/auth/login', { body: { email, password: `guess-${i}-xx` } })).status).toBe(401)
    const limited = await api('/auth/login', { body: { email, password: PASSWORD } })
    expect(limited.status).toBe(429)
    expect(errorCode(limited)).toBe('RATE_LIMITED')
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(900)
    expect(limited.body.error.details.retryAfterSeconds).toBe(retryAfter)
    // Other accounts are not affected.
    const bystander = await register('bystander')
    expect((await api('/auth/login', { body: { email: bystander.email, password: PASSWORD } })).status).toBe(200)
  }, 20_000)

  test('a successful login clears the account count', async () => {
    // Straight to the service from an address of its own, to leave the shared test address's count alone.
    const address = addressOfItsOwn('203.0.113')
    const { email } = await register('forgetful')
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 8; i++) expect((await loginFrom(address, { email, password: 'wrong password' })).status).toBe(401)
      expect((await loginFrom(address, { email, password: PASSWORD })).status).toBe(200)
    }
  }, 20_000)

  test('too many failures from one address → 429 for every account from it (address from x-real-ip)', async () => {
    // Straight to the service: x-real-ip is what the gateway sets for it, and a client cannot set it there.
    const address = addressOfItsOwn('198.51.100')
    const { email } = await register('from-address')
    const attempts = await Promise.all(
      Array.from({ length: 50 }, (_, i) => loginFrom(address, { email: uniqueEmail(`spray${i}`), password: 'guess guess' })),
    )
    expect(attempts.every((a) => a.status === 401)).toBe(true)
    const limited = await loginFrom(address, { email, password: PASSWORD })
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    // The same account from another address is fine.
    expect((await loginFrom('192.0.2.7', { email, password: PASSWORD })).status).toBe(200)
  }, 30_000)

  test('IPv6 clients are counted by their /64: failures from many addresses of one network limit them all', async () => {
    const net = `2001:db8:${(1 + Math.floor(Math.random() * 0xfff0)).toString(16)}:7`
    const { email } = await register('v6')
    const attempts = await Promise.all(Array.from({ length: 50 }, (_, i) => loginFrom(`${net}::${(i + 1).toString(16)}`, { email: uniqueEmail(`v6spray${i}`), password: 'guess guess' })))
    expect(attempts.every((a) => a.status === 401)).toBe(true)
    expect((await loginFrom(`${net}:abcd::99`, { email, password: PASSWORD })).status).toBe(429)
    // The next network is another client.
    expect((await loginFrom(`${net.replace(/:7$/, ':8')}::1`, { email, password: PASSWORD })).status).toBe(200)
  }, 30_000)

  test('guesses from elsewhere never lock the owner out where they sign in; spread over many addresses, even at once, they stop at 100', async () => {
    const { email } = await register('targeted')
    const attacker = addressOfItsOwn('198.51.100')
    for (let i = 0; i < 10; i++) expect((await loginFrom(attacker, { email, password: `guess-${i}-xx` })).status).toBe(401)
    expect((await loginFrom(attacker, { email, password: PASSWORD })).status).toBe(429)
    // The owner, at home.
    expect((await loginFrom('192.0.2.44', { email, password: PASSWORD })).status).toBe(200)
    // 120 guesses at once, each from an address of its own: 90 more are checked (100 for the account), the rest refused unchecked.
    const burst = await Promise.all(Array.from({ length: 120 }, (_, i) => loginFrom(`203.0.${113 + Math.floor(i / 200)}.${(i % 200) + 1}`, { email, password: 'guess guess' })))
    const statuses = burst.map((r) => r.status)
    expect(statuses.filter((s) => s === 401).length).toBe(90)
    expect(statuses.filter((s) => s === 429).length).toBe(30)
    // A new address is refused now, even with the password; the owner's own address is not.
    const stopped = await loginFrom('192.0.2.45', { email, password: PASSWORD })
    expect(stopped.status).toBe(429)
    expect(Number(stopped.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await loginFrom('192.0.2.44', { email, password: PASSWORD })).status).toBe(200)
  }, 60_000)

  test('one address may create only so many accounts, guests included (429, nothing created); another address still can', async () => {
    const port = await freePort()
    const child = Bun.spawn([process.execPath, join(ROOT, 'services/auth/src/index.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        PORT: String(port),
        HOST: '127.0.0.1',
        JWT_PUBLIC_KEY: system().env.JWT_PUBLIC_KEY!,
        JWT_PRIVATE_KEY: system().env.JWT_PRIVATE_KEY!,
        SERVICE_KEY: system().env[serviceKeyVariable('auth')]!,
        SERVICE_PUBLIC_KEYS: system().env.SERVICE_PUBLIC_KEYS!,
        MONGO_URL: system().infra.mongoUrl,
        REDIS_URL: system().infra.redisUrl,
        MONGO_DB_PREFIX: `${system().namespace}reg`,
        REDIS_PREFIX: `${system().namespace}reg`,
        REGISTRATIONS_PER_IP: '3',
      },
      stdout: 'ignore',
      stderr: 'ignore',
    })
    try {
      const url = `http://127.0.0.1:${port}`
      await eventually('auth up', async () => (await fetch(`${url}/live`).catch(() => null))?.ok === true, 20_000, 100)
      const registerFrom = async (address: string, tag: string) => {
        const email = uniqueEmail(tag)
        const r = await fetch(`${url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-real-ip': address }, body: JSON.stringify({ email, password: PASSWORD, name: tag }) })
        return { email, status: r.status, body: (await r.json()) as any, headers: r.headers }
      }
      for (let i = 0; i < 3; i++) expect((await registerFrom('198.51.100.200', `farm${i}`)).status).toBe(201)
      const refused = await registerFrom('198.51.100.200', 'farm3')
      expect(refused.status).toBe(429)
      expect(refused.body.error.code).toBe('RATE_LIMITED')
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      // A guest checkout is a sign-up too: refused the same way from that address.
      const guest = await fetch(`${url}/api/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-real-ip': '198.51.100.200' }, body: JSON.stringify({ email: refused.email, name: 'guest' }) })
      expect(guest.status).toBe(429)
      // Nothing was created: the refused email is still free from another address.
      const other = await fetch(`${url}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-real-ip': '192.0.2.80' }, body: JSON.stringify({ email: refused.email, password: PASSWORD, name: 'late' }) })
      expect(other.status).toBe(201)
    } finally {
      child.kill()
      await child.exited
    }
  }, 45_000)

  test('many people behind one address signing in at once with the right passwords are all let in', async () => {
    const address = addressOfItsOwn('198.51.100')
    // More than the address's failure limit (50), all in flight together.
    const accounts = await Promise.all(Array.from({ length: 70 }, (_, i) => register(`crowd${i}`)))
    const logins = await Promise.all(accounts.map(({ email }) => loginFrom(address, { email, password: PASSWORD })))
    expect(logins.map((r) => r.status).filter((status) => status !== 200)).toEqual([])
  }, 60_000)
})

describe('service', () => {
  test('health checks mongo and redis', async () => {
    const r = await fetch(`${system().urls.auth}/health`)
    expect(r.status).toBe(200)
    expect(await r.json()).toMatchObject({ status: 'ok', service: 'auth', checks: { mongo: 'ok', redis: 'ok' } })
  })

  test('the OpenAPI document lists every identity route', async () => {
    const doc = (await (await fetch(`${system().urls.auth}/openapi/json`)).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/auth/guest', '/api/auth/guest/account', '/api/auth/guest/link', '/api/auth/guest/session', '/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/auth/me/close', '/api/auth/passkeys', '/api/auth/passkeys/options', '/api/auth/passkeys/sign-in', '/api/auth/passkeys/sign-in/options', '/api/auth/passkeys/{id}', '/api/auth/password', '/api/auth/password-reset', '/api/auth/password-reset/confirm', '/api/auth/refresh', '/api/auth/register', '/api/auth/two-factor/disable', '/api/auth/two-factor/enable', '/api/auth/two-factor/recovery-codes', '/api/auth/two-factor/setup', '/api/users', '/api/users/{id}', '/api/users/{id}/passkeys', '/api/users/{id}/two-factor'])
  })

  /** `probe`: called with the address once it answers its health check; then it is stopped. */
  async function startInProduction(env: Record<string, string>, waitMs = 25_000, probe?: (url: string) => Promise<void>) {
    const port = await freePort()
    const child = Bun.spawn([process.execPath, join(ROOT, 'services/auth/src/index.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'error',
        PORT: String(port),
        JWT_PUBLIC_KEY: system().env.JWT_PUBLIC_KEY!,
        JWT_PRIVATE_KEY: system().env.JWT_PRIVATE_KEY!,
        SERVICE_KEY: system().env[serviceKeyVariable('auth')]!,
        SERVICE_PUBLIC_KEYS: system().env.SERVICE_PUBLIC_KEYS!,
        ORDERS_URL: system().urls.orders!,
        MONGO_URL: system().infra.mongoUrl,
        REDIS_URL: system().infra.redisUrl,
        MONGO_DB_PREFIX: `${system().namespace}prod`,
        REDIS_PREFIX: `${system().namespace}prod`,
        ...env,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const probed = probe
      ? (async () => {
          const url = `http://127.0.0.1:${port}`
          for (let i = 0; i < 100 && !(await fetch(`${url}/health`).then((r) => r.ok, () => false)); i++) await Bun.sleep(100)
          await probe(url)
          child.kill()
        })()
      : undefined
    // A service that failed to stop would listen forever: it is killed after a generous wait.
    const code = await Promise.race([child.exited, Bun.sleep(waitMs).then(() => 'still running' as const)])
    await probed
    if (code === 'still running') child.kill('SIGKILL')
    return { code, output: (await new Response(child.stdout).text()) + (await new Response(child.stderr).text()) }
  }

  test('in production, a missing ADMIN_PASSWORD stops the service at start', async () => {
    const { code, output } = await startInProduction({ ADMIN_EMAIL: 'boss@example.test' })
    expect(code).not.toBe('still running')
    expect(code).not.toBe(0)
    expect(output).toContain('ADMIN_PASSWORD')
  }, 45_000)

  test('in production, a missing ADMIN_EMAIL or a short ADMIN_PASSWORD stops the service too', async () => {
    const noEmail = await startInProduction({ ADMIN_PASSWORD: 'a long enough password' })
    expect(noEmail.code).not.toBe('still running')
    expect(noEmail.code).not.toBe(0)
    expect(noEmail.output).toContain('ADMIN_EMAIL')
    const short = await startInProduction({ ADMIN_EMAIL: 'boss@example.test', ADMIN_PASSWORD: 'short' })
    expect(short.code).not.toBe('still running')
    expect(short.code).not.toBe(0)
    expect(short.output).toContain('ADMIN_PASSWORD')
  }, 90_000)

  test('in production, a missing MONGO_URL stops the service: no local database is assumed', async () => {
    const { code, output } = await startInProduction({ ADMIN_EMAIL: 'boss@example.test', ADMIN_PASSWORD: 'a long enough password', MONGO_URL: '' })
    expect(code).not.toBe('still running')
    expect(code).not.toBe(0)
    expect(output).toContain('MONGO_URL must be set in production')
  }, 45_000)

  test('in production, deleting unused guests needs ORDERS_URL (orders says who holds tickets); with it off, auth starts without', async () => {
    const admin = { ADMIN_EMAIL: 'boss@example.test', ADMIN_PASSWORD: 'a long enough password' }
    const { code, output } = await startInProduction({ ...admin, ORDERS_URL: '' })
    expect(code).not.toBe('still running')
    expect(code).not.toBe(0)
    expect(output).toContain('ORDERS_URL must be set in production')
    // Kept for ever: it starts (and is stopped by the wait, still running).
    const kept = await startInProduction({ ...admin, ORDERS_URL: '', GUEST_RETENTION_DAYS: '0', NATS_URL: system().infra.natsUsers.auth ?? system().infra.natsUrl }, 4_000)
    expect(kept.code).toBe('still running')
  }, 45_000)

  test('in production, passkeys are off until the site is named (PUBLIC_URL), and an origin off the site stops the start', async () => {
    const base = { ADMIN_EMAIL: 'boss@example.test', ADMIN_PASSWORD: 'a long enough password', NATS_URL: system().infra.natsUsers.auth ?? system().infra.natsUrl }
    let off: Response | undefined
    await startInProduction(base, 20_000, async (url) => {
      off = await fetch(`${url}/api/auth/passkeys/sign-in/options`, { method: 'POST' })
    })
    expect(off?.status).toBe(409)
    let on: any
    await startInProduction({ ...base, PUBLIC_URL: 'https://tickets.example.com' }, 20_000, async (url) => {
      on = await (await fetch(`${url}/api/auth/passkeys/sign-in/options`, { method: 'POST' })).json()
    })
    expect(on.options.rpId).toBe('tickets.example.com')
    const wrong = await startInProduction({ ...base, WEBAUTHN_ORIGINS: 'https://tickets.example.com', WEBAUTHN_RP_ID: 'example.org' })
    expect(wrong.code).not.toBe('still running')
    expect(wrong.code).not.toBe(0)
    expect(wrong.output).toContain('is not on example.org')
  }, 90_000)
})

// Declared last so that it runs after every other test of this file and sees all their answers.
test('no answer ever carried a password hash, a token hash or a database id field', () => {
  const all = seenBodies.join('\n')
  expect(seenBodies.length).toBeGreaterThan(100)
  expect(all).not.toContain('$argon2')
  expect(all).not.toContain('passwordHash')
  expect(all).not.toContain('"_id"')
  for (const token of seenRefreshTokens) expect(all).not.toContain(createHash('sha256').update(token).digest('hex'))
})
