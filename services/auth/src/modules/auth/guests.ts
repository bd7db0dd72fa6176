// Buying without an account. A guest is an account of its own for each checkout: the address the buyer
// gave (`contactEmail`), the name on the order, no password. Its orders, tickets and emails work as any
// customer's. Guests of one address are never merged, and nothing proves at checkout that the buyer owns
// the address, so no guest reaches another's orders or those of the account registered with it. They come
// back through an emailed link (one per guest session of the address), which proves it; a guest may turn
// their own session into an ordinary account with a password, as a sign-up would (`keep`).
import { randomBytes } from 'node:crypto'
import type { AuthResult, GuestAccountBody, GuestBody, GuestSessionBody } from '@easypass/contracts/auth'
import type { Principal } from '@easypass/contracts'
import type { Language } from '@easypass/contracts/languages'
import { fail, isDuplicateOnly, isObjectId, type Logger } from '@easypass/kit'
import type { GuestLinkModels } from '../../db/guest-links'
import type { UserModel } from '../../db/users'
import { normaliseEmail, type AccountFields } from '../users/service'
import type { GuestMailer } from './guest-email'
import type { LoginLimiter } from './login-limiter'
import { hashPassword } from './passwords'
import { hashSecret, type SessionStore } from './sessions'

/** A guest's password hash: no hash at all, so no password ever matches it (sign-in refuses guests before). */
export const NO_PASSWORD = '!guest'
/**
 * The newest guest sessions of one address an email links to. Auth does not know which of them bought
 * (a session is started before the purchase): a person who started more than this many as guests with one
 * address gets links to the newest ones only (their tickets are in the confirmations all the same).
 */
export const GUEST_LINKS_PER_EMAIL = 20

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
      guestUsedAt: new Date(),
    })
    return signIn(created, await sessions.start(String(created._id), false))
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
    const guests = await User.find({ contactEmail: email, guest: true }, { _id: 1, createdAt: 1 }).sort({ createdAt: -1 }).limit(GUEST_LINKS_PER_EMAIL).lean()
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
    // No name in it: the newest guest's was typed by whoever started that session, perhaps not the owner.
    await links.mailer.send(email, made, links.validMinutes, language)
  }

  /**
   * A link opens one session of its guest, once, within its time; the first of two at once wins. The
   * guest's other sessions end (its refresh tokens stop working).
   */
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
    // In use again: an unused guest's deletion counts from now (GUEST_RETENTION_DAYS).
    await User.updateOne({ _id: user._id, guest: true }, { $set: { guestUsedAt: new Date() }, $unset: { guestKeptUntil: 1, guestNoticeAt: 1 } })
    // The link proves the mailbox: whoever else holds a session of this guest (someone who started it
    // with the owner's address, to read what the owner buys in it) is signed out.
    await sessions.endAllSessions(link.userId)
    const session = await sessions.start(link.userId, false)
    // Closed while the link was being opened: no session for an account that is gone.
    if (!(await User.exists({ _id: user._id }))) throw invalidGuestLink()
    return signIn(user, session)
  }

  /**
   * The guest keeps what they bought in an account: theirs becomes one, signing in with the address they
   * bought with and this password, as if they had registered with it (no more proof is asked of a sign-up
   * either). The unique email index settles an address that has an account already, or gets one meanwhile:
   * 409, and the guest stays a guest. Of two at once, the first to insert its marker goes on (FerretDB's
   * conditional update alone would let both write). Every session of the guest ends (one opened from a link
   * on a shared computer must not carry over into the account); the caller gets a new one.
   */
  async function keep(principal: Principal, body: GuestAccountBody): Promise<AuthResult> {
    const user = isObjectId(principal.id) ? await User.findById(principal.id).lean() : null
    if (!user) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    const already = () => fail('CONFLICT', 'this account has a password already')
    if (!user.guest || !user.contactEmail) throw already()
    const taken = () => fail('CONFLICT', 'an account with this email already exists: sign in to it (what you bought as a guest stays reachable by an emailed link)')
    if (await User.exists({ email: user.contactEmail })) throw taken()
    const passwordHash = await hashPassword(body.password)
    const userId = String(user._id)
    const marker = `kept:${userId}`
    const keptAt = new Date()
    try {
      await GuestLinkUse.create({ _id: marker, userId, usedAt: keptAt, expiresAt: new Date(keptAt.getTime() + 86_400_000) })
    } catch (error) {
      if (isDuplicateOnly(error)) throw already()
      throw error
    }
    try {
      const changed = await User.updateOne(
        { _id: user._id, guest: true },
        { $set: { email: user.contactEmail, passwordHash, passwordChangedAt: keptAt }, $unset: { guest: 1, contactEmail: 1, guestUsedAt: 1, guestKeptUntil: 1, guestNoticeAt: 1 } },
      )
      if (changed.matchedCount === 0) throw already()
    } catch (error) {
      // Still a guest: the marker goes, so that a retry (another password, a freed address) can land.
      await GuestLinkUse.deleteOne({ _id: marker }).catch(() => {})
      if (isDuplicateOnly(error)) throw taken()
      throw error
    }
    log.info({ userId }, 'a guest kept their purchases in an account')
    try {
      await sessions.endAllSessions(userId)
    } catch (error) {
      // Their refreshes are refused all the same: they began before `passwordChangedAt`.
      log.warn({ userId, err: String(error) }, 'a guest became an account, but ending its guest sessions failed')
    }
    const now = await User.findById(user._id).lean()
    if (!now) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    return signIn(now, await sessions.start(userId, false))
  }

  return { start, requestLink, open, keep }
}
export type GuestService = ReturnType<typeof guestService>
