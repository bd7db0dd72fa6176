// Passkeys (WebAuthn, with the `@simplewebauthn/server` library): an account adds the passkey of a
// device, a password manager or a security key, and signs in with it instead of a password. The browser
// signs a challenge we made with a private key that never leaves the device, after the person unlocked
// it (fingerprint, face, PIN: user verification is required), so a passkey is two steps in one and is
// never asked for an authenticator code; it gives a role that takes two steps only when it was itself
// added with two steps (see `twoSteps` in db/passkeys.ts). Its signature is only valid for our site
// (the RP ID and origin are checked), so it cannot be phished. Challenges live in Redis for 5 minutes
// and are taken with GETDEL: each works once, also when its answer is sent twice at once.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse } from '@simplewebauthn/server'
import { isoBase64URL } from '@simplewebauthn/server/helpers'
import type { Principal } from '@easypass/contracts'
import type { AuthResult, Passkey, PasskeyAddBody, PasskeyList, PasskeySignInBody, PasskeySignInOptions } from '@easypass/contracts/auth'
import { fail, isDuplicateOnly, isObjectId, type Logger } from '@easypass/kit'
import type { PasskeyDoc, PasskeyModels } from '../../db/passkeys'
import type { UserModel } from '../../db/users'
import type { AuthService } from '../auth/service'
import type { LoginLimiter } from '../auth/login-limiter'
import type { SessionStore } from '../auth/sessions'
import type { AlertMailer } from '../auth/alert-email'

const CHALLENGE_SECONDS = 300
/** Enough for every device a person owns; a bound on what one account can make us store and list. */
export const MAX_PASSKEYS_PER_ACCOUNT = 20

/** Where the browser must have been when it made the passkey or signed with it. */
export interface RelyingParty {
  /** The site's domain (`tickets.example.com`): a passkey made for it is offered on it and its subdomains only. */
  id: string
  /** The web app's origins (`https://tickets.example.com`). */
  origins: string[]
  name: string
}

/**
 * The relying party of comma-separated `origins` (the web app's addresses): its id is `rpId`, or the
 * first origin's host name; every origin must be on it. None without origins (passkeys off).
 */
export function relyingParty(origins: string | undefined, rpId?: string): RelyingParty | undefined {
  if (!origins) return undefined
  const list = origins.split(',').map((o) => new URL(o).origin)
  const id = rpId ?? new URL(list[0]!).hostname
  for (const origin of list) {
    const host = new URL(origin).hostname
    if (host !== id && !host.endsWith(`.${id}`)) throw new Error(`WEBAUTHN_ORIGINS: ${origin} is not on ${id} (WEBAUTHN_RP_ID)`)
  }
  return { id, origins: list, name: 'EasyPass' }
}

export interface PasskeyDeps extends PasskeyModels {
  User: UserModel
  auth: Pick<AuthService, 'signIn' | 'signedInUser' | 'confirmSteps' | 'hasTwoSteps'>
  /** The owner is emailed when a passkey is added (whoever added it had the password). */
  alerts: Pick<AlertMailer, 'passkeyAdded' | 'passkeysRemoved'>
  sessions: SessionStore
  limiter: LoginLimiter
  redis: Redis
  prefix: string
  /** Unset: passkeys are off (a production site that has not said where it is). */
  relyingParty?: RelyingParty
  log: Logger
}

const toPasskey = (doc: PasskeyDoc): Passkey => ({
  id: doc._id,
  name: doc.name,
  createdAt: doc.createdAt.toISOString(),
  ...(doc.lastUsedAt ? { lastUsedAt: doc.lastUsedAt.toISOString() } : {}),
  synced: doc.synced,
})

/** The user handle a passkey keeps for its account: the account id's 12 bytes (never the address). */
const userHandleOf = (userId: string) => Buffer.from(userId, 'hex')

const tooMany = () => fail('CONFLICT', `an account keeps at most ${MAX_PASSKEYS_PER_ACCOUNT} passkeys: remove one first`, { reason: 'too-many' })
/** What every answer of a device must be: for our challenge, made on our site, its owner having unlocked the device. */
const expected = (rp: RelyingParty, challenge: string) => ({ expectedChallenge: challenge, expectedOrigin: rp.origins, expectedRPID: rp.id, requireUserVerification: true })

/** `reason`: `unknown` for a passkey not (or no longer) known here, `refused` for one whose answer did not check out. */
const notVerified = (why: string, reason: 'unknown' | 'refused' = 'refused') => fail('UNAUTHENTICATED', `this passkey could not be used: ${why}`, { reason })
/** WebAuthn's bound on a credential id: a longer one could be stored, never used. */
const MAX_CREDENTIAL_ID_BYTES = 1023

export function passkeyService({ Passkey, PasskeyUse, User, auth, alerts, sessions, limiter, redis, prefix, relyingParty, log }: PasskeyDeps) {
  const registrationKey = (userId: string) => `${prefix}:auth:passkey-registration:${userId}`
  const signInKey = (challengeId: string) => `${prefix}:auth:passkey-sign-in:${challengeId}`

  function site(): RelyingParty {
    if (!relyingParty) throw fail('CONFLICT', 'passkeys are not set up on this site (PUBLIC_URL or WEBAUTHN_ORIGINS is not set)', { reason: 'off' })
    return relyingParty
  }

  async function list(principal: Principal): Promise<PasskeyList> {
    const docs = await Passkey.find({ userId: principal.id }).sort({ createdAt: 1 }).lean()
    return { items: docs.map(toPasskey) }
  }

  /**
   * What the browser needs to make a passkey for the signed-in account: a new challenge (the last one
   * asked for is the one that counts), and the passkeys it has already, which the browser will not make again.
   */
  async function registrationOptions(principal: Principal) {
    const rp = site()
    const user = await auth.signedInUser(principal)
    const userId = String(user._id)
    const existing = await Passkey.find({ userId }, { _id: 1, transports: 1 }).lean()
    if (existing.length >= MAX_PASSKEYS_PER_ACCOUNT) throw tooMany()
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.email,
      userDisplayName: user.name,
      userID: userHandleOf(userId),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p._id, transports: p.transports ?? undefined })),
      // A passkey proper: kept on the device (found without typing an address), unlocked by its owner.
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      timeout: CHALLENGE_SECONDS * 1000,
    })
    await redis.set(registrationKey(userId), options.challenge, 'EX', CHALLENGE_SECONDS)
    return { options: options as unknown as Record<string, unknown> }
  }

  /**
   * The new passkey, with the password (and a code, with two-step sign-in on): a stolen session alone
   * cannot add a way into the account. The password is checked before the challenge is spent, so a
   * mistyped one is sent again with the same answer of the device, without touching it again.
   */
  async function add(principal: Principal, body: PasskeyAddBody, clientIp: string): Promise<Passkey> {
    const rp = site()
    const user = await auth.signedInUser(principal)
    const userId = String(user._id)
    await auth.confirmSteps(user, body.password, clientIp, body.code)
    const challenge = await redis.getdel(registrationKey(userId))
    if (!challenge) throw fail('CONFLICT', 'no passkey is being added (or it took over 5 minutes): start again', { reason: 'start-again' })
    let verified
    try {
      verified = await verifyRegistrationResponse({ response: body.credential, ...expected(rp, challenge) })
    } catch (error) {
      throw fail('VALIDATION', `credential: ${(error as Error).message}`, { fields: [{ path: 'credential', message: (error as Error).message }] })
    }
    if (!verified.verified) throw fail('VALIDATION', 'credential: the passkey could not be verified', { fields: [{ path: 'credential', message: 'the passkey could not be verified' }] })
    const { credential, credentialBackedUp } = verified.registrationInfo
    if (isoBase64URL.toBuffer(credential.id).length > MAX_CREDENTIAL_ID_BYTES)
      throw fail('VALIDATION', 'credential: its id is longer than WebAuthn allows', { fields: [{ path: 'credential', message: `its id is longer than ${MAX_CREDENTIAL_ID_BYTES} bytes` }] })
    if ((await Passkey.countDocuments({ userId })) >= MAX_PASSKEYS_PER_ACCOUNT) throw tooMany()
    const doc = {
      _id: credential.id,
      userId,
      name: body.name?.trim() || defaultName(body.credential.authenticatorAttachment, credentialBackedUp),
      publicKey: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports?.length ? credential.transports : undefined,
      synced: credentialBackedUp,
      // With a code just checked, or from a session that holds a role only two steps give.
      twoSteps: Boolean(user.twoFactor?.secret) || auth.hasTwoSteps(principal, user),
      createdAt: new Date(),
    }
    try {
      await Passkey.create(doc)
    } catch (error) {
      if (isDuplicateOnly(error)) throw fail('CONFLICT', 'this passkey is added already', { reason: 'added-already' })
      throw error
    }
    // An account closed while this was checked: its closing deleted passkeys before this one was written.
    if (!(await User.exists({ _id: user._id }))) {
      await Passkey.deleteOne({ _id: doc._id })
      throw fail('UNAUTHENTICATED', 'the account no longer exists')
    }
    log.info({ userId, passkey: doc._id, twoSteps: doc.twoSteps }, 'passkey added')
    // Named by its kind, never by the name given: whoever added it chose that (a thief's "no action needed").
    void alerts.passkeyAdded(user.email, defaultName(body.credential.authenticatorAttachment, credentialBackedUp))
    return toPasskey(doc)
  }

  /** Removing a passkey ends every session it began (a lost phone); the account's other ways in stay. */
  async function remove(principal: Principal, id: string) {
    const removed = await Passkey.deleteOne({ _id: id, userId: principal.id })
    if (removed.deletedCount === 0) throw fail('NOT_FOUND', 'no such passkey on your account')
    // Were this to stop half-way, a refresh of those sessions finds the passkey gone and ends them.
    const ended = await sessions.endAllSessions(principal.id, { passkeyId: id })
    await PasskeyUse.deleteMany({ passkeyId: id })
    log.info({ userId: principal.id, passkey: id, sessionsEnded: ended }, 'passkey removed: its sessions ended')
  }

  async function rename(principal: Principal, id: string, name: string): Promise<Passkey> {
    const renamed = await Passkey.findOneAndUpdate({ _id: id, userId: principal.id }, { $set: { name: name.trim() } }, { new: true }).lean()
    if (!renamed) throw fail('NOT_FOUND', 'no such passkey on your account')
    return toPasskey(renamed)
  }

  /**
   * An admin removes every passkey of someone else's account (a stolen phone, a passkey its owner did
   * not add): each one's sessions end, as when the owner removes it. Never one's own (the account page).
   */
  async function removeAllFor(userId: string, actorId: string): Promise<{ removed: number }> {
    if (userId === actorId) throw fail('FORBIDDEN', 'remove your own passkeys on your account page')
    const user = isObjectId(userId) ? await User.findById(userId, { email: 1, contactEmail: 1, guest: 1 }).lean() : null
    if (!user) throw fail('NOT_FOUND', 'user not found')
    let removed = 0
    // Until none is left: one added meanwhile goes too.
    for (let ids = await passkeyIdsOf(userId); ids.length; ids = await passkeyIdsOf(userId)) {
      for (const id of ids) {
        removed += (await Passkey.deleteOne({ _id: id, userId })).deletedCount
        await sessions.endAllSessions(userId, { passkeyId: id })
        await PasskeyUse.deleteMany({ passkeyId: id })
      }
    }
    if (removed) {
      log.info({ userId, removed, by: actorId }, "an admin removed an account's passkeys")
      // The owner hears of it: an admin acting on a false request would otherwise go unnoticed.
      if (!user.guest) void alerts.passkeysRemoved(user.email, removed)
    }
    return { removed }
  }

  const passkeyIdsOf = async (userId: string) => (await Passkey.find({ userId }, { _id: 1 }).lean()).map((p) => p._id)

  /** How many passkeys each of `userIds` has. */
  async function countsOf(userIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    if (!userIds.length) return counts
    for (const p of await Passkey.find({ userId: { $in: userIds } }, { userId: 1 }).lean()) counts.set(p.userId, (counts.get(p.userId) ?? 0) + 1)
    return counts
  }

  /** A challenge for a sign-in by anyone: the browser offers the passkeys it keeps for this site. */
  async function signInOptions(): Promise<PasskeySignInOptions> {
    const rp = site()
    const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', timeout: CHALLENGE_SECONDS * 1000 })
    const challengeId = randomUUID()
    await redis.set(signInKey(challengeId), options.challenge, 'EX', CHALLENGE_SECONDS)
    return { challengeId, options: options as unknown as Record<string, unknown> }
  }

  /**
   * A sign-in with a passkey: its signature over our challenge, checked with the public key it was
   * added with. Counted like a sign-in of its account (429 beyond the limits), and a session that says
   * it began with this passkey (removing the passkey ends it). A role that takes two steps is given only
   * by a passkey added with two steps (`twoSteps`): one added with the password alone gives what the
   * password alone gives, and stops signing in once two-step sign-in is turned on or the password changes.
   */
  async function signIn(body: PasskeySignInBody, clientIp: string): Promise<AuthResult> {
    const rp = site()
    const challenge = isUuid(body.challengeId) ? await redis.getdel(signInKey(body.challengeId)) : null
    if (!challenge)
      throw fail('VALIDATION', 'challengeId: this sign-in has expired or was used already: start again', {
        fields: [{ path: 'challengeId', message: 'this sign-in has expired or was used already: start again' }],
      })
    const passkey = await Passkey.findById(body.credential.id).lean()
    if (!passkey) throw notVerified('it is not known here (removed, or made for another account that was closed)', 'unknown')
    const handle = body.credential.response.userHandle
    if (handle !== undefined && handle !== isoBase64URL.fromBuffer(userHandleOf(passkey.userId))) throw notVerified('it belongs to another account')
    const user = isObjectId(passkey.userId) ? await User.findById(passkey.userId).lean() : null
    if (!user || user.guest) throw notVerified('its account no longer exists', 'unknown')
    await limiter.attempt(user.email, clientIp)
    let verified
    try {
      verified = await verifyAuthenticationResponse({
        response: body.credential,
        ...expected(rp, challenge),
        credential: { id: passkey._id, publicKey: isoBase64URL.toBuffer(passkey.publicKey), counter: passkey.counter, transports: passkey.transports ?? undefined },
      })
    } catch (error) {
      await limiter.failed(user.email, clientIp)
      throw notVerified((error as Error).message)
    }
    if (!verified.verified) {
      await limiter.failed(user.email, clientIp)
      throw notVerified('the signature does not match')
    }
    const { newCounter } = verified.authenticationInfo
    // A counting authenticator (a security key) never signs with one value twice: the first use of it
    // wins (an insert), so a copy of its key signing meanwhile is refused, also at the same instant.
    if (newCounter > 0) {
      try {
        await PasskeyUse.create({ _id: `${passkey._id}:${newCounter}`, passkeyId: passkey._id, userId: passkey.userId, at: new Date() })
      } catch (error) {
        if (!isDuplicateOnly(error)) throw error
        await limiter.failed(user.email, clientIp)
        log.warn({ userId: passkey.userId, passkey: passkey._id }, 'passkey counter used twice: a cloned authenticator?')
        throw notVerified('its counter went backwards (was it copied?)')
      }
    }
    // Added with the password alone, it gives what that password gives: nothing once the account also
    // asks for a code, nor once that password was replaced (a thief who phished it and added a passkey
    // is shut out by the owner's reset or by turning two-step sign-in on, as those promise).
    // (Turned on once is enough: turning it off again, say after a phone was lost, does not bring such a passkey back.)
    if (!passkey.twoSteps) {
      const createdAt = new Date(passkey.createdAt).getTime()
      const stale = user.twoFactor?.secret
        ? 'it was added with the password alone, before two-step sign-in was turned on: sign in with your password and code, then add it again'
        : user.twoFactorOnAt && createdAt < new Date(user.twoFactorOnAt).getTime()
          ? 'it was added with the password alone, before two-step sign-in was turned on (it is off again now): sign in with your password, then add it again'
          : user.passwordChangedAt && createdAt < new Date(user.passwordChangedAt).getTime()
          ? 'it was added with a password that has been changed since: sign in with the new password, then add it again'
          : undefined
      if (stale) {
        // The device proved it holds the key: no wrong guess to count against the owner's sign-ins.
        await limiter.notChecked(user.email, clientIp)
        throw notVerified(stale)
      }
    }
    await Passkey.updateOne({ _id: passkey._id }, { $set: { lastUsedAt: new Date() } })
    if (newCounter > 0) await Passkey.updateOne({ _id: passkey._id, counter: { $lt: newCounter } }, { $set: { counter: newCounter } })
    await limiter.succeeded(user.email, clientIp)
    const session = await sessions.begin(passkey.userId, passkey.twoSteps, passkey._id)
    // Removed while this was checked: the removal may have listed its sessions before this one began.
    if (!(await Passkey.exists({ _id: passkey._id }))) {
      await sessions.revokeFamily(session.familyId, passkey.userId, 'passkey')
      throw notVerified('it was removed', 'unknown')
    }
    return auth.signIn(user, session.token, passkey.twoSteps)
  }

  return { list, registrationOptions, add, remove, rename, removeAllFor, countsOf, signInOptions, signIn }
}
export type PasskeyService = ReturnType<typeof passkeyService>

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)

/** A name until its owner gives one: what kind of passkey it is. */
function defaultName(attachment: string | undefined, synced: boolean) {
  if (synced) return 'Synced passkey'
  return attachment === 'cross-platform' ? 'Security key' : 'Passkey on this device'
}
