import { expect, test } from 'bun:test'
import { tokenSigner } from '../src'

const a = { JWT_SECRET: 'a'.repeat(40), JWT_ISSUER: 'easypass' }
const b = { JWT_SECRET: 'b'.repeat(40), JWT_ISSUER: 'easypass' }

test('a verified token is trusted again only under the secret and issuer that proved it', async () => {
  const token = await tokenSigner(a).signAccess({ id: 'u1', role: 'customer', email: 'u1@example.test' })
  expect(await tokenSigner(a).verify(token)).toEqual({ id: 'u1', role: 'customer', email: 'u1@example.test' })
  // Remembered under a: the same string is still refused under another secret or issuer.
  expect(await tokenSigner(a).verify(token)).toEqual({ id: 'u1', role: 'customer', email: 'u1@example.test' })
  expect(await tokenSigner(b).verify(token)).toBeNull()
  expect(await tokenSigner({ ...a, JWT_ISSUER: 'other' }).verify(token)).toBeNull()
})

test('an expired token is refused even after it was verified once', async () => {
  const token = await tokenSigner(a).signAccess({ id: 'u2', role: 'customer' }, 2)
  expect(await tokenSigner(a).verify(token)).not.toBeNull()
  await Bun.sleep(3100)
  expect(await tokenSigner(a).verify(token)).toBeNull()
})
