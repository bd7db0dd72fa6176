// Buying without an account. A guest is an account of its own for each checkout: the address the buyer
// gave (`contactEmail`), the name on the order, no password. Its orders, tickets and emails work as any
// customer's. Guests of one address are never merged and no guest can become the account registered with
// that address: nothing proves, at checkout, that the buyer owns it. They come back through an emailed
// link (one per guest session of the address), which proves it.
import { randomBytes } from 'node:crypto'
import type { AuthResult, GuestBody, GuestSessionBody } from '@easypass/contracts/auth'
import type { Language } from '@easypass/contracts/languages'
import { fail, isDuplicateOnly, type Logger } from '@easypass/kit'
import type { GuestLinkModels } from '../../db/guest-links'
import type { UserModel } from '../../db/users'
import { normaliseEmail, type AccountFields } from '../users/service'
import type { GuestMailer } from './guest-email'
import type { LoginLimiter } from './login-limiter'
import { hashSecret, type SessionStore } from './sessions'

/** A guest's password hash: no hash at all, so no password ever matches it (sign-in refuses guests before). */
export const NO_PASSWORD = '!guest'
/** The newest guest sessions of one address an email links to. */
export const GUEST_LINKS_PER_EMAIL = 5

export interface GuestDeps {
  User: UserModel
  links: GuestLinkModels & {
    mailer: GuestMailer
    /** The web app's address: links point to `<publicUrl>/guest#token=…`. */
    publicUrl: string
    validMinutes: number
  }
  sessions: SessionStore
  limiter: LoginLimiter
  signIn(user: AccountFields, refreshToken: string): Promise<AuthResult>
  log: Logger
}

/** One answer for every link we will not honour: unknown, expired, used, or not a guest's. */
const invalidGuestLink = () =>
  fail('VALIDATION', 'token: this link is invalid, used or expired; ask for a new one', { fields: [{ path: 'token', message: 'this link is invalid, used or expired; ask for a new one' }] })

export function guestService({ User, links, sessions, limiter, signIn, log }: GuestDeps) {
  const { GuestLink, GuestLinkUse } = links

  /** Counted as a sign-up of the address (REGISTRATIONS_PER_IP): guests are accounts too. */
  async function start(body: GuestBody, clientIp: string): Promise<AuthResult> {
    await limiter.registering(clientIp)
    const created = await User.create({
      email: `guest:${randomBytes(16).toString('hex')}`,
      contactEmail: normaliseEmail(body.email),
      name: body.name.trim(),
      role: 'customer',
      passwordHash: NO_PASSWORD,
      guest: true,
    })
    return signIn(created, await sessions.start(String(created._id)))
  }

  /**
   * Answered at once, alike for every address (202), as a reset link is: finding the guest sessions and
   * sending their links happen afterwards. Limited like reset links (per address and per email).
   */
  async function requestLink(rawEmail: string, clientIp: string, language?: Language) {
    const email = normaliseEmail(rawEmail)
    if (!(await limiter.resetRequested(`guest:${email}`, clientIp))) return
    void sendLinks(email, language).catch((error) => log.error({ err: String(error) }, 'guest links not sent'))
  }

  async function sendLinks(email: string, language?: Language) {
    const guests = await User.find({ contactEmail: email, guest: true }, { _id: 1, name: 1, createdAt: 1 }).sort({ createdAt: -1 }).limit(GUEST_LINKS_PER_EMAIL).lean()
    if (!guests.length) return
    const createdAt = new Date()
    const expiresAt = new Date(createdAt.getTime() + links.validMinutes * 60_000)
    const base = links.publicUrl.replace(/\/+$/, '')
    const made = []
    for (const guest of guests) {
      const token = randomBytes(32).toString('base64url')
      await GuestLink.create({ _id: hashSecret(token), userId: String(guest._id), createdAt, expiresAt })
      // In the fragment: a browser never sends it to a server, so it stays out of access logs and Referer.
      made.push({ link: `${base}/guest#token=${token}`, since: guest.createdAt })
    }
    await links.mailer.send(email, guests[0]!.name, made, links.validMinutes, language)
  }

  /** A link opens one session of its guest, once, within its time; the first of two at once wins. */
  async function open(body: GuestSessionBody): Promise<AuthResult> {
    const hash = hashSecret(body.token)
    const link = await GuestLink.findById(hash).lean()
    if (!link || link.expiresAt.getTime() <= Date.now()) throw invalidGuestLink()
    const user = await User.findById(link.userId).lean()
    if (!user?.guest) throw invalidGuestLink()
    try {
      await GuestLinkUse.create({ _id: hash, userId: link.userId, usedAt: new Date(), expiresAt: link.expiresAt })
    } catch (error) {
      if (isDuplicateOnly(error)) throw invalidGuestLink()
      throw error
    }
    return signIn(user, await sessions.start(link.userId))
  }

  return { start, requestLink, open }
}
export type GuestService = ReturnType<typeof guestService>
