import type { Role } from '@easypass/contracts'
import type { User, UserList } from '@easypass/contracts/auth'
import type { Redis } from 'ioredis'
import { ACCESS_TOKEN_TTL_SECONDS, escapeRegExp, fail, roleWithdrawnKey, rolesAbove, STAFF_EVENTS_FIELD, type Logger } from '@easypass/kit'
import type { UserDoc, UserModel } from '../../db/users'
import type { TwoFactorService } from '../auth/two-factor'
import type { AlertMailer } from '../auth/alert-email'

/** What an account's view is made of. */
export type AccountFields = Pick<UserDoc, '_id' | 'email' | 'name' | 'role' | 'createdAt'> & Partial<Pick<UserDoc, 'twoFactor' | 'guest' | 'contactEmail' | 'staffEvents' | 'staffEventsAt'>>

/** The one way an account leaves this service: the hash stays behind. */
export function toUser(doc: AccountFields): User {
  return {
    id: String(doc._id),
    // A guest's own key stays here: they are known by the address they bought with.
    email: doc.guest ? (doc.contactEmail ?? '') : doc.email,
    name: doc.name,
    role: doc.role as Role,
    twoFactor: !!doc.twoFactor?.secret,
    ...(doc.guest ? { guest: true } : {}),
    ...(doc.role === 'staff' && doc.staffEvents?.length ? { events: [...doc.staffEvents] } : {}),
    createdAt: new Date(doc.createdAt).toISOString(),
  }
}

/** Sets a hash field to a number unless it holds a larger one already (KEYS[1], ARGV: field, value). */
const RAISE_FIELD = `local held = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > held then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1`

export function normaliseEmail(email: string) {
  return email.trim().toLowerCase()
}


export interface UserListQuery {
  page?: number
  limit?: number
  q?: string
  role?: Role
  /** Comma-separated account ids (at most 100). */
  ids?: string
}

/** Where a role change is announced to the gateway (see `roleWithdrawnKey`). */
export interface RoleChanges {
  redis: Redis
  prefix: string
}

/** How many passkeys each of these accounts has (the admins' list shows it). */
export type PasskeyCounts = (userIds: string[]) => Promise<Map<string, number>>

export function usersService(User: UserModel, log: Logger, changes: RoleChanges, twoFactor: Pick<TwoFactorService, 'disable'>, passkeyCounts: PasskeyCounts, alerts?: Pick<AlertMailer, 'twoFactorOff'>) {
  async function list({ page = 1, limit = 20, q, role, ids }: UserListQuery): Promise<UserList> {
    const filter: Record<string, unknown> = {}
    if (ids) filter._id = { $in: [...new Set(ids.toLowerCase().split(','))] }
    if (q?.trim()) {
      const part = { $regex: escapeRegExp(normaliseEmail(q)) }
      filter.$or = [{ email: part, guest: { $ne: true } }, { contactEmail: part }]
    }
    if (role) filter.role = role
    const [docs, total] = await Promise.all([
      User.find(filter).sort({ createdAt: -1, _id: -1 }).skip((page - 1) * limit).limit(limit).lean(),
      User.countDocuments(filter),
    ])
    const counts = await passkeyCounts(docs.map((d) => String(d._id)))
    return { items: docs.map((d) => ({ ...toUser(d), passkeys: counts.get(String(d._id)) ?? 0 })), total, page, limit }
  }

  /**
   * Tells the gateway the account has `role` now: its tokens signed until now that carry a role above it
   * are refused (`roleWithdrawnKey`). Said on every change, promotions too: a promotion that follows a
   * demotion whose announcement failed withdraws what that one should have.
   */
  async function announce(id: string, role: Role, eventsSetAt?: Date) {
    const above = rolesAbove(role)
    if (!above.length && !eventsSetAt) return
    const now = String(Math.floor(Date.now() / 1000))
    const key = roleWithdrawnKey(changes.prefix, id)
    try {
      const pipeline = changes.redis.multi()
      if (above.length) pipeline.hset(key, Object.fromEntries(above.map((r) => [r, now])))
      // Door staff's events were set: their tokens carrying an earlier setting go (the client refreshes and
      // gets the new events). Only ever raised, so two changes at once leave the later one.
      if (eventsSetAt) pipeline.eval(RAISE_FIELD, 1, key, STAFF_EVENTS_FIELD, String(eventsSetAt.getTime()))
      const results = await pipeline.expire(key, ACCESS_TOKEN_TTL_SECONDS + 60).exec()
      const failed = results?.find(([error]) => error)
      if (!results || failed) throw failed?.[0] ?? new Error('the role change was not written')
    } catch (error) {
      log.warn({ userId: id, err: String(error) }, 'role change not announced to the gateway')
      throw fail('UNAVAILABLE', 'the role was changed, but its old tokens could not be withdrawn yet: send the same change again')
    }
  }

  /**
   * Promotes or demotes. The system never drops to zero admins: demoting the last one is refused, and
   * since two admins could demote each other at the same instant (no transactions), the count is checked
   * again after the write and the demotion undone if it left nobody in charge.
   */
  async function setRole(id: string, role: Role, actorId: string, events?: string[]): Promise<User> {
    if (events && role !== 'staff') throw fail('VALIDATION', 'events: only door staff are given events', { fields: [{ path: 'events', message: 'only with role staff' }] })
    const user = await User.findById(id).lean()
    if (!user) throw fail('NOT_FOUND', 'user not found')
    if (user.guest) throw fail('CONFLICT', 'a guest (who bought without an account) has no password to sign in with, so no role: they can create an account, which can then be given one')
    const scope = events ? [...new Set(events.map((e) => e.toLowerCase()))] : undefined
    const sameScope = JSON.stringify(user.staffEvents ?? null) === JSON.stringify(scope ?? null)
    if (user.role === role && sameScope) {
      // A retry of a change whose announcement failed announces it now (saying it twice is harmless).
      await announce(id, role, role === 'staff' ? user.staffEventsAt ?? undefined : undefined)
      return toUser(user)
    }
    // Made door staff, or door staff given other events: the setting gets its time, which their new
    // tokens carry; tokens with an earlier one (other events, or from an earlier time as staff) go.
    const eventsSetAt = role === 'staff' ? new Date() : undefined
    const staffFields = eventsSetAt ? { ...(scope ? { staffEvents: scope } : {}), staffEventsAt: eventsSetAt } : {}
    const unset = { ...(scope && eventsSetAt ? {} : { staffEvents: 1 }), ...(eventsSetAt ? {} : { staffEventsAt: 1 }) }
    if (user.role === role) {
      await User.updateOne({ _id: user._id }, { $set: staffFields, ...(Object.keys(unset).length ? { $unset: unset } : {}) })
      await announce(id, role, eventsSetAt)
      log.info({ userId: id, events: scope ?? 'all', by: actorId }, "door staff's events changed")
      return toUser({ ...user, staffEvents: scope, staffEventsAt: eventsSetAt })
    }
    const demotingAnAdmin = user.role === 'admin'
    if (demotingAnAdmin && (await User.countDocuments({ role: 'admin' })) <= 1) throw fail('CONFLICT', 'the last admin cannot be demoted')
    await User.updateOne({ _id: user._id }, { $set: { role, ...staffFields }, ...(Object.keys(unset).length ? { $unset: unset } : {}) })
    if (demotingAnAdmin && (await User.countDocuments({ role: 'admin' })) === 0) {
      await User.updateOne({ _id: user._id }, { $set: { role: 'admin' }, $unset: { staffEvents: 1, staffEventsAt: 1 } })
      throw fail('CONFLICT', 'the last admin cannot be demoted')
    }
    // The gateway refuses this user's tokens signed until now that carry more than the new role. Failing
    // to say so fails the request (503): the role is changed, and a retry says it again. A promotion
    // never brings back what a demotion withdrew (a leaked admin token stays dead when its admin is
    // demoted and promoted again): the seconds it wrote stay.
    await announce(id, role, eventsSetAt)
    log.info({ userId: id, role, ...(scope ? { events: scope } : {}), by: actorId }, 'role changed')
    return toUser({ ...user, role, staffEvents: scope, staffEventsAt: eventsSetAt })
  }

  /**
   * Turns another account's two-step sign-in off (its phone and recovery codes lost): it signs in with its
   * password alone until it sets it up again. Not one's own (that takes a code: POST /api/auth/two-factor/disable).
   */
  async function resetTwoFactor(id: string, actorId: string): Promise<User> {
    if (id === actorId) throw fail('FORBIDDEN', 'turn your own two-step sign-in off on your account page (it takes your password and a code)')
    const user = await User.findById(id).lean()
    if (!user) throw fail('NOT_FOUND', 'user not found')
    if (user.twoFactor?.secret) {
      await twoFactor.disable(id)
      log.info({ userId: id, by: actorId }, "an admin turned an account's two-step sign-in off")
      // The owner hears of it: an admin talked into it by someone with the password alone would otherwise go unnoticed.
      if (user.email) void alerts?.twoFactorOff(user.email, true)
    }
    return toUser({ ...user, twoFactor: undefined })
  }

  return { list, setRole, resetTwoFactor }
}
export type UsersService = ReturnType<typeof usersService>
