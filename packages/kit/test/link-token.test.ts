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
