import { expect, test } from 'bun:test'
import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { jwt } from '@elysiajs/jwt'
import { isWithdrawn, rolesAbove, serviceTokens, tokenSigner, tokenVerifier } from '../src'

function keys() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return { JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(), JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), JWT_ISSUER: 'easypass' }
}
const a = { ...keys(), SERVICE_SECRET: 's'.repeat(40) }
const b = keys()
/** What every process but auth holds: the public key, and for services the service secret. */
const verifierOf = (config: { JWT_PUBLIC_KEY: string; JWT_ISSUER: string; SERVICE_SECRET?: string }) => tokenVerifier(config)

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

test('each key makes one kind of token: the service secret never a user, the users key never a service', async () => {
  const service = await serviceTokens(a, 'orders')()
  expect(await verifierOf(a).verify(service)).toEqual({ id: 'service:orders', role: 'service', email: undefined, issuedAt: expect.any(Number) })
  // Without the service secret (the gateway, auth) a service token is nobody.
  expect(await verifierOf({ JWT_PUBLIC_KEY: a.JWT_PUBLIC_KEY, JWT_ISSUER: 'easypass' }).verify(service)).toBeNull()
  // A holder of the service secret minting an admin: refused.
  const hmac = jwt({ name: 'jwt', secret: a.SERVICE_SECRET, iss: 'easypass', alg: 'HS256' }).decorator.jwt
  const admin = await hmac.sign({ sub: 'u3', role: 'admin', typ: 'access', exp: Math.floor(Date.now() / 1000) + 600 })
  expect(await verifierOf(a).verify(admin)).toBeNull()
  // The public key used as an HMAC secret (the old algorithm-confusion trick): refused.
  const confused = jwt({ name: 'jwt', secret: a.JWT_PUBLIC_KEY, iss: 'easypass', alg: 'HS256' }).decorator.jwt
  expect(await verifierOf(a).verify(await confused.sign({ sub: 'u4', role: 'admin', typ: 'access', exp: Math.floor(Date.now() / 1000) + 600 }))).toBeNull()
  // Auth's signer makes no service tokens.
  expect(() => tokenSigner(a).signAccess({ id: 'x', role: 'service' as never })).toThrow()
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
