// Closing an account, by its owner. The account and everything auth keeps of it (sessions, two-step
// codes used, reset and guest links) are deleted, so the address can sign up again as someone new; the
// fact `auth.account-closed` tells orders and notifications to forget what they keep of the person and
// need not keep (README, "Closing an account"). Without transactions the steps are made safe to repeat:
// a `closed_accounts` record comes first, and a sweep finishes every closing that stopped half-way.
import type { Principal } from '@easypass/contracts'
import type { AccountClosed, CloseAccountBody } from '@easypass/contracts/auth'
import type { Redis } from 'ioredis'
import { ACCESS_TOKEN_TTL_SECONDS, closedAccountsKey, fact, fail, isDuplicateOnly, isObjectId, repeatEvery, type Logger, type Outbox } from '@easypass/kit'
import type { Models } from '../../db'
import type { UserDoc } from '../../db/users'
import { guestUnusedSince } from './guest-retention'

export interface ClosingDeps {
  models: Pick<Models, 'User' | 'ClosedAccount' | 'RefreshToken' | 'TwoFactorUse' | 'PasswordReset' | 'PasswordResetUse' | 'PasswordChange' | 'GuestLink' | 'GuestLinkUse' | 'Passkey' | 'PasskeyUse'>
  outbox: Pick<Outbox, 'record'>
  /** Where the gateway learns which accounts closed (`closedAccountsKey`), to refuse their tokens at once. */
  redis: Redis
  prefix: string
  /** The password, and a code with two-step sign-in on, asked again, counted like a sign-in (`confirmSteps` in the auth service). */
  confirm(user: Pick<UserDoc, '_id' | 'email' | 'passwordHash' | 'twoFactor'>, password: string, clientIp: string, code?: string): Promise<void>
  log: Logger
}

const needed = (path: 'password', message: string) => fail('VALIDATION', `${path}: ${message}`, { fields: [{ path, message }] })

export function accountClosing({ models, outbox, redis, prefix, confirm, log }: ClosingDeps) {
  const { User, ClosedAccount } = models

  /**
   * The signed-in user closes their own account. A customer only: an admin or door staff is first made a
   * customer by another admin (so the last admin can never go, and nobody's role disappears unnoticed). The
   * password confirms it (a stolen access token cannot close an account), and a code with two-step sign-in
   * on; a guest has neither (their session came from a link to their mailbox).
   */
  async function close(principal: Principal, body: CloseAccountBody, clientIp: string): Promise<AccountClosed> {
    const user = isObjectId(principal.id) ? await User.findById(principal.id).lean() : null
    if (!user) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    if (user.role !== 'customer') throw fail('CONFLICT', `an account with a role (${user.role}) cannot be closed: another admin first makes it a customer`)
    if (user.guest) {
      if (body.password !== undefined) throw needed('password', 'you bought as a guest and have no password: leave it out')
    } else {
      if (body.password === undefined) throw needed('password', 'enter your password to close your account')
      await confirm(user, body.password, clientIp, body.code)
    }
    return closeNow(String(user._id))
  }

  /**
   * An admin closes a customer's account on their request (they wrote in, and lost access or have no
   * password): the same closing, asked for by an admin, whose write the audit log keeps.
   */
  async function closeFor(id: string, actorId: string): Promise<AccountClosed> {
    if (id === actorId) throw fail('FORBIDDEN', 'close your own account on your account page')
    const user = isObjectId(id) ? await User.findById(id, { role: 1 }).lean() : null
    if (!user) throw fail('NOT_FOUND', 'user not found')
    if (user.role !== 'customer') throw fail('CONFLICT', `an account with a role (${user.role}) cannot be closed: make it a customer first`)
    const closed = await closeNow(id)
    log.info({ userId: id, by: actorId }, 'an account was closed by an admin')
    return closed
  }

  /** `ifGuestUnusedBefore`: the deletion of unused guests, called off if the guest came back (or kept an account) meanwhile. */
  async function closeNow(id: string, opts: { ifGuestUnusedBefore?: Date } = {}): Promise<AccountClosed> {
    let closedAt = new Date()
    try {
      await ClosedAccount.create({ _id: id, closedAt, ...(opts.ifGuestUnusedBefore ? { ifGuestUnusedBefore: opts.ifGuestUnusedBefore } : {}) })
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
      // Closed at the same moment by another request (two tabs): this one finishes it too.
      closedAt = (await ClosedAccount.findById(id).lean())?.closedAt ?? closedAt
    }
    await finish(id)
    log.info({ userId: id }, 'an account was closed')
    return { id, closedAt: closedAt.toISOString() }
  }

  /**
   * Deletes the account and what auth keeps of it, then records the fact; each step may run again. The
   * account goes first: from then on a refresh finds no account and a sign-in no address.
   */
  async function finish(userId: string) {
    // A customer's account only: one given a role since its closing was asked for stays, and the closing
    // is called off (a role is never lost unnoticed, and the last admin never goes). An unused guest's
    // deletion holds only while the guest is still unused: one back meanwhile stays, and so does one kept
    // as an account with a password.
    const condition = (await ClosedAccount.findById(userId, { ifGuestUnusedBefore: 1 }).lean())?.ifGuestUnusedBefore
    const deleted = await User.deleteOne({ _id: userId, role: 'customer', ...(condition ? { guest: true, ...guestUnusedSince(condition) } : {}) })
    if (deleted.deletedCount === 0 && (await User.exists({ _id: userId }))) {
      await ClosedAccount.deleteOne({ _id: userId })
      if (condition) throw fail('CONFLICT', 'the guest came back (or kept an account) meanwhile, so it is not deleted')
      throw fail('CONFLICT', 'the account was given a role meanwhile, so it is not closed: another admin first makes it a customer')
    }
    await announce(userId)
    await Promise.all(
      (['RefreshToken', 'TwoFactorUse', 'PasswordReset', 'PasswordResetUse', 'PasswordChange', 'GuestLink', 'GuestLinkUse', 'Passkey', 'PasskeyUse'] as const).map((name) =>
        (models[name] as typeof models.RefreshToken).deleteMany({ userId }),
      ),
    )
    await outbox.record([fact('auth.account-closed', { userId }, `account-closed:${userId}`)])
    await ClosedAccount.updateOne({ _id: userId }, { $set: { toldAt: new Date() } })
  }

  /**
   * Tells the gateway, which then refuses the account's tokens within a second instead of letting them
   * live out their 15 minutes. Best effort, as the gateway's own reads are: while Redis is away they live on.
   */
  async function announce(userId: string) {
    const now = Math.floor(Date.now() / 1000)
    const key = closedAccountsKey(prefix)
    try {
      const results = await redis.multi().zadd(key, now, userId).zremrangebyscore(key, '-inf', now - ACCESS_TOKEN_TTL_SECONDS - 60).exec()
      const failed = results?.find(([error]) => error)
      if (!results || failed) throw failed?.[0] ?? new Error('not written')
    } catch (error) {
      log.warn({ userId, err: String(error) }, "a closed account's tokens could not be withdrawn: they live out their 15 minutes")
    }
  }

  /** Finishes closings that stopped half-way (the process died, the database was away): at start, then every `intervalMs`. */
  function startSweep(intervalMs: number): () => void {
    return repeatEvery(
      intervalMs,
      async () => {
        const open = await ClosedAccount.find({ toldAt: { $exists: false } }, { _id: 1 }).limit(100).lean()
        for (const { _id } of open) {
          // One that cannot be finished (given a role meanwhile: called off) holds up none of the others.
          await finish(String(_id)).catch((error) => log.warn({ userId: String(_id), err: String(error instanceof Error ? error.message : error) }, 'a closing was not finished'))
        }
        if (open.length) log.info({ count: open.length }, 'closings finished by the sweep')
      },
      log,
      'closing sweep failed; will retry',
    )
  }

  return { close, closeFor, closeNow, finish, startSweep }
}
export type AccountClosing = ReturnType<typeof accountClosing>
