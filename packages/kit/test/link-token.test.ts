import { expect, test } from 'bun:test'
import { isLinkToken, linkToken } from '../src/link-token'

const secret = 'x'.repeat(40)

test('a link token is the same for the same secret, purpose and id, and for nothing else', () => {
  const token = linkToken(secret, 'ticket-transfer', 'abc')
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
  expect(isLinkToken(secret, 'ticket-transfer', 'abc', token)).toBe(true)
  expect(isLinkToken(secret, 'ticket-transfer', 'abd', token)).toBe(false)
  expect(isLinkToken(secret, 'password-reset', 'abc', token)).toBe(false)
  expect(isLinkToken('y'.repeat(40), 'ticket-transfer', 'abc', token)).toBe(false)
  expect(isLinkToken(secret, 'ticket-transfer', 'abc', token.slice(0, -1))).toBe(false)
  expect(isLinkToken(secret, 'ticket-transfer', 'abc', '')).toBe(false)
})

test('while the secret is rotated, a link made with the previous one still opens; with neither it does not', () => {
  const renewed = 'z'.repeat(40)
  const before = linkToken(secret, 'ticket-transfer', 'abc')
  expect(isLinkToken(renewed, 'ticket-transfer', 'abc', before)).toBe(false)
  expect(isLinkToken(renewed, 'ticket-transfer', 'abc', before, [secret])).toBe(true)
  expect(isLinkToken(renewed, 'ticket-transfer', 'abc', linkToken(renewed, 'ticket-transfer', 'abc'), [secret])).toBe(true)
  expect(isLinkToken(renewed, 'ticket-transfer', 'abc', linkToken('y'.repeat(40), 'ticket-transfer', 'abc'), [secret])).toBe(false)
  expect(isLinkToken(renewed, 'ticket-transfer', 'abd', before, [secret])).toBe(false)
})
