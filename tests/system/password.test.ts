// Passwords after sign-up: a forgotten one reset through an emailed link (real SMTP), a known one
// changed. Both end every other session; a link works once, in time, and never tells who has an account.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, errorCode, eventually, uniqueEmail } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'
import { totp } from '../support/totp'

const PASSWORD = 'correct horse 1'
const smtp = mailingThroughTestSmtp('auth', { MAIL_FROM: 'EasyPass Tests <accounts@easypass.test>' })
let authDb: mongoose.Connection

beforeAll(async () => {
  authDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_auth` }).asPromise()
})

afterAll(async () => {
  await authDb?.close()
})

let addressCount = 0
/** Every test asks from an address of its own: the per-address limit of one must not refuse another's. */
const ownAddress = () => `198.18.7.${++addressCount}`

/** As the gateway forwards it: straight to auth, with the client's address in `x-real-ip`. */
async function askForReset(email: string, address: string, acceptLanguage?: string) {
  const r = await fetch(`${system().urls.auth}/api/auth/password-reset`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': address, ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) },
    body: JSON.stringify({ email }),
  })
  return { status: r.status, body: (await r.json()) as any, headers: r.headers }
}

async function register(tag: string) {
  const email = uniqueEmail(tag)
  const r = await api('/auth/register', { body: { email, password: PASSWORD, name: `Test ${tag}` } })
  expect(r.status).toBe(201)
  return { email, token: r.body.accessToken as string, refreshToken: r.body.refreshToken as string }
}

const emailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address))
/** The token of the `n`th reset email to `address` (waits for it). */
async function linkToken(address: string, n = 1) {
  // Reset emails only: turning two-step sign-in on emails the owner too.
  const message = await eventually(`reset email ${n} to ${address}`, async () => emailsTo(address).filter((m) => decodeMime(m.data).includes('/reset-password#token='))[n - 1], 15_000, 100)
  const text = decodeMime(message.data)
  const link = /(http:\/\/\S+\/reset-password#token=([A-Za-z0-9_-]+))/.exec(text)
  expect(link).not.toBeNull()
  return { text, link: link![1]!, token: link![2]! }
}

/** Straight to auth from an address of its own: the failed sign-ins these tests make count against nobody else's. */
async function login(email: string, password: string) {
  const r = await fetch(`${system().urls.auth}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': ownAddress() },
    body: JSON.stringify({ email, password }),
  })
  return { status: r.status, body: (await r.json()) as any }
}
const refresh = (refreshToken: string) => api('/auth/refresh', { body: { refreshToken } })
const confirm = (token: string, password: string) => api('/auth/password-reset/confirm', { body: { token, password } })

describe('password reset by email', () => {
  test('the link arrives by email, sets a new password once, and ends every session', async () => {
    const { email, refreshToken: first } = await register('reset')
    const second = (await login(email, PASSWORD)).body.refreshToken as string
    // Any capitalisation finds the account, as sign-in does.
    const asked = await askForReset(email.toUpperCase(), ownAddress())
    expect(asked.status).toBe(202)
    const { text, link, token } = await linkToken(email)
    expect(link.startsWith(system().gatewayUrl.replace('127.0.0.1', 'localhost'))).toBe(true)
    expect(text).toContain('within 60 minutes')
    expect(text).toContain('From: EasyPass Tests <accounts@easypass.test>')
    // Only the token's hash is stored.
    expect(JSON.stringify(await authDb.collection('password_resets').find({}).toArray())).not.toContain(token)

    const reset = await confirm(token, 'a brand new password')
    expect(reset.status).toBe(200)
    expect(reset.body.user.email).toBe(email)
    expect((await api('/auth/me', { token: reset.body.accessToken })).status).toBe(200)
    expect((await login(email, PASSWORD)).status).toBe(401)
    expect((await login(email, 'a brand new password')).status).toBe(200)
    // Both earlier sessions are over; the one the reset started goes on.
    expect((await refresh(first)).status).toBe(401)
    expect((await refresh(second)).status).toBe(401)
    expect((await refresh(reset.body.refreshToken)).status).toBe(200)

    const again = await confirm(token, 'yet another password')
    expect(again.status).toBe(400)
    expect(errorCode(again)).toBe('VALIDATION')
    expect(again.body.error.details.fields[0].path).toBe('token')
    expect((await login(email, 'yet another password')).status).toBe(401)
  }, 30_000)

  test('a mailbox is not the second step: with two-step sign-in on, the link also takes a code', async () => {
    const { email, token: access } = await register('reset-2fa')
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: access })
    const on = await api('/auth/two-factor/enable', { token: access, body: { password: PASSWORD, code: totp(setup.body.secret) } })
    expect(on.status).toBe(200)
    expect((await askForReset(email, ownAddress())).status).toBe(202)
    const { token } = await linkToken(email)

    const asked = await confirm(token, 'a brand new password')
    expect(asked.status).toBe(401)
    expect(errorCode(asked)).toBe('TWO_FACTOR_REQUIRED')
    const wrong = await api('/auth/password-reset/confirm', { body: { token, password: 'a brand new password', code: 'aaaaa-bbbbb' } })
    expect(wrong.status).toBe(401)
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED')
    // Nothing changed (the new password is wrong, the old one still asks for the code), and the link still works with a code.
    expect((await login(email, 'a brand new password')).body.error.code).toBe('UNAUTHENTICATED')
    expect((await login(email, PASSWORD)).body.error.code).toBe('TWO_FACTOR_REQUIRED')
    const reset = await api('/auth/password-reset/confirm', { body: { token, password: 'a brand new password', code: on.body.recoveryCodes[0] } })
    expect(reset.status).toBe(200)
    // Still two steps with the new password.
    expect((await login(email, 'a brand new password')).body.error.code).toBe('TWO_FACTOR_REQUIRED')
  }, 30_000)

  test('an email without an account gets the same answer and no email', async () => {
    const { email } = await register('known')
    const unknown = uniqueEmail('nobody')
    const address = ownAddress()
    const [forUnknown, forKnown] = [await askForReset(unknown, address), await askForReset(email, address)]
    expect(forUnknown.status).toBe(202)
    expect(forUnknown.body).toEqual(forKnown.body)
    await linkToken(email)
    await Bun.sleep(500)
    expect(emailsTo(unknown)).toEqual([])
  }, 30_000)

  test('a link asked for in French comes in French, and still works', async () => {
    const { email } = await register('francais')
    expect((await askForReset(email, ownAddress(), 'fr-CA, fr;q=0.9, en;q=0.5')).status).toBe(202)
    const { text, token } = await linkToken(email)
    expect(text).toContain('<html lang="fr">')
    expect(text).toContain('Choisir un nouveau mot de passe')
    expect(text).not.toContain('Choose a new password')
    expect((await confirm(token, 'un mot de passe assez long')).status).toBe(200)
  }, 30_000)

  test('one link submitted ten times at once sets one password', async () => {
    const { email } = await register('race')
    await askForReset(email, ownAddress())
    const { token } = await linkToken(email)
    const passwords = Array.from({ length: 10 }, (_, i) => `racing password ${i}`)
    const answers = await Promise.all(passwords.map((password) => confirm(token, password)))
    expect(answers.filter((r) => r.status === 200).length).toBe(1)
    expect(answers.filter((r) => r.status === 400).length).toBe(9)
    const winner = passwords[answers.findIndex((r) => r.status === 200)]!
    const logins = await Promise.all(passwords.map((password) => login(email, password)))
    expect(logins.map((r) => r.status)).toEqual(passwords.map((password) => (password === winner ? 200 : 401)))
  }, 30_000)

  test('a link stops working when the password changed after it was sent, and when it expired', async () => {
    const { email, token: access } = await register('stale')
    const address = ownAddress()
    await askForReset(email, address)
    const stale = (await linkToken(email, 1)).token
    const changed = await api('/auth/password', { token: access, body: { currentPassword: PASSWORD, newPassword: 'changed in between' } })
    expect(changed.status).toBe(200)
    expect((await confirm(stale, 'from the stale link')).status).toBe(400)
    expect((await login(email, 'changed in between')).status).toBe(200)

    await askForReset(email, address)
    const expiring = (await linkToken(email, 2)).token
    // Its hour is over: the stored expiry is moved into the past.
    const hash = new Bun.CryptoHasher('sha256').update(expiring).digest('hex')
    const moved = await authDb.collection('password_resets').updateOne({ _id: hash as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } })
    expect(moved.modifiedCount).toBe(1)
    expect((await confirm(expiring, 'from the expired link')).status).toBe(400)
    expect((await login(email, 'changed in between')).status).toBe(200)
  }, 30_000)

  test('bad input is 400 and changes nothing: unknown token, short password, unknown fields', async () => {
    const { email } = await register('badreset')
    await askForReset(email, ownAddress())
    const { token } = await linkToken(email)
    expect((await confirm('not-a-token', 'long enough password')).status).toBe(400)
    const short = await confirm(token, 'short')
    expect(short.status).toBe(400)
    expect(short.body.error.message).toContain('password')
    expect((await api('/auth/password-reset/confirm', { body: { token, password: 'long enough password', email } })).status).toBe(400)
    expect((await api('/auth/password-reset', { body: {} })).status).toBe(400)
    // The link still works after all that.
    expect((await confirm(token, 'long enough password')).status).toBe(200)
  }, 30_000)

  test('too many requests: 10 an hour from one address get 429; beyond 3 for one email the same 202 and no email', async () => {
    const { email } = await register('limit')
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push((await askForReset(email, ownAddress())).status)
    expect(statuses).toEqual([202, 202, 202, 202, 202])
    await eventually('three reset emails', async () => emailsTo(email).length >= 3, 15_000, 100)
    await Bun.sleep(1_000)
    expect(emailsTo(email).length).toBe(3)
    const address = ownAddress()
    const fromOne = []
    for (let i = 0; i < 11; i++) fromOne.push(await askForReset(uniqueEmail('spray'), address))
    expect(fromOne.map((r) => r.status)).toEqual([...Array(10).fill(202), 429])
    expect(Number(fromOne[10]!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(fromOne[10]!.body.error.code).toBe('RATE_LIMITED')
    // Not an email address: 400, nothing counted or sent.
    const bad = await askForReset('not an email', ownAddress())
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('VALIDATION')
  }, 30_000)

  test('two links of one account used at once, or a link and a change at once: one new password lands', async () => {
    const { email, token: access } = await register('twolinks')
    await askForReset(email, ownAddress())
    await askForReset(email, ownAddress())
    const [a, b] = [(await linkToken(email, 1)).token, (await linkToken(email, 2)).token]
    const [ra, rb] = await Promise.all([confirm(a, 'password from link a'), confirm(b, 'password from link b')])
    expect([ra.status, rb.status].sort()).toEqual([200, 400])
    const winner = ra.status === 200 ? 'password from link a' : 'password from link b'
    expect((await login(email, winner)).status).toBe(200)

    await askForReset(email, ownAddress())
    const c = (await linkToken(email, 3)).token
    const [rc, changed] = await Promise.all([
      confirm(c, 'password from link c'),
      api('/auth/password', { token: access, body: { currentPassword: winner, newPassword: 'password from the page' } }),
    ])
    expect([rc.status, changed.status].filter((status) => status === 200).length).toBe(1)
    const landed = rc.status === 200 ? 'password from link c' : 'password from the page'
    const statuses = await Promise.all(['password from link c', 'password from the page', winner].map(async (p) => (await login(email, p)).status))
    expect(statuses).toEqual(['password from link c', 'password from the page', winner].map((p) => (p === landed ? 200 : 401)))
  }, 30_000)

  test('through the gateway it is a guest route: a stale token sent along is not looked at', async () => {
    const { email } = await register('gateway')
    const r = await api('/auth/password-reset', { body: { email }, token: 'expired.or.garbage' })
    expect(r.status).toBe(202)
    await linkToken(email)
  }, 30_000)
})

describe('two-step codes guessed by someone with the password', () => {
  test('the wrong code that reaches the limit tells the owner, once, in each of our languages', async () => {
    const { email, token: access } = await register('code-alert')
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: access })
    expect((await api('/auth/two-factor/enable', { token: access, body: { password: PASSWORD, code: totp(setup.body.secret) } })).status).toBe(200)
    // Wrong codes with the right password, each from an address of its own (the address limits stay out of it).
    const guess = () =>
      fetch(`${system().urls.auth}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-real-ip': ownAddress() }, body: JSON.stringify({ email, password: PASSWORD, code: 'zzzzz-zzzzz' }) }).then((r) => r.status)
    const alerts = () => emailsTo(email).filter((m) => decodeMime(m.data).includes('wrong codes of your authenticator app'))
    for (let i = 0; i < 9; i++) expect(await guess()).toBe(401)
    expect(alerts()).toHaveLength(0)
    expect(await guess()).toBe(401)
    const alert = decodeMime((await eventually('the alert to the owner', async () => alerts()[0], 15_000, 100)).data)
    expect(alert).toContain('typed 10 wrong codes of your authenticator app within the hour')
    expect(alert).toContain('falsche Codes Ihrer Authenticator-App')
    expect(alert).toContain("codes erronés de votre application d'authentification")
    expect(alert).toMatch(/http:\/\/\S+\/forgot-password/)
    // Past the limit: refused, and no second alert.
    expect(await guess()).toBe(429)
    expect(await guess()).toBe(429)
    await Bun.sleep(500)
    expect(alerts()).toHaveLength(1)
  }, 60_000)
})

describe('changing a known password', () => {
  test('needs the current password; ends every other session and keeps this client signed in', async () => {
    const { email, token, refreshToken: thisOne } = await register('change')
    const other = (await login(email, PASSWORD)).body.refreshToken as string
    const wrong = await api('/auth/password', { token, body: { currentPassword: 'not it at all', newPassword: 'my new password' } })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details.fields[0].path).toBe('currentPassword')
    expect((await login(email, PASSWORD)).status).toBe(200)

    const changed = await api('/auth/password', { token, body: { currentPassword: PASSWORD, newPassword: 'my new password' } })
    expect(changed.status).toBe(200)
    expect((await refresh(thisOne)).status).toBe(401)
    expect((await refresh(other)).status).toBe(401)
    expect((await refresh(changed.body.refreshToken)).status).toBe(200)
    expect((await login(email, PASSWORD)).status).toBe(401)
    expect((await login(email, 'my new password')).status).toBe(200)
  }, 30_000)

  test('no sign-in with the old password outlives the change, also one running while it happens', async () => {
    const { email, token } = await register('overlap')
    // Sign-ins with the old password keep coming while the password changes (each waits its turn at the hash).
    const logins = Array.from({ length: 24 }, (_, i) => Bun.sleep(i * 25).then(() => login(email, PASSWORD)))
    await Bun.sleep(100)
    const changed = await api('/auth/password', { token, body: { currentPassword: PASSWORD, newPassword: 'changed under load' } })
    expect(changed.status).toBe(200)
    const answers = await Promise.all(logins)
    const sessions = answers.filter((r) => r.status === 200).map((r) => r.body.refreshToken as string)
    expect(sessions.length).toBeGreaterThan(0)
    const refreshed = await Promise.all(sessions.map(async (refreshToken) => (await refresh(refreshToken)).status))
    expect(refreshed).toEqual(sessions.map(() => 401))
    expect((await refresh(changed.body.refreshToken)).status).toBe(200)
  }, 30_000)

  test('a session from before the change is refused at refresh even if ending it had failed', async () => {
    const { email, token } = await register('leftover')
    const earlier = (await login(email, PASSWORD)).body.refreshToken as string
    const changed = await api('/auth/password', { token, body: { currentPassword: PASSWORD, newPassword: 'a leftover session' } })
    expect(changed.status).toBe(200)
    // As if revoking the families at the change had failed: the revocations are taken back.
    const user = (await api('/auth/me', { token: changed.body.accessToken })).body.id as string
    const removed = await authDb.collection('revoked_session_families').deleteMany({ userId: user })
    expect(removed.deletedCount).toBeGreaterThan(0)
    expect((await refresh(earlier)).status).toBe(401)
    expect((await refresh(changed.body.refreshToken)).status).toBe(200)
  }, 30_000)

  test('guests get 401; a short new password is 400 and changes nothing', async () => {
    expect((await api('/auth/password', { body: { currentPassword: PASSWORD, newPassword: 'whatever long' } })).status).toBe(401)
    const { email, token } = await register('shortnew')
    expect((await api('/auth/password', { token, body: { currentPassword: PASSWORD, newPassword: 'short' } })).status).toBe(400)
    expect((await login(email, PASSWORD)).status).toBe(200)
  }, 30_000)
})

describe('my name', () => {
  test('a signed-in user changes their own name, trimmed; nothing else can be changed that way', async () => {
    const { token, email } = await register('rename')
    const renamed = await api('/auth/me', { method: 'PATCH', token, body: { name: '  Grace Hopper ' } })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({ name: 'Grace Hopper', email, role: 'customer' })
    expect((await api('/auth/me', { token })).body.name).toBe('Grace Hopper')
    for (const body of [{ name: '   ' }, { name: 'x'.repeat(101) }, { name: 'Grace', role: 'admin' }, { email: 'other@example.test' }, {}]) {
      const r = await api('/auth/me', { method: 'PATCH', token, body })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    expect((await api('/auth/me', { token })).body).toMatchObject({ name: 'Grace Hopper', email, role: 'customer' })
    expect((await api('/auth/me', { method: 'PATCH', body: { name: 'Guest' } })).status).toBe(401)
  }, 30_000)
})
