// Two-step sign-in (TOTP, RFC 6238, with the `otpauth` library): a secret shared with the account's
// authenticator app, set up in two steps (a secret offered, then confirmed by a code the app made from
// it, with the password), after which signing in takes a code as well as the password. Ten recovery codes,
// shown once, each sign in once in place of a code (a lost phone). Every code works once: its use is an
// insert with a unique `_id` (db/two-factor.ts), so a code seen over someone's shoulder, or sent twice at
// once, cannot sign in twice.
import { randomBytes, randomUUID } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'
import type { TwoFactorSetup } from '@easypass/contracts/auth'
import { fail, isDuplicateOnly, type GuessLimit, type Logger, type Sealer } from '@easypass/kit'
import type { TwoFactorModels } from '../../db/two-factor'
import type { UserDoc, UserModel } from '../../db/users'
import { hashSecret } from './sessions'

const PERIOD = 30
const DIGITS = 6
/** A code of the step before or after is taken too: the phone's clock may be a little off. */
const WINDOW = 1
export const RECOVERY_CODE_COUNT = 10
/** A setup not confirmed within this long is offered again from scratch. */
const SETUP_VALID_MS = 15 * 60_000
/** Recovery codes: 10 characters of this alphabet (50 bits), shown as `xxxxx-xxxxx`. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** What a person types: spaces and dashes dropped, any case. */
const normalised = (code: string) => code.replace(/[\s-]+/g, '').toLowerCase()

function recoveryCode(): string {
  const bytes = randomBytes(10)
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % RECOVERY_ALPHABET.length]).join('')
  return `${chars.slice(0, 5)}-${chars.slice(5)}`
}

type UserWithTwoFactor = Pick<UserDoc, '_id' | 'email' | 'twoFactor'>

export interface TwoFactorDeps extends TwoFactorModels {
  User: UserModel
  /**
   * Wrong codes per account, whatever the address (the sign-in limits count codes too, but forgive a
   * known address): a 6-digit code is only as strong as the tries it gets.
   */
  guesses: GuessLimit
  /** Seals the shared secrets at rest. */
  seal: Sealer
  /** The name the authenticator app lists the account under. */
  issuer: string
  /** Called (not awaited) when a wrong code used up the account's last guess: the owner is told. */
  onLimitReached?: (user: UserWithTwoFactor) => Promise<void>
  log: Logger
}

export function twoFactorService({ User, TwoFactorUse, guesses, seal, issuer, onLimitReached, log }: TwoFactorDeps) {
  const totpOf = (base32: string, email: string) => new TOTP({ issuer, label: email, secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: DIGITS, period: PERIOD })

  /**
   * The shared secret, opened; a secret sealed under a signing key replaced since cannot be: said so
   * (401), never a 500. A recovery code still signs in, and an admin can turn it off.
   */
  function opened(sealed: string, userId: string): string {
    try {
      return seal.open(sealed)
    } catch (error) {
      log.error({ userId, err: String(error) }, 'an authenticator secret cannot be opened (was JWT_PRIVATE_KEY replaced?)')
      throw fail('UNAUTHENTICATED', 'your authenticator app cannot be checked right now: sign in with a recovery code, or ask an admin to turn two-step sign-in off and set it up again')
    }
  }

  /** Inserts the use; false when it was used already (another request got there first). */
  async function claim(_id: string, userId: string, expiresAt?: Date): Promise<boolean> {
    try {
      await TwoFactorUse.create({ _id, userId, usedAt: new Date(), ...(expiresAt ? { expiresAt } : {}) })
      return true
    } catch (error) {
      if (isDuplicateOnly(error)) return false
      throw error
    }
  }

  /** A code the secret made now (give or take a step), its step claimed: false for a wrong code or one used already. */
  async function claimTotp(userId: string, base32: string, email: string, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false
    const now = Date.now()
    const delta = totpOf(base32, email).validate({ token: code, timestamp: now, window: WINDOW })
    if (delta === null) return false
    const step = TOTP.counter({ period: PERIOD, timestamp: now }) + delta
    return claim(`${userId}:t:${step}`, userId, new Date(now + 10 * 60_000))
  }

  return {
    isOn: (user: Pick<UserDoc, 'twoFactor'>) => !!user.twoFactor?.secret,

    /**
     * After auth's signing key was replaced (JWT_PREVIOUS_PRIVATE_KEY given): every authenticator
     * secret sealed under the previous key sealed again under the current one, so the previous key can go.
     * Each is a conditional update on the value read (another replica resealing it at the same time wins
     * or loses whole); safe to run again. `unreadable`: sealed under neither key (those accounts need an
     * admin to turn two-step sign-in off).
     */
    async resealAll(): Promise<{ resealed: number; unreadable: number }> {
      let resealed = 0
      let unreadable = 0
      const withSecrets = User.find({ $or: [{ 'twoFactor.secret': { $exists: true } }, { 'twoFactor.pending': { $exists: true } }] }, { twoFactor: 1 }).lean().cursor()
      for await (const user of withSecrets) {
        for (const field of ['secret', 'pending'] as const) {
          const stored = user.twoFactor?.[field]
          if (!stored) continue
          let next: string | undefined
          try {
            next = seal.reseal(stored)
          } catch {
            unreadable++
            continue
          }
          if (next && (await User.updateOne({ _id: user._id, [`twoFactor.${field}`]: stored }, { $set: { [`twoFactor.${field}`]: next } })).modifiedCount) resealed++
        }
      }
      return { resealed, unreadable }
    },

    /**
     * A new secret offered to the signed-in account (replacing one offered before and not confirmed);
     * 409 when two-step sign-in is on already (turn it off first).
     */
    async setup(user: UserWithTwoFactor): Promise<TwoFactorSetup> {
      if (user.twoFactor?.secret) throw fail('CONFLICT', 'two-step sign-in is on already: turn it off first to set up another app')
      const secret = new Secret({ size: 20 }).base32
      const updated = await User.updateOne(
        { _id: user._id, 'twoFactor.secret': { $exists: false } },
        { $set: { 'twoFactor.pending': seal.seal(secret), 'twoFactor.pendingId': randomUUID(), 'twoFactor.pendingAt': new Date() } },
      )
      if (updated.matchedCount === 0) throw fail('CONFLICT', 'two-step sign-in is on already: turn it off first to set up another app')
      const uri = totpOf(secret, user.email).toString()
      const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      return { secret, uri, qrSvg }
    },

    /**
     * Turns it on with a code made from the offered secret (the password is checked by the caller);
     * the recovery codes come back once. 409 with no setup (or one too old), or when on already; 400
     * for a wrong code.
     */
    async enable(user: UserWithTwoFactor, code: string): Promise<string[]> {
      const tf = user.twoFactor
      if (tf?.secret) throw fail('CONFLICT', 'two-step sign-in is on already')
      if (!tf?.pending || !tf.pendingId || !tf.pendingAt || Date.now() - new Date(tf.pendingAt).getTime() > SETUP_VALID_MS)
        throw fail('CONFLICT', 'set up two-step sign-in first (or again: a setup is confirmed within 15 minutes)')
      const userId = String(user._id)
      let pending: string
      try {
        pending = seal.open(tf.pending)
      } catch {
        throw fail('CONFLICT', 'set up two-step sign-in again (this setup can no longer be read)')
      }
      if (!(await claimTotp(userId, pending, user.email, normalised(code))))
        throw fail('VALIDATION', 'code: not the code the app shows now (check the phone’s clock), or one used already', { fields: [{ path: 'code', message: 'not the code the app shows now, or one used already' }] })
      // One confirmation of a setup turns it on, also when two arrive at once.
      if (!(await claim(`${userId}:e:${tf.pendingId}`, userId, new Date(Date.now() + 86_400_000)))) throw fail('CONFLICT', 'this setup was confirmed already: if two-step sign-in is not on, set it up again')
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode)
      await User.updateOne(
        { _id: user._id },
        {
          // Sealed again under the current key: a setup sealed under a key rotated away since stays readable.
          $set: { twoFactor: { secret: seal.seal(pending), enabledAt: new Date(), setupId: tf.pendingId, recoveryCodes: codes.map((c) => hashSecret(normalised(c))) }, twoFactorOnAt: new Date() },
        },
      )
      log.info({ userId }, 'two-step sign-in turned on')
      return codes
    },

    /** A code of the account's app now, or an unused recovery code (used up by this). */
    async check(user: UserWithTwoFactor, code: string): Promise<boolean> {
      const tf = user.twoFactor
      if (!tf?.secret) return true
      const userId = String(user._id)
      await guesses.check(userId)
      const typed = normalised(code)
      let right: boolean
      if (/^\d{6}$/.test(typed)) right = await claimTotp(userId, opened(tf.secret, userId), user.email, typed)
      else {
        const hash = hashSecret(typed)
        right = !!tf.recoveryCodes?.includes(hash) && (await claim(`${userId}:r:${tf.setupId}:${hash}`, userId))
        if (right) log.info({ userId }, 'a recovery code was used to sign in')
      }
      if (!right && (await guesses.failed(userId))) {
        log.warn({ userId }, 'wrong two-step codes reached the limit: the owner is told')
        void onLimitReached?.(user).catch((error) => log.error({ userId, err: String(error) }, 'code limit alert not sent'))
      }
      return right
    },

    /** A new set of recovery codes, shown once; the earlier ones stop working (the caller checked a code). */
    async newRecoveryCodes(user: UserWithTwoFactor): Promise<string[]> {
      if (!user.twoFactor?.secret) throw fail('CONFLICT', 'two-step sign-in is not on')
      const codes = Array.from({ length: RECOVERY_CODE_COUNT }, recoveryCode)
      await User.updateOne({ _id: user._id, 'twoFactor.secret': user.twoFactor.secret }, { $set: { 'twoFactor.recoveryCodes': codes.map((c) => hashSecret(normalised(c))) } })
      log.info({ userId: String(user._id) }, 'new recovery codes made')
      return codes
    },

    /** Off: the secret, the recovery codes and their uses are gone. */
    async disable(userId: string) {
      // When it was turned on is kept (from the setup's own date, for an account turned on before
      // `twoFactorOnAt` was written): a passkey added with the password alone before stays refused.
      const user = await User.findById(userId, { 'twoFactor.enabledAt': 1, twoFactorOnAt: 1 }).lean()
      const onAt = user?.twoFactorOnAt ?? user?.twoFactor?.enabledAt
      await User.updateOne({ _id: userId }, { $unset: { twoFactor: '' }, ...(onAt && !user?.twoFactorOnAt ? { $set: { twoFactorOnAt: onAt } } : {}) })
      await TwoFactorUse.deleteMany({ userId })
      log.info({ userId }, 'two-step sign-in turned off')
    },
  }
}
export type TwoFactorService = ReturnType<typeof twoFactorService>
