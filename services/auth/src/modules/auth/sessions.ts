import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { AppError, fail, type Logger } from '@easypass/kit'
import { isDuplicateOnly as isDuplicateKey } from '@easypass/kit'
import type { SessionModels } from '../../db/sessions'

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400
/**
 * A token presented again this soon after its rotation is taken for the same client refreshing twice
 * at once (two tabs, a retried request): refused, but the session lives on. Later, it is a replay.
 */
export const REFRESH_REUSE_LEEWAY_MS = 2_000

/**
 * What auth stores in place of a secret a person holds (a refresh token, a reset link's token, a
 * recovery code): a copy of the database then hands out none that work.
 */
export function hashSecret(secret: string) {
  return createHash('sha256').update(secret).digest('hex')
}

/** One message for every refresh token we will not honour: unknown, expired, rotated, revoked. */
const invalidRefreshToken = () => fail('UNAUTHENTICATED', 'the refresh token is invalid or expired')

/** The same answer, for a token its own client just rotated (refreshing twice at once): the session goes on. */
export class SameClientRefresh extends AppError {
  constructor() {
    super('UNAUTHENTICATED', 'the refresh token is invalid or expired')
  }
}

/**
 * Refresh tokens (see db/sessions.ts for the append-only layout). A login starts a family; each
 * refresh spends the presented token and hands out its successor in the same family.
 */
export function sessionStore(models: SessionModels, log: Logger) {
  const { RefreshToken, Rotation, RevokedFamily } = models

  /**
   * `passkeyId`: the family signed in with that passkey, and every token of it says so. `twoSteps`: its
   * sign-in had two steps, and every token of it says so too.
   */
  async function issue(userId: string, familyId: string = randomUUID(), familyStartedAt?: Date, passkeyId?: string, twoSteps?: boolean) {
    const token = randomBytes(32).toString('base64url')
    const hash = hashSecret(token)
    const createdAt = new Date()
    await RefreshToken.create({
      _id: hash,
      userId,
      familyId,
      familyStartedAt: familyStartedAt ?? createdAt,
      passkeyId,
      ...(twoSteps !== undefined ? { twoSteps } : {}),
      createdAt,
      expiresAt: new Date(createdAt.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000),
    })
    return { token, hash, familyId, familyStartedAt: familyStartedAt ?? createdAt }
  }

  async function isRevoked(familyId: string) {
    return (await RevokedFamily.exists({ _id: familyId })) !== null
  }

  async function revokeFamily(familyId: string, userId: string, reason: 'logout' | 'reuse' | 'password' | 'passkey') {
    const revokedAt = new Date()
    try {
      // Kept (with a day to spare) for as long as any token issued to the family could still be unexpired.
      const expiresAt = new Date(revokedAt.getTime() + (REFRESH_TOKEN_TTL_SECONDS + 86_400) * 1000)
      await RevokedFamily.create({ _id: familyId, userId, reason, revokedAt, expiresAt })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error // already revoked: nothing more to do
    }
  }

  /**
   * Spends `token` and returns its successor. Race-safe without transactions: the successor is written
   * first, then the "spent" marker whose `_id` is the spent token's hash. The unique `_id` lets exactly one
   * of any number of concurrent refreshes with the same token insert it; every other one gets a duplicate
   * key and 401. Within REFRESH_REUSE_LEEWAY_MS of the rotation that is all (the winner's session goes
   * on); later it is a stolen token being replayed, and the whole family is revoked, its newer tokens too.
   */
  async function rotate(token: string): Promise<{ userId: string; familyId: string; familyStartedAt: Date; passkeyId?: string; twoSteps?: boolean; refreshToken: string }> {
    const spentHash = hashSecret(token)
    const current = await RefreshToken.findById(spentHash).lean()
    if (!current || current.expiresAt.getTime() <= Date.now()) throw invalidRefreshToken()
    if (await isRevoked(current.familyId)) throw invalidRefreshToken()
    const passkeyId = current.passkeyId ?? undefined
    const twoSteps = typeof current.twoSteps === 'boolean' ? current.twoSteps : undefined
    const next = await issue(current.userId, current.familyId, current.familyStartedAt ?? current.createdAt, passkeyId, twoSteps)
    try {
      await Rotation.create({ _id: spentHash, replacedBy: next.hash, familyId: current.familyId, rotatedAt: new Date(), expiresAt: current.expiresAt })
    } catch (error) {
      if (!isDuplicateKey(error)) throw error
      const rotation = await Rotation.findById(spentHash).lean()
      if (rotation && Date.now() - rotation.rotatedAt.getTime() < REFRESH_REUSE_LEEWAY_MS) throw new SameClientRefresh()
      await revokeFamily(current.familyId, current.userId, 'reuse')
      log.warn({ userId: current.userId, familyId: current.familyId }, 'refresh token reused: session family revoked')
      throw invalidRefreshToken()
    }
    // A logout or a detected reuse that landed while this refresh ran wins over it.
    if (await isRevoked(current.familyId)) throw invalidRefreshToken()
    return { userId: current.userId, familyId: current.familyId, familyStartedAt: next.familyStartedAt, passkeyId, ...(twoSteps !== undefined ? { twoSteps } : {}), refreshToken: next.token }
  }

  /** Ends the session `token` belongs to, if it is one of `userId`'s; anything else is already no session. */
  async function endSession(token: string, userId: string) {
    const current = await RefreshToken.findById(hashSecret(token)).lean()
    if (current && current.userId === userId) await revokeFamily(current.familyId, userId, 'logout')
  }

  /**
   * Ends every session of `userId` (a new password), or those signed in with one passkey (removed): each family with a token that could still be
   * refreshed is revoked. A refresh running meanwhile issues its successor in a family revoked here.
   */
  async function endAllSessions(userId: string, signedInWith?: { passkeyId: string }) {
    const families: string[] = await RefreshToken.distinct('familyId', { userId, ...signedInWith, expiresAt: { $gt: new Date() } })
    await Promise.all(families.map((familyId) => revokeFamily(familyId, userId, signedInWith ? 'passkey' : 'password')))
    return families.length
  }

  /** Deletes what can no longer matter; run periodically, off the request path. */
  async function sweepExpired() {
    const now = new Date()
    for (const model of [RefreshToken, Rotation, RevokedFamily] as const) await (model as typeof RefreshToken).deleteMany({ expiresAt: { $lt: now } })
  }

  return {
    /** A new session; `twoSteps`: whether its sign-in had them. */
    start: (userId: string, twoSteps: boolean) => issue(userId, undefined, undefined, undefined, twoSteps).then((s) => s.token),
    begin: (userId: string, twoSteps: boolean, passkeyId?: string) => issue(userId, undefined, undefined, passkeyId, twoSteps),
    rotate, endSession, endAllSessions, revokeFamily, sweepExpired }
}
export type SessionStore = ReturnType<typeof sessionStore>
