import type { AlertMailer } from './alert-email'
import { createHash, randomBytes } from 'node:crypto'
import type { Principal, Role } from '@easypass/contracts'
import type { Language } from '@easypass/contracts/languages'
import type { AuthResult, ChangePasswordBody, LoginBody, PasswordResetConfirmBody, RegisterBody, TwoFactorConfirmBody, TwoFactorEnabled, TwoFactorSetup, UpdateMeBody, User } from '@easypass/contracts/auth'
import { fail, isObjectId, tokenSigner, type AuthConfig, type Logger } from '@easypass/kit'
import { isDuplicateOnly as isDuplicateKey } from '@easypass/kit'
import type { PasswordResetModels } from '../../db/password-resets'
import type { UserDoc, UserModel } from '../../db/users'
import type { ResetMailer } from './reset-email'
import { normaliseEmail, toUser, type AccountFields } from '../users/service'
import type { LoginLimiter } from './login-limiter'
import { hashPassword, verifyPassword } from './passwords'
import { hashSecret, type SessionStore } from './sessions'
import type { TwoFactorService } from './two-factor'
import type { GuestLinkModels } from '../../db/guest-links'
import type { GuestMailer } from './guest-email'
import { guestService } from './guests'

export interface AuthDeps {
  User: UserModel
  twoFactor: TwoFactorService
  /** Roles that sign in as customers until their two-step sign-in is on. */
  twoFactorRequiredRoles: ReadonlySet<Role>
  /** The owner told by email that two-step sign-in was turned on (never throws). */
  alerts?: Pick<AlertMailer, 'twoFactorOn' | 'twoFactorOff'>
  sessions: SessionStore
  limiter: LoginLimiter
  config: AuthConfig & { JWT_PRIVATE_KEY: string }
  resets: PasswordResetModels & {
    mailer: ResetMailer
    /** The web app's address: links point to `<publicUrl>/reset-password#token=…`. */
    publicUrl: string
    validMinutes: number
  }
  /** Guests' links back (sent like reset links, to the same web app, valid as long). */
  guestLinks: GuestLinkModels & { mailer: GuestMailer }
  /** The passkey a session began with: its owner, and whether it gives a role that takes two steps (null: removed). */
  passkeyOf: (id: string) => Promise<{ userId: string; twoSteps: boolean } | null>
  log: Logger
}

/** One answer for every link we will not honour: unknown, expired, used, or older than the password. */
const invalidResetLink = () =>
  fail('VALIDATION', 'token: this reset link is invalid, used or expired; ask for a new one', { fields: [{ path: 'token', message: 'this reset link is invalid, used or expired; ask for a new one' }] })

/** Names a password hash without revealing it: links and change markers are tied to the password they replace. */
const fingerprint = (passwordHash: string) => createHash('sha256').update(passwordHash).digest('hex').slice(0, 32)

/** The same words for an unknown email and a wrong password: a login never confirms that an account exists. */
const WRONG_CREDENTIALS = 'wrong email or password'
/** The password was right and the account signs in with a second step: ask for its code. */
const codeRequired = () => fail('TWO_FACTOR_REQUIRED', 'enter the code from your authenticator app (or one of your recovery codes)')
const WRONG_CODE = 'wrong code, or one used already'
/** Said only once the password was right: the field tells a client it is the code that was wrong. */
const wrongCode = () => fail('UNAUTHENTICATED', WRONG_CODE, { fields: [{ path: 'code', message: WRONG_CODE }] })

export function authService({ User, twoFactor, twoFactorRequiredRoles, alerts, sessions, limiter, config, resets, guestLinks, passkeyOf, log }: AuthDeps) {
  const signer = tokenSigner(config)

  /**
   * The account as it signs in (the role goes into the signed access token; it is read from the
   * database again at every refresh): one whose role (staff, admin) takes two-step sign-in
   * (`TWO_FACTOR_REQUIRED_ROLES`) signs in as a customer until it is on, told so by `roleNeedsTwoFactor`:
   * enough to set it up on the account page, nothing of the role's own. `twoSteps`: the session's sign-in
   * had them; by default, when the account's app is on (its code was asked for). A session begun with a
   * passkey says whether that passkey was added with two steps, whatever the app.
   */
  function asSignedIn(user: AccountFields, twoSteps = Boolean(user.twoFactor?.secret)): User {
    const view = toUser(user)
    if (view.role === 'customer' || !twoFactorRequiredRoles.has(view.role) || twoSteps) return view
    const { events: _events, ...asCustomer } = view
    return { ...asCustomer, role: 'customer', roleNeedsTwoFactor: view.role }
  }

  async function signIn(user: AccountFields, refreshToken: string, twoSteps?: boolean): Promise<AuthResult> {
    const sign = (view: User, from: AccountFields) =>
      signer.signAccess({ id: view.id, role: view.role, email: view.email, guest: view.guest, events: view.events, eventsSince: from.staffEventsAt ? new Date(from.staffEventsAt).getTime() : undefined })
    let view = asSignedIn(user, twoSteps)
    let accessToken = await sign(view, user)
    // An admin's or door worker's token is checked against the role once more after it is signed: a
    // demotion that landed between the read and the signature was announced for a second before this
    // token's (the gateway would take it), so the token is signed again with the role as it is now; a door
    // worker's events set meanwhile too.
    if (view.role !== 'customer') {
      const now = await User.findById(user._id, { role: 1, staffEvents: 1, staffEventsAt: 1 }).lean()
      if (now && (now.role !== view.role || String(now.staffEventsAt ?? '') !== String(user.staffEventsAt ?? ''))) {
        const current = { ...user, role: now.role, staffEvents: now.staffEvents, staffEventsAt: now.staffEventsAt }
        view = asSignedIn(current, twoSteps)
        accessToken = await sign(view, current)
      }
    }
    return { user: view, accessToken, refreshToken }
  }

  /** Everyone who registers is a customer: the role is never taken from the request. */
  async function register(body: RegisterBody, clientIp: string): Promise<AuthResult> {
    const email = normaliseEmail(body.email)
    await limiter.registering(clientIp)
    if (await User.exists({ email })) throw fail('CONFLICT', 'an account with this email already exists')
    let created
    try {
      const passwordHash = await hashPassword(body.password).catch(async (error) => {
        await limiter.notRegistered(clientIp)
        throw error
      })
      created = await User.create({ email, name: body.name.trim(), role: 'customer' satisfies Role, passwordHash })
    } catch (error) {
      // Two registrations raced past the check above: the unique email index let exactly one in.
      if (isDuplicateKey(error)) throw fail('CONFLICT', 'an account with this email already exists')
      throw error
    }
    return signIn(created, await sessions.start(String(created._id), false), false)
  }

  async function login(body: LoginBody, clientIp: string): Promise<AuthResult> {
    const email = normaliseEmail(body.email)
    await limiter.attempt(email, clientIp)
    const found = await User.findOne({ email }).lean()
    // A guest has no password: found only by its own key (never shown), it is no account to sign in to.
    const user = found?.guest ? null : found
    let matches: boolean
    try {
      matches = await verifyPassword(body.password, user?.passwordHash)
    } catch (error) {
      // Too busy to check it (503): a retry must not find its attempt counted.
      await limiter.notChecked(email, clientIp)
      throw error
    }
    if (!matches || !user) {
      await limiter.failed(email, clientIp)
      throw fail('UNAUTHENTICATED', WRONG_CREDENTIALS)
    }
    if (twoFactor.isOn(user)) {
      // No code yet: nothing was guessed, the attempt does not count. A wrong code counts like a wrong
      // password, so codes are guessed no faster than passwords.
      if (!body.code) {
        await limiter.notChecked(email, clientIp)
        throw codeRequired()
      }
      if (!(await twoFactor.check(user, body.code))) {
        await limiter.failed(email, clientIp)
        throw wrongCode()
      }
    }
    await limiter.succeeded(email, clientIp)
    // With the app on, the code was checked above: the session has two steps, and keeps that at each refresh.
    const twoSteps = twoFactor.isOn(user)
    const session = await sessions.begin(String(user._id), twoSteps)
    // A new password that landed while this one was being checked: its session must not outlive the
    // old password (the change ended only the sessions that existed then).
    // Two-step sign-in turned on meanwhile (it ended the sessions there were): no session without its code.
    const now = await User.findById(user._id, { passwordHash: 1, 'twoFactor.secret': 1 }).lean()
    if (!now || now.passwordHash !== user.passwordHash || (!twoSteps && now.twoFactor?.secret)) {
      await sessions.revokeFamily(session.familyId, String(user._id), 'password')
      throw fail('UNAUTHENTICATED', WRONG_CREDENTIALS)
    }
    return signIn(user, session.token, twoSteps)
  }

  async function refresh(refreshToken: string): Promise<AuthResult> {
    const rotated = await sessions.rotate(refreshToken)
    const user = await User.findById(rotated.userId).lean()
    // A session from before the last new password is over, also if ending it at the change failed.
    if (user?.passwordChangedAt && rotated.familyStartedAt.getTime() < user.passwordChangedAt.getTime()) {
      await sessions.revokeFamily(rotated.familyId, rotated.userId, 'password')
      throw fail('UNAUTHENTICATED', 'the refresh token is invalid or expired')
    }
    if (!user) {
      await sessions.revokeFamily(rotated.familyId, rotated.userId, 'logout')
      throw fail('UNAUTHENTICATED', 'the account no longer exists')
    }
    // A session begun with a passkey lives as long as the passkey (removing it also ends its sessions,
    // but a removal that stopped half-way, or a sign-in racing it, is caught here).
    const passkey = rotated.passkeyId !== undefined ? await passkeyOf(rotated.passkeyId) : undefined
    if (passkey === null || (passkey && passkey.userId !== rotated.userId)) {
      await sessions.revokeFamily(rotated.familyId, rotated.userId, 'passkey')
      throw fail('UNAUTHENTICATED', 'the passkey this session began with was removed: sign in again')
    }
    // A guest in use: the deletion of unused guests counts from today (written at most once a day, and
    // at once after they were told their account would be deleted: that is called off).
    if (user.guest && (user.guestNoticeAt || !(user.guestUsedAt && user.guestUsedAt.getTime() > Date.now() - 86_400_000))) {
      await User.updateOne({ _id: user._id, guest: true }, { $set: { guestUsedAt: new Date() }, $unset: { guestKeptUntil: 1, guestNoticeAt: 1 } })
    }
    // What the session's sign-in had, never what the account has now: a session from before the app was
    // turned on (a stolen one) must not gain the role when the owner turns it on.
    // And only while the app is on: turned off (by the owner, or by an admin for a lost phone, or for a
    // thief who turned it on), its sessions lose the role at their next refresh, as before.
    return signIn(user, rotated.refreshToken, passkey ? passkey.twoSteps : rotated.twoSteps !== false && twoFactor.isOn(user))
  }

  async function logout(refreshToken: string, principal: Principal) {
    await sessions.endSession(refreshToken, principal.id)
  }

  async function me(principal: Principal): Promise<User> {
    const user = isObjectId(principal.id) ? await User.findById(principal.id).lean() : null
    if (!user) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    // A token that carries the account's role was signed with it only when the role was allowed; any
    // other is shown the account as a sign-in with its password (and code) would give it.
    return asSignedIn(user, principal.role === user.role ? true : undefined)
  }

  /** One field of one document: no other writer changes a name, so a plain update is enough. */
  async function updateMe(principal: Principal, body: UpdateMeBody): Promise<User> {
    const known = isObjectId(principal.id) && (await User.updateOne({ _id: principal.id }, { $set: { name: body.name.trim() } })).matchedCount > 0
    if (!known) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    return me(principal)
  }

  /**
   * Answered at once, alike for every email (202): looking the account up, storing the link and sending
   * it happen afterwards, so neither the answer nor its timing tells whether an account exists.
   */
  async function requestPasswordReset(rawEmail: string, clientIp: string, language?: Language) {
    const email = normaliseEmail(rawEmail)
    if (!(await limiter.resetRequested(email, clientIp))) return
    void sendResetLink(email, language).catch((error) => log.error({ err: String(error) }, 'password reset link not created'))
  }

  /** In the language the link was asked for in (the page that asked). */
  async function sendResetLink(email: string, language?: Language) {
    const user = await User.findOne({ email }, { _id: 1, name: 1, email: 1, passwordHash: 1, guest: 1 }).lean()
    if (!user || user.guest) return
    const token = randomBytes(32).toString('base64url')
    const createdAt = new Date()
    await resets.PasswordReset.create({
      _id: hashSecret(token),
      userId: String(user._id),
      passwordFingerprint: fingerprint(user.passwordHash),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + resets.validMinutes * 60_000),
    })
    // In the fragment: a browser never sends it to a server, so it stays out of access logs and Referer.
    await resets.mailer.send(user.email, user.name, `${resets.publicUrl.replace(/\/+$/, '')}/reset-password#token=${token}`, resets.validMinutes, language)
  }

  /**
   * A link works once, within its time, and only while the password is the one it was sent for. The
   * first of any number of concurrent uses inserts its "used" marker (unique `_id`); the others are
   * refused. Every session of the account ends, and the caller is signed in with the new password.
   */
  async function resetPassword(body: PasswordResetConfirmBody, clientIp: string): Promise<AuthResult> {
    const hash = hashSecret(body.token)
    const link = await resets.PasswordReset.findById(hash).lean()
    if (!link || link.expiresAt.getTime() <= Date.now()) throw invalidResetLink()
    const user = await User.findById(link.userId).lean()
    if (!user || fingerprint(user.passwordHash) !== link.passwordFingerprint) throw invalidResetLink()
    if (await resets.PasswordResetUse.exists({ _id: hash })) throw invalidResetLink()
    // A mailbox is not the second step: an account that signs in with a code needs it here too (the link
    // keeps working until it is used). Codes are counted like sign-in attempts.
    if (twoFactor.isOn(user) && !body.code) throw codeRequired()
    // Hashed before a code is used up: a busy server (503) must not cost one of ten recovery codes.
    const passwordHash = await hashPassword(body.password)
    if (twoFactor.isOn(user)) {
      await limiter.attempt(user.email, clientIp)
      if (!(await twoFactor.check(user, body.code!))) {
        await limiter.failed(user.email, clientIp)
        throw wrongCode()
      }
    }
    try {
      await resets.PasswordResetUse.create({ _id: hash, userId: link.userId, usedAt: new Date(), expiresAt: link.expiresAt })
    } catch (error) {
      if (isDuplicateKey(error)) throw invalidResetLink()
      throw error
    }
    let changed: boolean
    try {
      changed = await setPassword(user, passwordHash)
    } catch (error) {
      // Nothing changed: the link works again for a retry.
      await resets.PasswordResetUse.deleteOne({ _id: hash }).catch(() => {})
      throw error
    }
    if (!changed) throw invalidResetLink()
    // They proved they own the mailbox: failed sign-ins from this address no longer count against them.
    await limiter.succeeded(user.email, clientIp)
    // With the app on, its code was checked above.
    const twoSteps = twoFactor.isOn(user)
    return signIn(user, await sessions.start(String(user._id), twoSteps), twoSteps)
  }

  /**
   * Replaces `user`'s password, unless it was replaced meanwhile (false): the first change from a given
   * password inserts its marker, so of two at once exactly one lands. Then every session ends; a session
   * started after this is the only one left. (`refresh` also refuses sessions older than the change.)
   */
  async function setPassword(user: Pick<UserDoc, '_id' | 'passwordHash'>, passwordHash: string): Promise<boolean> {
    const userId = String(user._id)
    const marker = `${userId}:${fingerprint(user.passwordHash)}`
    const changedAt = new Date()
    try {
      await resets.PasswordChange.create({ _id: marker, userId, changedAt, expiresAt: new Date(changedAt.getTime() + 86_400_000) })
    } catch (error) {
      if (isDuplicateKey(error)) return false
      throw error
    }
    try {
      const updated = await User.updateOne({ _id: user._id, passwordHash: user.passwordHash }, { $set: { passwordHash, passwordChangedAt: changedAt } })
      if (updated.matchedCount === 0) return false
    } catch (error) {
      await resets.PasswordChange.deleteOne({ _id: marker }).catch(() => {})
      throw error
    }
    try {
      const ended = await sessions.endAllSessions(userId)
      log.info({ userId, sessionsEnded: ended }, 'password changed: every session ended')
    } catch (error) {
      // Refreshes of those sessions are refused all the same (they started before the change).
      log.warn({ userId, err: String(error) }, 'password changed, but ending the sessions failed: their refreshes are refused')
    }
    return true
  }

  /**
   * A signed-in user's new password, given the current one: counted like a sign-in attempt (a stolen
   * access token cannot be used to guess the password), then every other session ends.
   */
  async function changePassword(principal: Principal, body: ChangePasswordBody, clientIp: string): Promise<AuthResult> {
    const user = await signedInUser(principal)
    // With two-step sign-in on, a code too: a stolen session that knows the password must not end the
    // owner's sessions and lock them out of their own account.
    const on = Boolean(user.twoFactor?.secret)
    if (on && body.code === undefined) throw fail('VALIDATION', 'code: enter the code from your authenticator app (or one of your recovery codes)', { fields: [{ path: 'code', message: 'enter the code from your authenticator app (or one of your recovery codes)' }] })
    await confirmPassword(user, body.currentPassword, 'currentPassword', clientIp, on ? body.code : undefined)
    if (!(await setPassword(user, await hashPassword(body.newPassword))))
      throw fail('CONFLICT', 'your password was changed meanwhile (a reset link, another device): sign in again with the new one')
    // The new session is as strong as the one that asked, or as the code just checked (a password
    // alone does not add the second step).
    const twoSteps = on || hasTwoSteps(principal, user)
    return signIn(user, await sessions.start(String(user._id), twoSteps), twoSteps)
  }

  /** The session of `principal` holds `user`'s role, one that takes two steps: it was signed in with them. */
  const hasTwoSteps = (principal: Principal, user: Pick<UserDoc, 'role'>) => principal.role !== 'customer' && principal.role === user.role && twoFactorRequiredRoles.has(user.role as Role)

  /** The account of a change of how one signs in: a guest has no password to confirm it with. */
  async function signedInUser(principal: Principal) {
    const user = isObjectId(principal.id) ? await User.findById(principal.id).lean() : null
    if (!user) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    if (user.guest) throw fail('CONFLICT', 'you bought as a guest, without a password: create an account to have one')
    return user
  }

  /**
   * The signed-in user's password, asked again before a change of how they sign in, and (`code`) a code
   * of their app: counted like a sign-in attempt, so a stolen access token cannot be used to guess
   * either. A wrong password is 400 on `field`, a wrong code 400 on `code`; the count is cleared only
   * when both were right.
   */
  async function confirmPassword(user: Pick<UserDoc, '_id' | 'email' | 'passwordHash' | 'twoFactor'>, password: string, field: string, clientIp: string, code?: string) {
    await limiter.attempt(user.email, clientIp)
    let matches: boolean
    try {
      matches = await verifyPassword(password, user.passwordHash)
    } catch (error) {
      await limiter.notChecked(user.email, clientIp)
      throw error
    }
    if (!matches) {
      await limiter.failed(user.email, clientIp)
      throw fail('VALIDATION', `${field}: this is not your current password`, { fields: [{ path: field, message: 'this is not your current password' }] })
    }
    if (code !== undefined && !(await twoFactor.check(user, code))) {
      await limiter.failed(user.email, clientIp)
      throw fail('VALIDATION', `code: ${WRONG_CODE}`, { fields: [{ path: 'code', message: WRONG_CODE }] })
    }
    await limiter.succeeded(user.email, clientIp)
  }

  /**
   * The password, and a code with two-step sign-in on (400 on `code` without one), before something only
   * the owner may do (close the account, add a passkey): both counted like a sign-in, as `confirmPassword`.
   */
  async function confirmSteps(user: Pick<UserDoc, '_id' | 'email' | 'passwordHash' | 'twoFactor'>, password: string, clientIp: string, code?: string) {
    const on = Boolean(user.twoFactor?.secret)
    if (on && code === undefined) throw fail('VALIDATION', 'code: enter the code from your authenticator app (or one of your recovery codes)', { fields: [{ path: 'code', message: 'enter the code from your authenticator app (or one of your recovery codes)' }] })
    await confirmPassword(user, password, 'password', clientIp, on ? code : undefined)
  }

  /** A secret for the account's authenticator app (not on until confirmed). */
  async function setupTwoFactor(principal: Principal): Promise<TwoFactorSetup> {
    return twoFactor.setup(await signedInUser(principal))
  }

  /**
   * On, with the password and a code from the app; the recovery codes, once. Every session of the
   * account ends: none of them had the second step, and one of them may be a thief's (a role that takes
   * two steps must not come to it). The caller, who just gave both, is signed in again with them.
   */
  async function enableTwoFactor(principal: Principal, body: TwoFactorConfirmBody, clientIp: string): Promise<TwoFactorEnabled> {
    const user = await signedInUser(principal)
    await confirmPassword(user, body.password, 'password', clientIp)
    const recoveryCodes = await twoFactor.enable(user, body.code)
    const userId = String(user._id)
    try {
      const ended = await sessions.endAllSessions(userId)
      log.info({ userId, sessionsEnded: ended }, 'two-step sign-in turned on: every earlier session ended')
    } catch (error) {
      // Their refreshes still go by what their own sign-in had: without the second step, never the role.
      log.warn({ userId, err: String(error) }, 'two-step sign-in turned on, but ending the earlier sessions failed')
    }
    // Whoever set it up had the password: if that was not the owner, the owner hears of it at once.
    void alerts?.twoFactorOn(user.email)
    const now = await User.findById(user._id).lean()
    if (!now) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    return { ...(await signIn(now, await sessions.start(userId, true), true)), recoveryCodes }
  }

  /** Off, with the password and a code (from the app, or a recovery code). */
  async function disableTwoFactor(principal: Principal, body: TwoFactorConfirmBody, clientIp: string): Promise<User> {
    const user = await signedInUser(principal)
    if (!twoFactor.isOn(user)) throw fail('CONFLICT', 'two-step sign-in is not on')
    await confirmPassword(user, body.password, 'password', clientIp, body.code)
    await twoFactor.disable(String(user._id))
    // As for turning it on: if that was not the owner (password and app, or a recovery code, stolen), they hear of it.
    void alerts?.twoFactorOff(user.email, false)
    return me(principal)
  }

  /** New recovery codes, with the password and a code; the earlier ones stop working. */
  async function newRecoveryCodes(principal: Principal, body: TwoFactorConfirmBody, clientIp: string): Promise<{ recoveryCodes: string[] }> {
    const user = await signedInUser(principal)
    if (!twoFactor.isOn(user)) throw fail('CONFLICT', 'two-step sign-in is not on')
    await confirmPassword(user, body.password, 'password', clientIp, body.code)
    return { recoveryCodes: await twoFactor.newRecoveryCodes(user) }
  }

  const guests = guestService({ User, links: { ...guestLinks, publicUrl: resets.publicUrl, validMinutes: resets.validMinutes }, sessions, limiter, signIn, log })

  return { startGuest: guests.start, requestGuestLink: guests.requestLink, openGuestLink: guests.open, keepGuest: guests.keep, register, login, refresh, logout, me, updateMe, requestPasswordReset, resetPassword, changePassword, setupTwoFactor, enableTwoFactor, disableTwoFactor, newRecoveryCodes, confirmSteps, signIn, signedInUser, hasTwoSteps }
}
export type AuthService = ReturnType<typeof authService>
