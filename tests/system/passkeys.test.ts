// Passkeys: an account adds one (with its password, and its code with two-step sign-in on), then signs
// in with it alone. Every challenge works once; an answer made for another site, another challenge, with
// another key, without its owner unlocking the device, or with its counter set back is refused and changes
// nothing; removing a passkey ends the sessions it began. The device is tests/support/passkey-device.ts,
// written from the WebAuthn specification, so the server's library is checked against it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, errorCode, eventually, loginAdmin, uniqueEmail } from '../support/api'
import { PasskeyDevice } from '../support/passkey-device'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'
import { totp } from '../support/totp'

let authDb: mongoose.Connection
beforeAll(async () => {
  authDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_auth` }).asPromise()
})
afterAll(async () => {
  await authDb?.close()
})

const PASSWORD = 'correct horse passkey'
/** Where auth expects the web app to be (PUBLIC_URL: the gateway, by name). */
const webOrigin = () => system().gatewayUrl.replace('127.0.0.1', 'localhost')
let addresses = 0

async function account(tag: string) {
  const email = uniqueEmail(tag)
  const r = await api('/auth/register', { body: { email, password: PASSWORD, name: `Test ${tag}` } })
  expect(r.status).toBe(201)
  return { email, id: r.body.user.id as string, token: r.body.accessToken as string, refreshToken: r.body.refreshToken as string }
}

/** The device's new passkey added to the account (201), with what the server said. */
async function added(a: { token: string }, device: PasskeyDevice, extra: Record<string, unknown> = {}) {
  const options = await api('/auth/passkeys/options', { method: 'POST', token: a.token })
  expect(options.status).toBe(200)
  const r = await api('/auth/passkeys', { token: a.token, body: { password: PASSWORD, credential: device.create(options.body.options), ...extra } })
  expect(r.status).toBe(201)
  return r.body
}

/** A sign-in straight to auth, from an address of its own (as the gateway forwards it). */
async function signIn(credentialOf: (options: any) => unknown, address = `198.18.12.${++addresses}`) {
  const started = await api('/auth/passkeys/sign-in/options', { method: 'POST' })
  expect(started.status).toBe(200)
  const r = await fetch(`${system().urls.auth}/api/auth/passkeys/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': address },
    body: JSON.stringify({ challengeId: started.body.challengeId, credential: credentialOf(started.body.options) }),
  })
  return { status: r.status, body: (await r.json()) as any, challengeId: started.body.challengeId as string, options: started.body.options }
}

const passkeysOf = async (a: { token: string }) => (await api('/auth/passkeys', { token: a.token })).body.items as any[]

describe('passkeys', () => {
  // The owner is emailed when one is added.
  const smtp = mailingThroughTestSmtp('auth')

  test('added with the password, then signing in with the passkey alone; each challenge works once', async () => {
    const a = await account('passkey')
    const device = new PasskeyDevice(webOrigin())
    const options = await api('/auth/passkeys/options', { method: 'POST', token: a.token })
    expect(options.status).toBe(200)
    expect(options.body.options).toMatchObject({
      rp: { id: 'localhost', name: 'EasyPass' },
      user: { id: Buffer.from(a.id, 'hex').toString('base64url'), name: a.email },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      attestation: 'none',
    })
    const credential = device.create(options.body.options)

    // A wrong password is refused before the challenge is spent: the same answer goes through with the right one.
    const wrong = await api('/auth/passkeys', { token: a.token, body: { password: 'not my password', credential } })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details.fields[0].path).toBe('password')
    expect(await passkeysOf(a)).toEqual([])
    const made = await api('/auth/passkeys', { token: a.token, body: { password: PASSWORD, name: '  Laptop  ', credential } })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ id: credential.id, name: 'Laptop', synced: true })
    const notice = await eventually('the email saying a passkey was added', async () => smtp.received.find((m) => m.to.includes(a.email)), 10_000, 100)
    const text = decodeMime(notice.data)
    // Its kind, never the name given (whoever added it chose that: a thief's "no action needed").
    expect(text).toContain('a passkey ("Synced passkey") was added to your EasyPass account')
    expect(text).not.toContain('Laptop')
    expect(text).toContain('/account')
    // The challenge is spent: the same answer again is refused.
    expect((await api('/auth/passkeys', { token: a.token, body: { password: PASSWORD, credential } })).status).toBe(409)
    expect((await passkeysOf(a)).map((p) => p.id)).toEqual([credential.id])

    // The next options name it, so the device does not make it twice.
    const again = await api('/auth/passkeys/options', { method: 'POST', token: a.token })
    expect(again.body.options.excludeCredentials.map((c: any) => c.id)).toEqual([credential.id])

    const signedIn = await signIn((o) => device.get(o))
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user).toMatchObject({ id: a.id, email: a.email, role: 'customer' })
    expect((await api('/auth/me', { token: signedIn.body.accessToken })).body.id).toBe(a.id)
    const refreshed = await api('/auth/refresh', { body: { refreshToken: signedIn.body.refreshToken } })
    expect(refreshed.status).toBe(200)
    expect((await passkeysOf(a))[0].lastUsedAt).toBeString()

    // A challenge works once: the same answer again, and two answers to one challenge at once, sign in once.
    const replay = await fetch(`${system().urls.auth}/api/auth/passkeys/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ challengeId: signedIn.challengeId, credential: device.get(signedIn.options) }),
    })
    expect(replay.status).toBe(400)
    const started = await api('/auth/passkeys/sign-in/options', { method: 'POST' })
    const both = await Promise.all(
      [0, 1].map(() => api('/auth/passkeys/sign-in', { body: { challengeId: started.body.challengeId, credential: device.get(started.body.options) } })),
    )
    expect(both.map((r) => r.status).sort()).toEqual([200, 400])
    expect(errorCode(both.find((r) => r.status === 400)!)).toBe('VALIDATION')
  })

  test('an answer for another site, another challenge, another key, or without the owner unlocking the device is refused and changes nothing', async () => {
    const a = await account('passkey-refusals')
    const device = new PasskeyDevice(webOrigin(), true)
    for (const spoil of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { challenge: 'bm90IHRoZSBjaGFsbGVuZ2U' }, { unverified: true }]) {
      const options = await api('/auth/passkeys/options', { method: 'POST', token: a.token })
      const r = await api('/auth/passkeys', { token: a.token, body: { password: PASSWORD, credential: device.create(options.body.options, spoil) } })
      expect(r.status).toBe(400)
      expect(r.body.error.details.fields[0].path).toBe('credential')
    }
    expect(await passkeysOf(a)).toEqual([])

    const key = await added(a, device)
    const ours = device.kept.length - 1
    expect(key).toMatchObject({ name: 'Security key', synced: false })
    const before = (await passkeysOf(a))[0]
    for (const spoil of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { challenge: 'bm90IHRoZSBjaGFsbGVuZ2U' }, { unverified: true }, { wrongKey: true }]) {
      const r = await signIn((o) => device.get(o, ours, spoil))
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('UNAUTHENTICATED')
      expect(r.body.error.details.reason).toBe('refused')
    }
    expect((await passkeysOf(a))[0]).toEqual(before)

    // A security key counts its signatures: one set back (a copy of the key) is refused, and so is a passkey nobody added.
    expect((await signIn((o) => device.get(o, ours))).status).toBe(200)
    const counted = (await passkeysOf(a))[0]
    const copied = await signIn((o) => device.get(o, ours, { counter: 1 }))
    expect(copied.status).toBe(401)
    expect(copied.body.error.message).toContain('counter')
    expect((await passkeysOf(a))[0]).toEqual(counted)
    // A copy signing with the same counter value at the same instant as the key: one of them signs in.
    const next = device.kept[ours]!.counter + 1
    const both = await Promise.all([0, 1].map(() => signIn((o) => device.get(o, ours, { counter: next }))))
    expect(both.map((r) => r.status).sort()).toEqual([200, 401])
    const stranger = new PasskeyDevice(webOrigin())
    stranger.create({ rp: { id: 'localhost' }, user: { id: 'AAAA' }, challenge: 'AAAA' })
    const unknown = await signIn((o) => stranger.get(o))
    expect(unknown.status).toBe(401)
    expect(unknown.body.error.details.reason).toBe('unknown')

    // Malformed bodies: the contract's 400, nothing spent.
    const started = await api('/auth/passkeys/sign-in/options', { method: 'POST' })
    const answer = () => device.get(started.body.options, ours)
    for (const body of [{ challengeId: started.body.challengeId }, { challengeId: started.body.challengeId, credential: { ...answer(), type: 'password' } }, { challengeId: started.body.challengeId, credential: answer(), email: a.email }]) {
      const r = await api('/auth/passkeys/sign-in', { body })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    expect((await api('/auth/passkeys/sign-in', { body: { challengeId: started.body.challengeId, credential: answer() } })).status).toBe(200)
    expect((await api('/auth/passkeys/sign-in', { body: { challengeId: 'not-a-challenge', credential: answer() } })).status).toBe(400)
  })

  test('removing a passkey ends the sessions it began, and only those; a closed account takes its passkeys along', async () => {
    const a = await account('passkey-remove')
    const device = new PasskeyDevice(webOrigin())
    const kept = await added(a, device, { name: 'Phone' })
    const lost = await added(a, device, { name: 'Old phone' })
    expect((await passkeysOf(a)).map((p) => p.name)).toEqual(['Phone', 'Old phone'])
    const byLost = await signIn((o) => device.get(o, 1))
    const byKept = await signIn((o) => device.get(o, 0))
    expect([byLost.status, byKept.status]).toEqual([200, 200])

    const other = await account('passkey-other')
    expect((await api(`/auth/passkeys/${lost.id}`, { method: 'DELETE', token: other.token })).status).toBe(404)
    expect((await api(`/auth/passkeys/${lost.id}`, { method: 'DELETE', token: a.token })).status).toBe(204)
    expect((await api(`/auth/passkeys/${lost.id}`, { method: 'DELETE', token: a.token })).status).toBe(404)
    expect((await passkeysOf(a)).map((p) => p.id)).toEqual([kept.id])

    expect((await api('/auth/refresh', { body: { refreshToken: byLost.body.refreshToken } })).status).toBe(401)
    expect((await api('/auth/refresh', { body: { refreshToken: byKept.body.refreshToken } })).status).toBe(200)
    expect((await api('/auth/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(200)
    expect((await signIn((o) => device.get(o, 1))).status).toBe(401)
    // A removal that stopped after the passkey went (before its sessions were ended): the next refresh ends them.
    const third = await added(a, device, { name: 'Tablet' })
    const byThird = await signIn((o) => device.get(o, 2))
    await authDb.collection('passkeys').deleteOne({ _id: third.id } as never)
    expect((await api('/auth/refresh', { body: { refreshToken: byThird.body.refreshToken } })).status).toBe(401)

    const closed = await api('/auth/me/close', { token: a.token, body: { password: PASSWORD } })
    expect(closed.status).toBe(200)
    expect(await authDb.collection('passkeys').countDocuments({ userId: a.id })).toBe(0)
    const gone = await signIn((o) => device.get(o, 0))
    expect(gone.status).toBe(401)
  })

  test('its owner renames it; an admin removes every passkey of someone else, ending their sessions, never their own', async () => {
    const a = await account('passkey-admin-removes')
    const device = new PasskeyDevice(webOrigin())
    const first = await added(a, device)
    await added(a, device, { name: 'Phone' })
    const renamed = await api(`/auth/passkeys/${first.id}`, { method: 'PATCH', token: a.token, body: { name: '  Work laptop ' } })
    expect(renamed.status).toBe(200)
    expect(renamed.body).toMatchObject({ id: first.id, name: 'Work laptop' })
    for (const body of [{ name: '   ' }, { name: 'x'.repeat(61) }, { name: 'Fine', counter: 0 }]) expect((await api(`/auth/passkeys/${first.id}`, { method: 'PATCH', token: a.token, body })).status).toBe(400)
    const other = await account('passkey-admin-other')
    expect((await api(`/auth/passkeys/${first.id}`, { method: 'PATCH', token: other.token, body: { name: 'Mine now' } })).status).toBe(404)
    expect((await passkeysOf(a)).map((p) => p.name)).toEqual(['Work laptop', 'Phone'])

    const byPasskey = await signIn((o) => device.get(o, 0))
    const admin = await loginAdmin()
    const listed = await api(`/users?ids=${a.id},${other.id}`, { token: admin.token })
    expect(Object.fromEntries(listed.body.items.map((u: { id: string; passkeys: number }) => [u.id, u.passkeys]))).toEqual({ [a.id]: 2, [other.id]: 0 })
    // Only admins; never their own; an unknown account is 404.
    expect((await api(`/users/${a.id}/passkeys`, { method: 'DELETE', token: other.token })).status).toBe(403)
    expect((await api(`/users/${admin.user.id}/passkeys`, { method: 'DELETE', token: admin.token })).status).toBe(403)
    expect((await api('/users/0123456789abcdef01234567/passkeys', { method: 'DELETE', token: admin.token })).status).toBe(404)
    const removed = await api(`/users/${a.id}/passkeys`, { method: 'DELETE', token: admin.token })
    expect(removed.status).toBe(200)
    expect(removed.body).toEqual({ removed: 2 })
    expect(await passkeysOf(a)).toEqual([])
    // The owner hears of it.
    await eventually('the email saying the passkeys were removed', async () => smtp.received.some((m) => m.to.includes(a.email) && decodeMime(m.data).includes('an EasyPass admin removed the 2 passkeys of your account')), 10_000, 100)
    expect((await api('/auth/refresh', { body: { refreshToken: byPasskey.body.refreshToken } })).status).toBe(401)
    expect((await api('/auth/refresh', { body: { refreshToken: a.refreshToken } })).status).toBe(200)
    expect((await signIn((o) => device.get(o, 1))).status).toBe(401)
    expect((await api(`/users/${a.id}/passkeys`, { method: 'DELETE', token: admin.token })).body).toEqual({ removed: 0 })
  })

  test('with two-step sign-in on, adding one takes a code; signing in with it does not', async () => {
    const a = await account('passkey-2fa')
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: a.token })
    expect((await api('/auth/two-factor/enable', { token: a.token, body: { password: PASSWORD, code: totp(setup.body.secret) } })).status).toBe(200)
    // The owner hears of it (whoever turned it on had the password).
    const told = await eventually('the email saying two-step sign-in was turned on', async () => smtp.received.find((m) => m.to.includes(a.email) && decodeMime(m.data).includes('two-step sign-in was turned on for your EasyPass account')), 10_000, 100)
    expect(decodeMime(told.data)).toContain('every device that was signed in was signed out')
    const device = new PasskeyDevice(webOrigin())
    const options = await api('/auth/passkeys/options', { method: 'POST', token: a.token })
    const credential = device.create(options.body.options)
    for (const code of [undefined, '000000']) {
      const r = await api('/auth/passkeys', { token: a.token, body: { password: PASSWORD, credential, ...(code ? { code } : {}) } })
      expect(r.status).toBe(400)
      expect(r.body.error.details.fields[0].path).toBe('code')
    }
    expect((await api('/auth/passkeys', { token: a.token, body: { password: PASSWORD, code: totp(setup.body.secret, 1), credential } })).status).toBe(201)
    const r = await signIn((o) => device.get(o))
    expect(r.status).toBe(200)
    expect(r.body.user).toMatchObject({ id: a.id, twoFactor: true })
  })

  test('one added with the password alone stops signing in once that password is changed (a thief who phished it is shut out); one added after works', async () => {
    const a = await account('passkey-new-password')
    const device = new PasskeyDevice(webOrigin())
    await added(a, device)
    expect((await signIn((o) => device.get(o, 0))).status).toBe(200)
    const changed = await api('/auth/password', { token: a.token, body: { currentPassword: PASSWORD, newPassword: `${PASSWORD} anew` } })
    expect(changed.status).toBe(200)
    const refused = await signIn((o) => device.get(o, 0))
    expect(refused.status).toBe(401)
    expect(refused.body.error.message).toContain('a password that has been changed since')
    // Added again with the new password: it signs in.
    const options = await api('/auth/passkeys/options', { method: 'POST', token: changed.body.accessToken })
    const again = await api('/auth/passkeys', { token: changed.body.accessToken, body: { password: `${PASSWORD} anew`, credential: device.create(options.body.options) } })
    expect(again.status).toBe(201)
    const signedIn = await signIn((o) => device.get(o, 1))
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.id).toBe(a.id)
  })

  test('one added with the password alone stays refused once two-step sign-in was turned on, also after it is turned off again', async () => {
    const a = await account('passkey-2fa-off')
    const device = new PasskeyDevice(webOrigin())
    await added(a, device)
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: a.token })
    expect((await api('/auth/two-factor/enable', { token: a.token, body: { password: PASSWORD, code: totp(setup.body.secret) } })).status).toBe(200)
    // (As an account turned on before `twoFactorOnAt` was kept: turning it off takes the setup's own date.)
    await authDb.collection('users').updateOne({ _id: new mongoose.Types.ObjectId(a.id) } as never, { $unset: { twoFactorOnAt: '' } })
    // Off again (say the phone was lost): the passkey a thief may have added with the password does not come back.
    expect((await api('/auth/two-factor/disable', { token: a.token, body: { password: PASSWORD, code: totp(setup.body.secret, 1) } })).status).toBe(200)
    const refused = await signIn((o) => device.get(o, 0))
    expect(refused.status).toBe(401)
    expect(refused.body.error.message).toContain('before two-step sign-in was turned on (it is off again now)')
    // Added again now, with the password: it signs in.
    const fresh = await api('/auth/login', { body: { email: a.email, password: PASSWORD } })
    expect(fresh.status).toBe(200)
    await added({ token: fresh.body.accessToken }, device)
    expect((await signIn((o) => device.get(o, 1))).status).toBe(200)
  })

  test('a guest, who has no password, cannot add one', async () => {
    const guest = await api('/auth/guest', { body: { email: uniqueEmail('passkey-guest'), name: 'Guest' } })
    expect(guest.status).toBe(201)
    const r = await api('/auth/passkeys/options', { method: 'POST', token: guest.body.accessToken })
    expect(r.status).toBe(409)
    expect((await api('/auth/passkeys/options', { method: 'POST' })).status).toBe(401)
  })
})
