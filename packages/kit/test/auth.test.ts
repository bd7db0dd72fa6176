import { expect, test } from 'bun:test'
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { Elysia } from 'elysia'
import { jwt } from '@elysiajs/jwt'
import { authPlugin, isWithdrawn, rolesAbove, serviceOf, servicePublicKeys, serviceTokens, tokenSigner, tokenVerifier, type ServiceCaller } from '../src'

function keys() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return { JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(), JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), JWT_ISSUER: 'easypass' }
}
const a = keys()
const b = keys()
/** What every process but auth holds: the public key, and for services the services' public keys. */
const verifierOf = (config: { JWT_PUBLIC_KEY: string; JWT_ISSUER: string; SERVICE_PUBLIC_KEYS?: string }) => tokenVerifier(config)

test('a verified token is trusted again only under the key and issuer that proved it', async () => {
  const before = Math.floor(Date.now() / 1000)
  const token = await tokenSigner(a).signAccess({ id: 'u1', role: 'customer', email: 'u1@example.test' })
  const principal = (await verifierOf(a).verify(token))!
  expect(principal).toEqual({ id: 'u1', role: 'customer', email: 'u1@example.test', issuedAt: expect.any(Number) })
  // With the second it was signed in, which the gateway compares with a demotion's.
  expect(principal.issuedAt! - before).toBeWithin(0, 2)
  // Remembered under a: the same string is still refused under another key or issuer.
  expect(await verifierOf(a).verify(token)).toEqual(principal)
  expect(await verifierOf(b).verify(token)).toBeNull()
  expect(await verifierOf({ ...a, JWT_ISSUER: 'other' }).verify(token)).toBeNull()
})

test('an expired token is refused even after it was verified once', async () => {
  const token = await tokenSigner(a).signAccess({ id: 'u2', role: 'customer' }, 2)
  expect(await verifierOf(a).verify(token)).not.toBeNull()
  await Bun.sleep(3100)
  expect(await verifierOf(a).verify(token)).toBeNull()
})

/** Each service's own key pair, and SERVICE_PUBLIC_KEYS listing them (`name:base64 SPKI`). */
function serviceKeys(...names: ServiceCaller[]) {
  const pairs = Object.fromEntries(names.map((name) => [name, generateKeyPairSync('ed25519')]))
  const key = (name: string) => pairs[name]!.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const listed = names.map((name) => `${name}:${pairs[name]!.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`).join('\n')
  return { key, listed }
}
const s = serviceKeys('catalog', 'orders')
/** What a called service holds: the users' public key and every service's public key. */
const called = { ...a, SERVICE_PUBLIC_KEYS: s.listed }
const tokenOf = (name: ServiceCaller, keys = s) => serviceTokens({ SERVICE_KEY: keys.key(name), SERVICE_PUBLIC_KEYS: keys.listed, JWT_ISSUER: 'easypass' }, name)()
const in10Minutes = () => Math.floor(Date.now() / 1000) + 600
const signerWith = (pem: string, kid?: string) => jwt({ name: 'jwt', secret: createPrivateKey(pem) as never, iss: 'easypass', alg: 'EdDSA', ...(kid ? { kid } : {}) }).decorator.jwt

test("each key makes one kind of token: a service's key only that service's, the users' key never a service", async () => {
  const orders = await tokenOf('orders')
  expect(await verifierOf(called).verify(orders)).toEqual({ id: 'service:orders', role: 'service', email: undefined, issuedAt: expect.any(Number) })
  expect(serviceOf((await verifierOf(called).verify(orders))!)).toBe('orders')
  // Without the services' keys (the gateway, auth) a service token is nobody.
  expect(await verifierOf(a).verify(orders)).toBeNull()
  // Catalog's key claiming to be orders (its kid, its sub): refused.
  expect(await verifierOf(called).verify(await signerWith(s.key('catalog'), 'orders').sign({ sub: 'service:orders', role: 'service', typ: 'access', exp: in10Minutes() }))).toBeNull()
  // Its own kid but another's subject: refused.
  expect(await verifierOf(called).verify(await signerWith(s.key('catalog'), 'catalog').sign({ sub: 'service:orders', role: 'service', typ: 'access', exp: in10Minutes() }))).toBeNull()
  // A service's key making an admin, as itself or as a user's token (no kid): refused.
  for (const kid of ['catalog', undefined]) expect(await verifierOf(called).verify(await signerWith(s.key('catalog'), kid).sign({ sub: 'u3', role: 'admin', typ: 'access', exp: in10Minutes() }))).toBeNull()
  // A key the system does not list, under a listed name: refused.
  expect(await verifierOf(called).verify(await tokenOf('orders', serviceKeys('orders')))).toBeNull()
  // The old HS256 service tokens (one shared secret), and the public key used as an HMAC secret: refused.
  for (const secret of ['s'.repeat(40), a.JWT_PUBLIC_KEY]) {
    const hmac = jwt({ name: 'jwt', secret, iss: 'easypass', alg: 'HS256' }).decorator.jwt
    expect(await verifierOf(called).verify(await hmac.sign({ sub: 'service:orders', role: 'service', typ: 'access', exp: in10Minutes() }))).toBeNull()
    expect(await verifierOf(called).verify(await hmac.sign({ sub: 'u4', role: 'admin', typ: 'access', exp: in10Minutes() }))).toBeNull()
  }
  // Auth's signer makes no service tokens.
  expect(() => tokenSigner(a).signAccess({ id: 'x', role: 'service' as never })).toThrow()
})

test("a token's header only picks the key: unknown, empty or odd names, and the users' key under a service's name, are nobody", async () => {
  const claims = { sub: 'service:orders', role: 'service', typ: 'access', exp: in10Minutes() }
  for (const kid of ['__proto__', 'constructor', 'toString', 'payments', 'Orders', 'orders ']) {
    expect({ kid, principal: await verifierOf(called).verify(await signerWith(s.key('orders'), kid).sign(claims)) }).toEqual({ kid, principal: null })
  }
  // An empty kid is a header without one: the users' key, which vouches for no service.
  const emptyKid = jwt({ name: 'jwt', secret: createPrivateKey(s.key('orders')) as never, iss: 'easypass', alg: 'EdDSA', kid: '' }).decorator.jwt
  expect(await verifierOf(called).verify(await emptyKid.sign(claims))).toBeNull()
  // Auth's key with a service's name: no service's key proves it.
  expect(await verifierOf(called).verify(await signerWith(a.JWT_PRIVATE_KEY, 'orders').sign(claims))).toBeNull()
  expect(await verifierOf(called).verify(await signerWith(a.JWT_PRIVATE_KEY, 'orders').sign({ ...claims, sub: 'u6', role: 'admin' }))).toBeNull()
})

test('a service token proven under one list of keys is not taken under another that lists another key for the service', async () => {
  const token = await tokenOf('orders')
  expect(await verifierOf(called).verify(token)).not.toBeNull()
  const rotated = serviceKeys('catalog', 'orders')
  expect(await verifierOf({ ...a, SERVICE_PUBLIC_KEYS: rotated.listed }).verify(token)).toBeNull()
  expect(await verifierOf(called).verify(token)).not.toBeNull()
})

test("a service's keys given wrong stop the process: its own key not the one listed, and a malformed list", () => {
  const other = serviceKeys('orders')
  expect(() => serviceTokens({ SERVICE_KEY: other.key('orders'), SERVICE_PUBLIC_KEYS: s.listed, JWT_ISSUER: 'easypass' }, 'orders')).toThrow('is not the key')
  expect(() => serviceTokens({ SERVICE_KEY: s.key('catalog'), SERVICE_PUBLIC_KEYS: s.listed, JWT_ISSUER: 'easypass' }, 'ticketing')).toThrow('no key for ticketing')
  expect(() => serviceTokens({ JWT_ISSUER: 'easypass' }, 'orders')).toThrow('SERVICE_KEY is required')
  expect(() => serviceTokens({ SERVICE_KEY: a.JWT_PUBLIC_KEY, JWT_ISSUER: 'easypass' }, 'orders')).toThrow()
  const pub = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64')
  const der = pub(a.JWT_PUBLIC_KEY)
  expect(servicePublicKeys(`catalog:${der}`).size).toBe(1)
  // One key under two names would let either service's token pass for the other's.
  expect(() => servicePublicKeys(`catalog:${der}, orders:${der}`)).toThrow("orders's key is catalog's too")
  // Auth's key listed for a service: refused where both are read.
  expect(() => tokenVerifier({ ...a, SERVICE_PUBLIC_KEYS: `orders:${der}` })).toThrow("JWT_PUBLIC_KEY's")
  expect(() => servicePublicKeys(`payments:${der}`)).toThrow('no service that calls others')
  expect(() => servicePublicKeys(`orders:${der} orders:${der}`)).toThrow('the same key is given twice')
  expect(() => servicePublicKeys(`orders=${der}`)).toThrow('name:base64-key')
  const privateDer = createPrivateKey(a.JWT_PRIVATE_KEY).export({ type: 'pkcs8', format: 'der' }).toString('base64')
  expect(() => servicePublicKeys(`orders:${privateDer}`)).toThrow('not a public key')
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
  expect(() => servicePublicKeys(`orders:${rsa}`)).toThrow('Ed25519')
})

test('an internal route answers the services named for it only; a service reads the public routes named for it and never writes', async () => {
  const app = new Elysia()
    .use(authPlugin(called))
    .get('/internal/refund-ish', () => 'ok', { auth: { services: ['orders'] } })
    .get('/public', () => 'read', { auth: { public: 'optional', readBy: ['catalog'] } })
    .post('/public', () => 'written', { auth: { public: 'user', readBy: ['catalog'] } })
    .get('/others', () => 'read', { auth: 'optional' })
    .get('/admin', () => 'admin', { auth: 'admin' })
  const call = async (path: string, token: string, method = 'GET') => (await app.handle(new Request(`http://localhost${path}`, { method, headers: { authorization: `Bearer ${token}` } }))).status
  const [orders, catalog, user] = await Promise.all([tokenOf('orders'), tokenOf('catalog'), tokenSigner(a).signAccess({ id: 'u5', role: 'admin' })])
  expect(await call('/internal/refund-ish', orders)).toBe(200)
  expect(await call('/internal/refund-ish', catalog)).toBe(403)
  expect(await call('/internal/refund-ish', user)).toBe(403)
  expect(await call('/internal/refund-ish', 'nonsense')).toBe(401)
  expect(await call('/public', catalog)).toBe(200)
  expect(await call('/public', orders)).toBe(403)
  expect(await call('/public', catalog, 'POST')).toBe(403)
  expect(await call('/public', user, 'POST')).toBe(200)
  expect(await call('/others', catalog)).toBe(403)
  expect(await call('/others', user)).toBe(200)
  expect((await app.handle(new Request('http://localhost/public'))).status).toBe(200)
  expect(await call('/admin', orders)).toBe(403)
  expect(await call('/admin', user)).toBe(200)
})

test('the users key vouches for customers and admins only, and a key given in the wrong place stops the process', async () => {
  // Signed with auth's own key but claiming to be a service: no.
  const eddsa = jwt({ name: 'jwt', secret: createPrivateKey(a.JWT_PRIVATE_KEY) as never, iss: 'easypass', alg: 'EdDSA' }).decorator.jwt
  expect(await verifierOf(a).verify(await eddsa.sign({ sub: 'service:x', role: 'service', typ: 'access', exp: Math.floor(Date.now() / 1000) + 600 }))).toBeNull()
  // The private key handed out as the public one would spread the signing key to every process.
  expect(() => tokenVerifier({ JWT_PUBLIC_KEY: a.JWT_PRIVATE_KEY, JWT_ISSUER: 'easypass' })).toThrow('private key')
  // Auth with a private key that does not belong to the public key would sign tokens nobody accepts.
  expect(() => tokenSigner({ ...a, JWT_PRIVATE_KEY: b.JWT_PRIVATE_KEY })).toThrow('does not belong')
})

test('a role change withdraws the roles above the new one, up to its second, and only those', async () => {
  expect(rolesAbove('customer')).toEqual(['staff', 'admin'])
  expect(rolesAbove('staff')).toEqual(['admin'])
  expect(rolesAbove('admin')).toEqual([])
  const staff = (await verifierOf(a).verify(await tokenSigner(a).signAccess({ id: 'u9', role: 'staff' })))!
  expect(staff.role).toBe('staff')
  const at = staff.issuedAt!
  // Withdrawn in the second it was signed (a demotion racing the signature), or later: refused.
  expect(isWithdrawn(staff, String(at))).toBe(true)
  expect(isWithdrawn(staff, String(at + 60))).toBe(true)
  // Signed after the withdrawal, or never withdrawn: taken.
  expect(isWithdrawn(staff, String(at - 1))).toBe(false)
  expect(isWithdrawn(staff, null)).toBe(false)
})

test('a rotation refuses no token: a name listed with its old and new key takes tokens of either, and nothing once the old key is gone', async () => {
  const spki = (pem: string) => createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64')
  const renewed = serviceKeys('orders')
  const both = `${s.listed}\norders:${spki(renewed.key('orders'))}`
  const during = { ...a, JWT_PUBLIC_KEY: `${a.JWT_PUBLIC_KEY}\n${b.JWT_PUBLIC_KEY}`, SERVICE_PUBLIC_KEYS: both }
  // Services: the old key's tokens and the new one's are both orders; the signer may hold either.
  const oldToken = await tokenOf('orders')
  const newToken = await serviceTokens({ SERVICE_KEY: renewed.key('orders'), SERVICE_PUBLIC_KEYS: both, JWT_ISSUER: 'easypass' }, 'orders')()
  expect(serviceOf(await verifierOf(during).verify(oldToken))).toBe('orders')
  expect(serviceOf(await verifierOf(during).verify(newToken))).toBe('orders')
  // Catalog's key under orders' name is still nobody, two keys or not.
  expect(await verifierOf(during).verify(await signerWith(s.key('catalog'), 'orders').sign({ sub: 'service:orders', role: 'service', typ: 'access', exp: in10Minutes() }))).toBeNull()
  // Users: tokens of auth's old key and of its new one.
  const before = await tokenSigner(a).signAccess({ id: 'u7', role: 'customer' })
  const after = await tokenSigner({ ...during, JWT_PRIVATE_KEY: b.JWT_PRIVATE_KEY }).signAccess({ id: 'u8', role: 'admin' })
  expect((await verifierOf(during).verify(before))?.id).toBe('u7')
  expect((await verifierOf(during).verify(after))?.role).toBe('admin')
  // Done: the old keys listed no more, their tokens are nobody; the new ones' still count.
  const done = { ...b, SERVICE_PUBLIC_KEYS: `catalog:${spki(s.key('catalog'))}\norders:${spki(renewed.key('orders'))}` }
  expect(await verifierOf(done).verify(oldToken)).toBeNull()
  expect(await verifierOf(done).verify(before)).toBeNull()
  expect(serviceOf(await verifierOf(done).verify(newToken))).toBe('orders')
  expect((await verifierOf(done).verify(after))?.id).toBe('u8')
  // Two keys at most, each once; a signer's key must be one of those listed.
  const third = serviceKeys('orders')
  expect(() => servicePublicKeys(`${both}\norders:${spki(third.key('orders'))}`)).toThrow('more than 2 keys')
  expect(() => tokenVerifier({ ...during, JWT_PUBLIC_KEY: `${during.JWT_PUBLIC_KEY}\n${keys().JWT_PUBLIC_KEY}` })).toThrow('more than 2 keys')
  expect(() => tokenVerifier({ ...a, JWT_PUBLIC_KEY: `${a.JWT_PUBLIC_KEY}\n${a.JWT_PUBLIC_KEY}` })).toThrow('the same key is given twice')
  expect(() => tokenSigner({ ...during, JWT_PRIVATE_KEY: keys().JWT_PRIVATE_KEY })).toThrow('does not belong')
  expect(() => serviceTokens({ SERVICE_KEY: third.key('orders'), SERVICE_PUBLIC_KEYS: both, JWT_ISSUER: 'easypass' }, 'orders')).toThrow('is not the key')
  // A private key hidden among the public ones is still refused.
  expect(() => tokenVerifier({ ...a, JWT_PUBLIC_KEY: `${a.JWT_PUBLIC_KEY}\n${b.JWT_PRIVATE_KEY}` })).toThrow('private key')
})
