// Two-step sign-in: an account sets up an authenticator app (a secret it confirms with a code and its
// password), then signs in with a code as well as the password. Every code works once (a replay, or the
// same recovery code twice at once, signs in once); turning it off takes the password and a code; an admin
// can turn it off for someone who lost everything. The codes come from tests/support/totp.ts, written from
// the RFCs, so the server's library is checked against them.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, loginAdmin, uniqueEmail } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'
import { totp } from '../support/totp'

const PASSWORD = 'correct horse 2fa'
let addresses = 0

/** Straight to auth from an address of its own (as the gateway forwards it): failures made here count against nobody else. */
async function login(email: string, password: string, code?: string, address = `198.18.9.${++addresses}`) {
  const r = await fetch(`${system().urls.auth}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': address },
    body: JSON.stringify({ email, password, ...(code !== undefined ? { code } : {}) }),
  })
  return { status: r.status, body: (await r.json()) as any }
}

async function account(tag: string) {
  const email = uniqueEmail(tag)
  const r = await api('/auth/register', { body: { email, password: PASSWORD, name: `Test ${tag}` } })
  expect(r.status).toBe(201)
  return { email, id: r.body.user.id as string, token: r.body.accessToken as string }
}

/** Set up and turned on: the secret and the recovery codes. */
async function turnedOn(a: { token: string }) {
  const setup = await api('/auth/two-factor/setup', { method: 'POST', token: a.token })
  expect(setup.status).toBe(200)
  const on = await api('/auth/two-factor/enable', { token: a.token, body: { password: PASSWORD, code: totp(setup.body.secret) } })
  expect(on.status).toBe(200)
  return { secret: setup.body.secret as string, recoveryCodes: on.body.recoveryCodes as string[] }
}

/** The email to `address` that says `words` (waits for it). */
const toldOf = (smtp: ReturnType<typeof mailingThroughTestSmtp>, address: string, words: string) =>
  eventually(`the email to ${address} saying "${words}"`, async () => smtp.received.find((m) => m.to.includes(address) && decodeMime(m.data).includes(words)), 10_000, 100)

describe('two-step sign-in', () => {
  const smtp = mailingThroughTestSmtp('auth')

  test('set up with an app, confirmed with the password and a code; then signing in takes a code, each once', async () => {
    const a = await account('2fa')
    expect((await api('/auth/me', { token: a.token })).body.twoFactor).toBe(false)

    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: a.token })
    expect(setup.status).toBe(200)
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(setup.body.uri).toStartWith(`otpauth://totp/EasyPass:${encodeURIComponent(a.email)}?`)
    expect(setup.body.uri).toContain(`secret=${setup.body.secret}`)
    expect(setup.body.qrSvg).toStartWith('<svg')
    const secret = setup.body.secret as string

    // Not on until confirmed: signing in still takes the password alone.
    expect((await login(a.email, PASSWORD)).status).toBe(200)
    const wrongPassword = await api('/auth/two-factor/enable', { token: a.token, body: { password: 'not it at all', code: totp(secret) } })
    expect(wrongPassword.status).toBe(400)
    expect(wrongPassword.body.error.details.fields[0].path).toBe('password')
    const wrongCode = await api('/auth/two-factor/enable', { token: a.token, body: { password: PASSWORD, code: totp(secret, 5) } })
    expect(wrongCode.status).toBe(400)
    expect(wrongCode.body.error.details.fields[0].path).toBe('code')
    expect((await api('/auth/me', { token: a.token })).body.twoFactor).toBe(false)

    const on = await api('/auth/two-factor/enable', { token: a.token, body: { password: PASSWORD, code: totp(secret) } })
    expect(on.status).toBe(200)
    expect(on.body.user.twoFactor).toBe(true)
    const codes = on.body.recoveryCodes as string[]
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/)
    expect((await api('/auth/two-factor/setup', { method: 'POST', token: a.token })).status).toBe(409)
    expect((await api('/auth/two-factor/enable', { token: a.token, body: { password: PASSWORD, code: totp(secret, 1) } })).status).toBe(409)

    // The password alone: asked for the code (the password was right). A wrong code: 401.
    const asked = await login(a.email, PASSWORD)
    expect(asked.status).toBe(401)
    expect(asked.body.error.code).toBe('TWO_FACTOR_REQUIRED')
    const wrongPasswordWithCode = await login(a.email, 'not it at all', totp(secret, 1))
    expect(wrongPasswordWithCode.body.error.code).toBe('UNAUTHENTICATED')
    expect(wrongPasswordWithCode.body.error.details).toBeUndefined()
    const wrong = await login(a.email, PASSWORD, '000000' === totp(secret, 1) ? '111111' : '000000')
    expect(wrong.status).toBe(401)
    expect(wrong.body.error.code).toBe('UNAUTHENTICATED')
    // Said only once the password was right: the field names the code.
    expect(wrong.body.error.details.fields[0].path).toBe('code')
    // The next step's code (the one that turned it on was used): in, and the same code again is refused.
    const next = totp(secret, 1)
    const signedIn = await login(a.email, PASSWORD, next)
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.twoFactor).toBe(true)
    expect((await login(a.email, PASSWORD, next)).status).toBe(401)
    // Through the gateway too (the web app's path).
    const viaGateway = await api('/auth/login', { body: { email: a.email, password: PASSWORD } })
    expect(viaGateway.status).toBe(401)
    expect(errorCode(viaGateway)).toBe('TWO_FACTOR_REQUIRED')

    // A recovery code, typed any way, signs in once; the same one sent twice at once signs in once.
    expect((await login(a.email, PASSWORD, ` ${codes[0]!.toUpperCase().replace('-', ' ')} `)).status).toBe(200)
    expect((await login(a.email, PASSWORD, codes[0])).status).toBe(401)
    const twice = await Promise.all([login(a.email, PASSWORD, codes[1]), login(a.email, PASSWORD, codes[1])])
    expect(twice.map((r) => r.status).sort()).toEqual([200, 401])

    // New recovery codes: the earlier ones stop working, the new ones sign in.
    const wrongForCodes = await api('/auth/two-factor/recovery-codes', { token: a.token, body: { password: 'not it at all', code: codes[4] } })
    expect(wrongForCodes.body.error.details.fields[0].path).toBe('password')
    const renewed = await api('/auth/two-factor/recovery-codes', { token: a.token, body: { password: PASSWORD, code: codes[3] } })
    expect(renewed.status).toBe(200)
    const fresh = renewed.body.recoveryCodes as string[]
    expect(fresh).toHaveLength(10)
    expect(fresh.some((c) => codes.includes(c))).toBe(false)
    expect((await login(a.email, PASSWORD, codes[4])).status).toBe(401)
    expect((await login(a.email, PASSWORD, fresh[0])).status).toBe(200)

    // Off: the password and a code; then the password alone signs in again.
    const offWrong = await api('/auth/two-factor/disable', { token: a.token, body: { password: PASSWORD, code: fresh[0] } })
    expect(offWrong.status).toBe(400)
    expect(offWrong.body.error.details.fields[0].path).toBe('code')
    const off = await api('/auth/two-factor/disable', { token: a.token, body: { password: PASSWORD, code: fresh[1] } })
    expect(off.status).toBe(200)
    expect(off.body.twoFactor).toBe(false)
    // The owner hears of it (whoever did it had the password and a code).
    await toldOf(smtp, a.email, 'two-step sign-in was turned off for your EasyPass account, with your password and a code')
    expect((await login(a.email, PASSWORD)).status).toBe(200)
    expect((await api('/auth/two-factor/disable', { token: a.token, body: { password: PASSWORD, code: fresh[2] } })).status).toBe(409)
  })

  test('with it on, a new password from a session takes a code too (a stolen session that knows the password cannot lock the owner out)', async () => {
    const a = await account('2fa-password')
    // Recovery codes as the second step (each works once; the app's codes are three per half minute).
    const { recoveryCodes } = await turnedOn(a)
    const session = await login(a.email, PASSWORD, recoveryCodes[0])
    expect(session.status).toBe(200)
    const token = session.body.accessToken as string
    const change = (body: Record<string, unknown>) => api('/auth/password', { token, body: { currentPassword: PASSWORD, newPassword: `${PASSWORD} anew`, ...body } })
    const without = await change({})
    expect(without.status).toBe(400)
    expect(without.body.error.details.fields[0].path).toBe('code')
    const wrong = await change({ code: '000000' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details.fields[0].path).toBe('code')
    // Nothing changed: the old password still signs in (with a code).
    expect((await login(a.email, PASSWORD, recoveryCodes[1])).status).toBe(200)
    const changed = await change({ code: recoveryCodes[2] })
    expect(changed.status).toBe(200)
    expect((await login(a.email, `${PASSWORD} anew`, recoveryCodes[3])).status).toBe(200)
  })

  test('an admin turns it off for someone who lost their phone and codes; nobody else can', async () => {
    const a = await account('2fa-lost')
    await turnedOn(a)
    expect((await login(a.email, PASSWORD)).body.error.code).toBe('TWO_FACTOR_REQUIRED')
    const other = await account('2fa-other')
    expect((await api(`/users/${a.id}/two-factor`, { method: 'DELETE', token: other.token })).status).toBe(403)
    expect((await login(a.email, PASSWORD)).body.error.code).toBe('TWO_FACTOR_REQUIRED')

    const admin = await loginAdmin()
    const reset = await api(`/users/${a.id}/two-factor`, { method: 'DELETE', token: admin.token })
    expect(reset.status).toBe(200)
    expect(reset.body).toMatchObject({ id: a.id, twoFactor: false })
    // The owner hears of it: an admin talked into it by someone with the password alone does not go unnoticed.
    await toldOf(smtp, a.email, 'an EasyPass admin turned two-step sign-in off for your account')
    expect((await login(a.email, PASSWORD)).status).toBe(200)
    expect((await api(`/users/${admin.user.id}/two-factor`, { method: 'DELETE', token: admin.token })).status).toBe(403)
    expect((await api('/users/0123456789abcdef01234567/two-factor', { method: 'DELETE', token: admin.token })).status).toBe(404)
    // The admin's list says who has it.
    const b = await account('2fa-listed')
    await turnedOn(b)
    const listed = await api(`/users?q=${encodeURIComponent(b.email)}`, { token: admin.token })
    expect(listed.body.items[0].twoFactor).toBe(true)
  })

  test('wrong codes are limited per account, wherever they come from: ten an hour, then 429 even for a right one', async () => {
    const a = await account('2fa-guess')
    const { secret, recoveryCodes } = await turnedOn(a)
    const wrong = (n: number) => String((Number(totp(secret)) + 500_000 + n) % 1_000_000).padStart(6, '0')
    // Guessed through the signed-in route that turns it off (a stolen session with the password) and at sign-in, from many addresses.
    for (let n = 0; n < 5; n++) {
      const r = await api('/auth/two-factor/disable', { token: a.token, body: { password: PASSWORD, code: wrong(n) } })
      expect(r.status).toBe(400)
    }
    for (let n = 5; n < 10; n++) expect((await login(a.email, PASSWORD, wrong(n))).status).toBe(401)
    const limited = await login(a.email, PASSWORD, recoveryCodes[0])
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('RATE_LIMITED')
    expect((await api('/auth/two-factor/disable', { token: a.token, body: { password: PASSWORD, code: recoveryCodes[0] } })).status).toBe(429)
    // The recovery code was not used up by the refusals: it is still one of ten.
    expect((await api('/auth/me', { token: a.token })).body.twoFactor).toBe(true)
  })

  test('bad requests change nothing', async () => {
    const a = await account('2fa-bad')
    expect((await api('/auth/two-factor/setup', { method: 'POST' })).status).toBe(401)
    // No setup yet: nothing to confirm.
    expect((await api('/auth/two-factor/enable', { token: a.token, body: { password: PASSWORD, code: '123456' } })).status).toBe(409)
    for (const body of [{ password: PASSWORD }, { code: '123456' }, { password: PASSWORD, code: '' }, { password: PASSWORD, code: 'x'.repeat(33) }, { password: PASSWORD, code: '123456', extra: 1 }]) {
      const r = await api('/auth/two-factor/enable', { token: a.token, body })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    expect((await api('/auth/me', { token: a.token })).body.twoFactor).toBe(false)
    expect((await login(a.email, PASSWORD)).status).toBe(200)
  })
})
