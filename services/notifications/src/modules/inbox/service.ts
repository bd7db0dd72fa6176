import type { Notification, NotificationList, NotificationsQuery } from '@easypass/contracts/notifications'
import { counter, fail, writerOf } from '@easypass/kit'
import type { Models, NotificationDoc } from '../../db'
import type { Message } from '../facts/messages'

const createdTotal = counter('notifications_created_total', 'Notifications created, by type', ['type'])

export function toView(doc: NotificationDoc): Notification {
  const data = Object.fromEntries(Object.entries(doc.data ?? {}).filter(([, v]) => v !== undefined && v !== null))
  return {
    id: doc._id,
    type: doc.type,
    title: doc.title,
    body: doc.body,
    data,
    createdAt: new Date(doc.createdAt).toISOString(),
    ...(doc.readAt ? { readAt: new Date(doc.readAt).toISOString() } : {}),
  }
}

const MIGRATE_BATCH = 500
/** Notifications a reconnecting stream is sent at most. */
const REPLAY_MAX = 100

/**
 * A user's notifications: stored once per fact; reading one sets its `readAt` (a single-document
 * update), so listing, counting and marking all read are each one bounded query, whatever a user's
 * history holds.
 */
/** A fact handled again this soon after its notification was stored signals it live again. */
const SIGNAL_AGAIN_WITHIN_MS = 10 * 60_000
/** How far before the last one seen a replay starts: replicas stamp `storedAt` before their batched write, on their own clocks. */
const REPLAY_SKEW_MS = 30_000

export function inboxService(models: Models) {
  const { Notification, NotificationRead } = models
  const unreadOf = (userId: string) => ({ userId, readAt: { $exists: false } })

  /**
   * The stored notification, to be signalled live; null when this fact made one long ago (a redelivery).
   * One stored in the last 10 minutes is given again: its first handling may have ended before its signal
   * went out (a crash, an insert whose answer was lost), and clients tell a repeat by its id.
   */
  async function record(factId: string, message: Message, at: Date): Promise<Notification | null> {
    const doc: NotificationDoc = { _id: factId, userId: message.userId, type: message.type, title: message.title, body: message.body, data: message.data, createdAt: at, storedAt: new Date() }
    if (!(await writerOf(Notification).insert(Notification, doc))) {
      const stored = await Notification.findById(factId).lean<NotificationDoc>()
      return stored?.storedAt && Date.now() - new Date(stored.storedAt).getTime() < SIGNAL_AGAIN_WITHIN_MS ? toView(stored) : null
    }
    createdTotal.inc({ type: message.type })
    return toView(doc)
  }

  async function list(userId: string, query: NotificationsQuery): Promise<NotificationList> {
    const page = query.page ?? 1
    const limit = query.limit ?? 20
    const filter = query.unread ? unreadOf(userId) : { userId }
    const [docs, total, unread] = await Promise.all([
      Notification.find(filter).sort({ createdAt: -1, _id: -1 }).skip((page - 1) * limit).limit(limit).lean<NotificationDoc[]>(),
      Notification.countDocuments(filter),
      query.unread ? undefined : Notification.countDocuments(unreadOf(userId)),
    ])
    return { items: docs.map((d) => toView(d)), total, page, limit, unread: unread ?? total }
  }

  async function markRead(userId: string, id: string) {
    const result = await Notification.updateOne({ _id: id, ...unreadOf(userId) }, { $set: { readAt: new Date() } })
    if (result.matchedCount === 1) return
    // Already read (repeating changes nothing), or not theirs.
    if (!(await Notification.exists({ _id: id, userId }))) throw fail('NOT_FOUND', 'notification not found')
  }

  async function markAllRead(userId: string) {
    await Notification.updateMany(unreadOf(userId), { $set: { readAt: new Date() } })
  }

  /**
   * What a stream that reconnects after `lastId` missed: the user's notifications stored after that
   * one, oldest first, at most `limit` (the client reloads its list for more). Some stored up to 30 s
   * before it come again; clients tell them by id. Nothing when the id is not one of theirs.
   */
  async function storedAfter(userId: string, lastId: string, limit = REPLAY_MAX): Promise<Notification[]> {
    const last = await Notification.findOne({ _id: lastId, userId }).lean<NotificationDoc>()
    if (!last) return []
    if (!last.storedAt) return (await Notification.find({ userId, createdAt: { $gt: last.createdAt } }).sort({ createdAt: 1, _id: 1 }).limit(limit).lean<NotificationDoc[]>()).map((d) => toView(d))
    // Those stored since it first; then, as room is left, those of a little before it: another replica
    // may have stamped one earlier and written it later (the client tells the ones it has by id).
    const at = new Date(last.storedAt)
    const since = await Notification.find({ userId, storedAt: { $gte: at }, _id: { $ne: lastId } }).sort({ storedAt: 1, _id: 1 }).limit(limit).lean<NotificationDoc[]>()
    const before =
      since.length < limit
        ? await Notification.find({ userId, storedAt: { $gte: new Date(at.getTime() - REPLAY_SKEW_MS), $lt: at }, _id: { $ne: lastId } }).sort({ storedAt: -1, _id: -1 }).limit(limit - since.length).lean<NotificationDoc[]>()
        : []
    return [...before.reverse(), ...since].map((d) => toView(d))
  }

  /** Read marks kept as records before `readAt` existed: each set on its notification, then removed. */
  async function migrateReadMarks(): Promise<number> {
    let moved = 0
    for (;;) {
      const marks = await NotificationRead.find({}).limit(MIGRATE_BATCH).lean()
      if (!marks.length) return moved
      for (const mark of marks) await Notification.updateOne({ _id: mark._id, userId: mark.userId, readAt: { $exists: false } }, { $set: { readAt: mark.at ?? new Date() } })
      await NotificationRead.deleteMany({ _id: { $in: marks.map((m) => m._id) } })
      moved += marks.length
    }
  }

  return { record, list, markRead, markAllRead, migrateReadMarks, storedAfter }
}
export type InboxService = ReturnType<typeof inboxService>
