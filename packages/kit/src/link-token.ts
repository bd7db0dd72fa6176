// Tokens for links emailed by one service on another's behalf (a ticket offered to someone): an
// HMAC of the purpose and the record's id with SERVICE_SECRET, so that the service that checks it and
// the one that emails it both derive it, and no document, fact or log ever holds it.
import { createHmac, timingSafeEqual } from 'node:crypto'

export function linkToken(secret: string, purpose: string, id: string): string {
  return createHmac('sha256', secret).update(`easypass-link:${purpose}:${id}`).digest('base64url')
}

/**
 * Compared in constant time: a wrong token says nothing about the right one. `previous`: secrets the
 * current one replaced (a rotation), whose links, emailed before it, still open.
 */
export function isLinkToken(secret: string, purpose: string, id: string, token: string, previous: readonly string[] = []): boolean {
  const given = Buffer.from(token)
  return [secret, ...previous].some((key) => {
    const expected = Buffer.from(linkToken(key, purpose, id))
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
