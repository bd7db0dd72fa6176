import { createHash, randomBytes } from 'node:crypto'
import type { Principal, Role } from '@easypass/contracts'
import type { AuthResult, ChangePasswordBody, LoginBody, PasswordResetConfirmBody, RegisterBody, UpdateMeBody, User } from '@easypass/contracts/auth'
import { fail, type AuthConfig, type Logger, tokenSigner } from '@easypass/kit'
import { isDuplicateOnly as isDuplicateKey } from '@easypass/kit'
import type { PasswordResetModels } from '../../db/password-resets'
import type { UserDoc, UserModel } from '../../db/users'
import type { ResetMailer } from './reset-email'
import { normaliseEmail, toUser } from '../users/service'
import type { LoginLimiter } from './login-limiter'
import { hashPassword, verifyPassword } from './passwords'
import type { SessionStore } from './sessions'

export interface AuthDeps {
  User: UserModel
  sessions: SessionStore
  limiter: LoginLimiter
  config: AuthConfig & { JWT_PRIVATE_KEY: string }
  resets: PasswordResetModels & {
    mailer: ResetMailer
    /** The web app's address: links point to `<publicUrl>/reset-password#token=…`. */
    publicUrl: string
    validMinutes: number
  }
  log: Logger
}

/** One answer for every link we will not honour: unknown, expired, used, or older than the password. */
const invalidResetLink = () =>
  fail('VALIDATION', 'token: this reset link is invalid, used or expired; ask for a new one', { fields: [{ path: 'token', message: 'this reset link is invalid, used or expired; ask for a new one' }] })

const hashResetToken = (token: string) => createHash('sha256').update(token).digest('hex')

/** The same words for an unknown email and a wrong password: a login never confirms that an account exists. */
const WRONG_CREDENTIALS = 'wrong email or password'

export function authService({ User, sessions, limiter, config, resets, log }: AuthDeps) {
  const signer = tokenSigner(config)

  /** The role goes into the signed access token; a new one is read from the database at every refresh. */
  async function signIn(user: Pick<UserDoc, '_id' | 'email' | 'name' | 'role' | 'createdAt'>, refreshToken: string): Promise<AuthResult> {
    let view = toUser(user)
    let accessToken = await signer.signAccess({ id: view.id, role: view.role, email: view.email })
    // An admin token is checked against the role once more after it is signed: a demotion that landed
    // between the read and the signature was announced for a second before this token's (the gateway
    // would take it), so the token is signed again with the role as it is now.
    if (view.role === 'admin') {
      const now = await User.findById(user._id, { role: 1 }).lean()
      if (now && now.role !== view.role) {
        view = { ...view, role: now.role }
        accessToken = await signer.signAccess({ id: view.id, role: view.role, email: view.email })
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
    return signIn(created, await sessions.start(String(created._id)))
  }

  async function login(body: LoginBody, clientIp: string): Promise<AuthResult> {
    const email = normaliseEmail(body.email)
    await limiter.attempt(email, clientIp)
    const user = await User.findOne({ email }).lean()
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
    await limiter.succeeded(email, clientIp)
    return signIn(user, await sessions.start(String(user._id)))
  }

  async function refresh(refreshToken: string): Promise<AuthResult> {
    const rotated = await sessions.rotate(refreshToken)
    const user = await User.findById(rotated.userId).lean()
    if (!user) {
      await sessions.revokeFamily(rotated.familyId, rotated.userId, 'logout')
      throw fail('UNAUTHENTICATED', 'the account no longer exists')
    }
    return signIn(user, rotated.refreshToken)
  }

  async function logout(refreshToken: string, principal: Principal) {
    await sessions.endSession(refreshToken, principal.id)
  }

  async function me(principal: Principal): Promise<User> {
    const user = /^[0-9a-f]{24}$/i.test(principal.id) ? await User.findById(principal.id).lean() : null
    if (!user) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    return toUser(user)
  }

  /** One field of one document: no other writer changes a name, so a plain update is enough. */
  async function updateMe(principal: Principal, body: UpdateMeBody): Promise<User> {
    const known = /^[0-9a-f]{24}$/i.test(principal.id) && (await User.updateOne({ _id: principal.id }, { $set: { name: body.name.trim() } })).matchedCount > 0
    if (!known) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    return me(principal)
  }

  /**
   * Answered at once, alike for every email (202): looking the account up, storing the link and sending
   * it happen afterwards, so neither the answer nor its timing tells whether an account exists.
   */
  async function requestPasswordReset(rawEmail: string, clientIp: string) {
    const email = normaliseEmail(rawEmail)
    await limiter.resetRequested(email, clientIp)
    void sendResetLink(email).catch((error) => log.error({ err: String(error) }, 'password reset link not created'))
  }

  async function sendResetLink(email: string) {
    const user = await User.findOne({ email }, { _id: 1, name: 1, email: 1 }).lean()
    if (!user) return
    const token = randomBytes(32).toString('base64url')
    const createdAt = new Date()
    await resets.PasswordReset.create({ _id: hashResetToken(token), userId: String(user._id), createdAt, expiresAt: new Date(createdAt.getTime() + resets.validMinutes * 60_000) })
    // In the fragment: a browser never sends it to a server, so it stays out of access logs and Referer.
    await resets.mailer.send(user.email, user.name, `${resets.publicUrl.replace(/\/+$/, '')}/reset-password#token=${token}`, resets.validMinutes)
  }

  /**
   * A link works once, within its time, and only while the password is the one it was sent for. The
   * first of any number of concurrent uses inserts its "used" marker (unique `_id`); the others are
   * refused. Every session of the account ends, and the caller is signed in with the new password.
   */
  async function resetPassword(body: PasswordResetConfirmBody, clientIp: string): Promise<AuthResult> {
    const hash = hashResetToken(body.token)
    const link = await resets.PasswordReset.findById(hash).lean()
    if (!link || link.expiresAt.getTime() <= Date.now()) throw invalidResetLink()
    const user = await User.findById(link.userId).lean()
    if (!user || (user.passwordChangedAt && user.passwordChangedAt.getTime() >= link.createdAt.getTime())) throw invalidResetLink()
    if (await resets.PasswordResetUse.exists({ _id: hash })) throw invalidResetLink()
    const passwordHash = await hashPassword(body.password)
    try {
      await resets.PasswordResetUse.create({ _id: hash, userId: link.userId, usedAt: new Date(), expiresAt: link.expiresAt })
    } catch (error) {
      if (isDuplicateKey(error)) throw invalidResetLink()
      throw error
    }
    await setPassword(user._id, passwordHash)
    await limiter.passwordReset(user.email, clientIp)
    return signIn(user, await sessions.start(String(user._id)))
  }

  /** Stores the new hash and ends every session; the session started after this is the only one left. */
  async function setPassword(userId: UserDoc['_id'], passwordHash: string) {
    await User.updateOne({ _id: userId }, { $set: { passwordHash, passwordChangedAt: new Date() } })
    const ended = await sessions.endAllSessions(String(userId))
    log.info({ userId: String(userId), sessionsEnded: ended }, 'password changed: every session ended')
  }

  /**
   * A signed-in user's new password, given the current one: counted like a sign-in attempt (a stolen
   * access token cannot be used to guess the password), then every other session ends.
   */
  async function changePassword(principal: Principal, body: ChangePasswordBody, clientIp: string): Promise<AuthResult> {
    const user = /^[0-9a-f]{24}$/i.test(principal.id) ? await User.findById(principal.id).lean() : null
    if (!user) throw fail('UNAUTHENTICATED', 'the account no longer exists')
    await limiter.attempt(user.email, clientIp)
    let matches: boolean
    try {
      matches = await verifyPassword(body.currentPassword, user.passwordHash)
    } catch (error) {
      await limiter.notChecked(user.email, clientIp)
      throw error
    }
    if (!matches) {
      await limiter.failed(user.email, clientIp)
      throw fail('VALIDATION', 'currentPassword: this is not your current password', { fields: [{ path: 'currentPassword', message: 'this is not your current password' }] })
    }
    await limiter.succeeded(user.email, clientIp)
    await setPassword(user._id, await hashPassword(body.newPassword))
    return signIn(user, await sessions.start(String(user._id)))
  }

  return { register, login, refresh, logout, me, updateMe, requestPasswordReset, resetPassword, changePassword }
}
export type AuthService = ReturnType<typeof authService>
