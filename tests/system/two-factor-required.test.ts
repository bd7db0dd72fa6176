// Two-step sign-in required of a role (TWO_FACTOR_REQUIRED_ROLES=staff,admin): such an account without it
// signs in as a customer, told why (`roleNeedsTwoFactor`), sets it up, and from its next sign-in or
// refresh on has its role. Nobody is locked out (the first admin included), and a stolen password alone
// never holds the role.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, uniqueEmail } from '../support/api'
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

    // Set up with the customer's token (all it can do of note), then a refresh gives the role.
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: held.body.accessToken })
    const on = await api('/auth/two-factor/enable', { token: held.body.accessToken, body: { password: PASSWORD, code: totp(setup.body.secret) } })
    expect(on.status).toBe(200)
    expect(on.body.user).toMatchObject({ role: 'admin', twoFactor: true })
    expect(on.body.user.roleNeedsTwoFactor).toBeUndefined()
    const refreshed = await api('/auth/refresh', { body: { refreshToken: held.body.refreshToken } })
    expect(refreshed.status).toBe(200)
    expect(payloadOf(refreshed.body.accessToken).role).toBe('admin')
    expect((await api('/users', { token: refreshed.body.accessToken })).status).toBe(200)

    // Signing in now takes the code, and gives the role.
    expect((await api('/auth/login', { body: { email, password: PASSWORD } })).body.error.code).toBe('TWO_FACTOR_REQUIRED')
    const full = await api('/auth/login', { body: { email, password: PASSWORD, code: totp(setup.body.secret, 1) } })
    expect(full.body.user.role).toBe('admin')
    expect(payloadOf(full.body.accessToken).role).toBe('admin')
  })

  test('a passkey is two steps: an admin signing in with one has the role, also after a refresh; the password alone still does not', async () => {
    const email = uniqueEmail('required-passkey')
    const made = await api('/auth/register', { body: { email, password: PASSWORD, name: 'Passkey Admin' } })
    await authDb.collection('users').updateOne({ email }, { $set: { role: 'admin' } })
    const held = await api('/auth/login', { body: { email, password: PASSWORD } })
    expect(held.body.user.roleNeedsTwoFactor).toBe('admin')

    // Added with the customer's token, as the app is set up.
    const device = new PasskeyDevice(system().gatewayUrl.replace('127.0.0.1', 'localhost'))
    const options = await api('/auth/passkeys/options', { method: 'POST', token: held.body.accessToken })
    expect((await api('/auth/passkeys', { token: held.body.accessToken, body: { password: PASSWORD, credential: device.create(options.body.options) } })).status).toBe(201)
    const started = await api('/auth/passkeys/sign-in/options', { method: 'POST' })
    const byPasskey = await api('/auth/passkeys/sign-in', { body: { challengeId: started.body.challengeId, credential: device.get(started.body.options) } })
    expect(byPasskey.status).toBe(200)
    expect(byPasskey.body.user).toMatchObject({ id: made.body.user.id, role: 'admin', twoFactor: false })
    expect(byPasskey.body.user.roleNeedsTwoFactor).toBeUndefined()
    expect(payloadOf(byPasskey.body.accessToken).role).toBe('admin')
    expect((await api('/users', { token: byPasskey.body.accessToken })).status).toBe(200)
    expect((await api('/auth/me', { token: byPasskey.body.accessToken })).body).toMatchObject({ role: 'admin' })
    const refreshed = await api('/auth/refresh', { body: { refreshToken: byPasskey.body.refreshToken } })
    expect(payloadOf(refreshed.body.accessToken).role).toBe('admin')

    // The password session stays a customer's, refreshed or signed in again.
    expect(payloadOf((await api('/auth/refresh', { body: { refreshToken: held.body.refreshToken } })).body.accessToken).role).toBe('customer')
    expect((await api('/auth/login', { body: { email, password: PASSWORD } })).body.user.role).toBe('customer')
  })

  test('customers are not asked', async () => {
    const email = uniqueEmail('required-customer')
    expect((await api('/auth/register', { body: { email, password: PASSWORD, name: 'Buyer' } })).status).toBe(201)
    const customer = await api('/auth/login', { body: { email, password: PASSWORD } })
    expect(customer.body.user.role).toBe('customer')
    expect(customer.body.user.roleNeedsTwoFactor).toBeUndefined()
  })
})
