// Rotating the keys that sign tokens, as an operator does it on a running system, with no call or sign-in
// refused: every process first takes the old key and the new one (auth's key: two PEM blocks in
// JWT_PUBLIC_KEY; a service's: its name twice in SERVICE_PUBLIC_KEYS), the signers switch to the new key
// (auth given the one it replaces as JWT_PREVIOUS_PRIVATE_KEY, so the authenticator secrets it sealed
// still open and are sealed again under the new one), then the old keys go. Real processes, restarted
// with those settings; afterwards the run's own keys come back (and the secrets are sealed back under them).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createPublicKey, generateKeyPairSync, verify as verifySignature } from 'node:crypto'
import mongoose from 'mongoose'
import { sealer } from '@easypass/kit'
import { api, futureEvent, loginAdmin, registerUser, TEST_CARD, uniqueEmail, type Session } from '../support/api'
import { restart, system } from '../support/system'
import { totp } from '../support/totp'

const PASSWORD = 'correct horse rotation'
/** Every process but the web server verifies tokens; the signers (auth, orders and its worker) start last. */
const VERIFIERS = ['gateway', 'catalog', 'ticketing', 'ticketing-worker', 'payments', 'notifications', 'notifications-worker']
const SIGNERS = ['auth', 'orders', 'orders-worker']

const pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}
const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64')

const users = pair()
const orders = pair()
let authDb: mongoose.Connection
let sale: { eventId: string; typeId: string }
let buyer: Session
let secured: { email: string; secret: string; sealed: string }
/** The time steps whose codes were used: each works once. */
const usedSteps = new Set<number>()

/** A code of a time step not used yet. */
function freshCode(secret: string): string {
  const now = Math.floor(Date.now() / 30_000)
  const offset = [0, 1, -1].find((o) => !usedSteps.has(now + o))!
  usedSteps.add(now + offset)
  return totp(secret, offset)
}

/** Straight to auth, from an address of its own: the gateway's sign-in limits are not what is tested. */
async function signIn(email: string, code?: string) {
  const r = await fetch(`${system().urls.auth}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': '198.18.77.1' },
    body: JSON.stringify({ email, password: PASSWORD, ...(code ? { code } : {}) }),
  })
  return { status: r.status, body: (await r.json()) as { accessToken: string } }
}

/** Whether an access token was signed with this public key (auth's signature checked here, by hand). */
function signedWith(token: string, publicPem: string) {
  const [header, payload, signature] = token.split('.') as [string, string, string]
  return verifySignature(null, Buffer.from(`${header}.${payload}`), createPublicKey(publicPem), Buffer.from(signature, 'base64url'))
}

const storedSecret = async (email: string) =>
  ((await authDb.collection('users').findOne({ email }, { projection: { twoFactor: 1 } })) as { twoFactor?: { secret?: string } } | null)?.twoFactor?.secret

async function buy(session: Session) {
  return api('/orders', { token: session.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.typeId, quantity: 1 }], payment: { card: TEST_CARD } } })
}

beforeAll(async () => {
  authDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_auth` }).asPromise()
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Rotation ${Math.random().toString(36).slice(2, 6)}` }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 2500, currency: 'EUR', capacity: 50, maxPerOrder: 4 } })
  expect(type.status).toBe(201)
  sale = { eventId: event.body.id, typeId: type.body.id }
  buyer = await registerUser('rotation')
  // An account with two-step sign-in on, its secret sealed under the run's own key.
  const email = uniqueEmail('rotation-2fa')
  const registered = await api('/auth/register', { body: { email, password: PASSWORD, name: 'Two steps' } })
  const setup = await api('/auth/two-factor/setup', { method: 'POST', token: registered.body.accessToken })
  const secret = setup.body.secret as string
  expect((await api('/auth/two-factor/enable', { token: registered.body.accessToken, body: { password: PASSWORD, code: freshCode(secret) } })).status).toBe(200)
  secured = { email, secret, sealed: (await storedSecret(email))! }
  expect(secured.sealed).toMatch(/^v1\./)
}, 30_000)

afterAll(async () => {
  // The run's own keys back; auth first given the rotation's key as the previous one, so the secrets it
  // resealed (every account's, not only this file's) are sealed back under the run's key before it goes.
  const underRunKey = sealer(system().env.JWT_PRIVATE_KEY!, 'authenticator secrets v1')
  const opensUnderRunKey = async () => {
    try {
      return underRunKey.open((await storedSecret(secured.email))!) === secured.secret
    } catch {
      return false
    }
  }
  try {
    await restart(VERIFIERS)
    await restart(['auth'], () => ({ JWT_PREVIOUS_PRIVATE_KEY: users.privatePem }))
    for (let i = 0; i < 150 && !(await opensUnderRunKey()); i++) await Bun.sleep(200)
    expect(await opensUnderRunKey()).toBe(true)
  } finally {
    await restart(SIGNERS)
    await authDb.close()
  }
}, 120_000)

describe('rotating the signing keys', () => {
  test('while both keys are listed, the old tokens and the new ones count; sign-ins and purchases go on; the authenticator secrets are resealed', async () => {
    const run = system().env
    const bothUsers = `${run.JWT_PUBLIC_KEY}\n${users.publicPem}`
    const bothServices = `${run.SERVICE_PUBLIC_KEYS}\norders:${spki(orders.privatePem)}`
    // Step 1: every verifier takes both keys (the signers still sign with the old ones).
    await restart(VERIFIERS, () => ({ JWT_PUBLIC_KEY: bothUsers, SERVICE_PUBLIC_KEYS: bothServices }))
    expect((await buy(buyer)).body.status).toBe('paid')
    // Step 2: the signers switch: auth to its new key (the old one given as previous), orders to its new key.
    await restart(SIGNERS, (name) => ({
      JWT_PUBLIC_KEY: bothUsers,
      SERVICE_PUBLIC_KEYS: bothServices,
      ...(name === 'auth' ? { JWT_PRIVATE_KEY: users.privatePem, JWT_PREVIOUS_PRIVATE_KEY: run.JWT_PRIVATE_KEY! } : { SERVICE_KEY_ORDERS: orders.privatePem }),
    }))

    // A token auth signed before the switch still counts, everywhere.
    expect((await api('/auth/me', { token: buyer.token })).status).toBe(200)
    expect((await api('/orders', { token: buyer.token })).status).toBe(200)
    // New sign-ins (this one with its authenticator code: the secret sealed under the old key opens) get tokens of the new key, which count too.
    const signedIn = await signIn(secured.email, freshCode(secured.secret))
    expect(signedIn.status).toBe(200)
    expect(signedWith(signedIn.body.accessToken, users.publicPem)).toBe(true)
    expect(signedWith(signedIn.body.accessToken, run.JWT_PUBLIC_KEY!)).toBe(false)
    expect((await api('/auth/me', { token: signedIn.body.accessToken })).body.email).toBe(secured.email)
    // Orders signs its calls with its new key: ticketing and payments take them, a purchase is paid.
    const bought = await buy(buyer)
    expect(bought.status).toBe(201)
    expect(bought.body.status).toBe('paid')
    // The authenticator secret was sealed again, under the new key.
    for (let i = 0; i < 150 && (await storedSecret(secured.email)) === secured.sealed; i++) await Bun.sleep(200)
    expect(await storedSecret(secured.email)).not.toBe(secured.sealed)
  }, 120_000)

  test('once the old keys are gone, their tokens count no more, and everything else works under the new ones alone', async () => {
    const run = system().env
    const onlyNew = (name: string) => ({
      JWT_PUBLIC_KEY: users.publicPem,
      SERVICE_PUBLIC_KEYS: `${run.SERVICE_PUBLIC_KEYS!.split('\n').filter((line) => !line.startsWith('orders:')).join('\n')}\norders:${spki(orders.privatePem)}`,
      ...(name === 'auth' ? { JWT_PRIVATE_KEY: users.privatePem } : name.startsWith('orders') ? { SERVICE_KEY_ORDERS: orders.privatePem } : {}),
    })
    await restart([...VERIFIERS, ...SIGNERS], onlyNew)
    // A token of the old key (it would have expired by now: a rotation waits out the 15 minutes) is nobody.
    expect((await api('/auth/me', { token: buyer.token })).status).toBe(401)
    // The authenticator secret opens under the new key alone: it was resealed, not lost.
    const signedIn = await signIn(secured.email, freshCode(secured.secret))
    expect(signedIn.status).toBe(200)
    const session = { ...buyer, token: signedIn.body.accessToken }
    expect((await buy(session)).body.status).toBe('paid')
  }, 120_000)
})
