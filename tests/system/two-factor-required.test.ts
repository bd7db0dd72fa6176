// Two-step sign-in required of a role (TWO_FACTOR_REQUIRED_ROLES=staff,admin): such an account without it
// signs in as a customer, told why (`roleNeedsTwoFactor`), sets it up, and from its next sign-in or
// refresh on has its role. Nobody is locked out (the first admin included), and a stolen password alone
// never holds the role.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, errorCode, uniqueEmail } from '../support/api'
import { restartedWith, system } from '../support/system'
import { totp } from '../support/totp'
import { PasskeyDevice } from '../support/passkey-device'

const PASSWORD = 'correct horse required'
let authDb: mongoose.Connection

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { role: string }

describe('two-step sign-in required of admins and door staff', () => {
  restartedWith(['auth'], { TWO_FACTOR_REQUIRED_ROLES: 'staff,admin' })
  beforeAll(async () => {
    authDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_auth` }).asPromise()
  })
  afterAll(async () => {
    await authDb?.close()
  })

  test('an admin without it signs in as a customer until it is on; then as an admin', async () => {
    const email = uniqueEmail('required-admin')
    const made = await api('/auth/register', { body: { email, password: PASSWORD, name: 'Required Admin' } })
    expect(made.status).toBe(201)
    await authDb.collection('users').updateOne({ email }, { $set: { role: 'admin' } })

    const held = await api('/auth/login', { body: { email, password: PASSWORD } })
    expect(held.status).toBe(200)
    expect(held.body.user).toMatchObject({ role: 'customer', roleNeedsTwoFactor: 'admin', twoFactor: false })
    expect(payloadOf(held.body.accessToken).role).toBe('customer')
    expect((await api('/users', { token: held.body.accessToken })).status).toBe(403)
    expect((await api('/auth/me', { token: held.body.accessToken })).body.roleNeedsTwoFactor).toBe('admin')

    // Another session from before (a thief's, with the stolen password): it must never gain the role.
    const earlier = await api('/auth/login', { body: { email, password: PASSWORD } })
    expect(earlier.body.user.role).toBe('customer')

    // Set up with the customer's token (all it can do of note): the answer is a new session with the role.
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: held.body.accessToken })
    const on = await api('/auth/two-factor/enable', { token: held.body.accessToken, body: { password: PASSWORD, code: totp(setup.body.secret) } })
    expect(on.status).toBe(200)
    expect(on.body.user).toMatchObject({ role: 'admin', twoFactor: true })
    expect(on.body.user.roleNeedsTwoFactor).toBeUndefined()
    expect(on.body.recoveryCodes).toHaveLength(10)
    expect(payloadOf(on.body.accessToken).role).toBe('admin')
    const refreshed = await api('/auth/refresh', { body: { refreshToken: on.body.refreshToken } })
    expect(refreshed.status).toBe(200)
    expect(payloadOf(refreshed.body.accessToken).role).toBe('admin')
    expect((await api('/users', { token: refreshed.body.accessToken })).status).toBe(200)
    // Every session from before the second step ended: neither the caller's old one nor the thief's refreshes.
    expect((await api('/auth/refresh', { body: { refreshToken: held.body.refreshToken } })).status).toBe(401)
    expect((await api('/auth/refresh', { body: { refreshToken: earlier.body.refreshToken } })).status).toBe(401)

    // Signing in now takes the code, and gives the role.
    expect((await api('/auth/login', { body: { email, password: PASSWORD } })).body.error.code).toBe('TWO_FACTOR_REQUIRED')
    const full = await api('/auth/login', { body: { email, password: PASSWORD, code: totp(setup.body.secret, 1) } })
    expect(full.body.user.role).toBe('admin')
    expect(payloadOf(full.body.accessToken).role).toBe('admin')

    // Turned off (a recovery code for the second step): the sessions that had both steps lose the role at their next refresh.
    const off = await api('/auth/two-factor/disable', { token: full.body.accessToken, body: { password: PASSWORD, code: on.body.recoveryCodes[0] } })
    expect(off.status).toBe(200)
    const after = await api('/auth/refresh', { body: { refreshToken: full.body.refreshToken } })
    expect(after.status).toBe(200)
    expect(payloadOf(after.body.accessToken).role).toBe('customer')
    expect(after.body.user.roleNeedsTwoFactor).toBe('admin')
  })

  test('a passkey added with two steps gives the role, also after a refresh; one added with the password alone does not', async () => {
    const email = uniqueEmail('required-passkey')
    const made = await api('/auth/register', { body: { email, password: PASSWORD, name: 'Passkey Admin' } })
    await authDb.collection('users').updateOne({ email }, { $set: { role: 'admin' } })
    const held = await api('/auth/login', { body: { email, password: PASSWORD } })
    expect(held.body.user.roleNeedsTwoFactor).toBe('admin')
    const device = new PasskeyDevice(system().gatewayUrl.replace('127.0.0.1', 'localhost'))
    const add = async (token: string, code?: string) => {
      const options = await api('/auth/passkeys/options', { method: 'POST', token })
      const r = await api('/auth/passkeys', { token, body: { password: PASSWORD, ...(code ? { code } : {}), credential: device.create(options.body.options) } })
      expect(r.status).toBe(201)
      return device.kept.length - 1
    }
    const signInWith = async (which: number) => {
      const started = await api('/auth/passkeys/sign-in/options', { method: 'POST' })
      const r = await api('/auth/passkeys/sign-in', { body: { challengeId: started.body.challengeId, credential: device.get(started.body.options, which) } })
      expect(r.status).toBe(200)
      return r.body
    }

    // With the password alone (a stolen one would do as much): it signs in, as a customer held from the role.
    const byPassword = await add(held.body.accessToken)
    const weak = await signInWith(byPassword)
    expect(weak.user).toMatchObject({ role: 'customer', roleNeedsTwoFactor: 'admin' })
    expect(payloadOf(weak.accessToken).role).toBe('customer')

    // Two-step sign-in on, a passkey added with a code: it gives the role without the password or a code.
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: held.body.accessToken })
    expect((await api('/auth/two-factor/enable', { token: held.body.accessToken, body: { password: PASSWORD, code: totp(setup.body.secret) } })).status).toBe(200)
    const byCode = await add(held.body.accessToken, totp(setup.body.secret, 1))
    const strong = await signInWith(byCode)
    expect(strong.user).toMatchObject({ id: made.body.user.id, role: 'admin', twoFactor: true })
    expect(payloadOf(strong.accessToken).role).toBe('admin')
    expect((await api('/users', { token: strong.accessToken })).status).toBe(200)
    expect((await api('/auth/me', { token: strong.accessToken })).body).toMatchObject({ role: 'admin' })
    const refreshed = await api('/auth/refresh', { body: { refreshToken: strong.refreshToken } })
    expect(payloadOf(refreshed.body.accessToken).role).toBe('admin')
    // The first passkey was the password's worth, and the password alone no longer signs in: refused now.
    const started = await api('/auth/passkeys/sign-in/options', { method: 'POST' })
    const weakAgain = await api('/auth/passkeys/sign-in', { body: { challengeId: started.body.challengeId, credential: device.get(started.body.options, byPassword) } })
    expect(weakAgain.status).toBe(401)
    expect(errorCode(weakAgain)).toBe('UNAUTHENTICATED')
    expect(weakAgain.body.error.message).toContain('before two-step sign-in was turned on')
  })

  test('customers are not asked', async () => {
    const email = uniqueEmail('required-customer')
    expect((await api('/auth/register', { body: { email, password: PASSWORD, name: 'Buyer' } })).status).toBe(201)
    const customer = await api('/auth/login', { body: { email, password: PASSWORD } })
    expect(customer.body.user.role).toBe('customer')
    expect(customer.body.user.roleNeedsTwoFactor).toBeUndefined()
  })
})
