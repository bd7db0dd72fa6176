import type { Principal, Role } from '@easypass/contracts'
import type { AuthResult, LoginBody, RegisterBody, User } from '@easypass/contracts/auth'
import { fail, type AuthConfig, tokenSigner } from '@easypass/kit'
import { isDuplicateOnly as isDuplicateKey } from '@easypass/kit'
import type { UserDoc, UserModel } from '../../db/users'
import { normaliseEmail, toUser } from '../users/service'
import type { LoginLimiter } from './login-limiter'
import { hashPassword, verifyPassword } from './passwords'
import type { SessionStore } from './sessions'

export interface AuthDeps {
  User: UserModel
  sessions: SessionStore
  limiter: LoginLimiter
  config: AuthConfig & { JWT_PRIVATE_KEY: string }
}

/** The same words for an unknown email and a wrong password: a login never confirms that an account exists. */
const WRONG_CREDENTIALS = 'wrong email or password'

export function authService({ User, sessions, limiter, config }: AuthDeps) {
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

  return { register, login, refresh, logout, me }
}
export type AuthService = ReturnType<typeof authService>
