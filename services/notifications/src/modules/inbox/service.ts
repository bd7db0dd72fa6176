import type { Notification, NotificationList, NotificationsQuery } from '@easypass/contracts/notifications'
import { counter, fail, isDuplicateOnly, writerOf } from '@easypass/kit'
import type { Models, NotificationDoc } from '../../db'
import type { Message } from '../facts/messages'

const createdTotal = counter('notifications_created_total', 'Notifications created, by type', ['type'])

export function toView(doc: NotificationDoc, readAt?: Date): Notification {
  const data = Object.fromEntries(Object.entries(doc.data ?? {}).filter(([, v]) => v !== undefined && v !== null))
  return {
    id: doc._id,
    type: doc.type,
    title: doc.title,
    body: doc.body,
    data,
    createdAt: new Date(doc.createdAt).toISOString(),
    ...(readAt ? { readAt: new Date(readAt).toISOString() } : {}),
  }
}

/** A user's notifications: stored once per fact, read marks kept as their own records (no updates). */
export function inboxService(models: Models) {
  const { Notification, NotificationRead } = models

  /** The stored notification, or null when this fact already made one (a redelivery). */
  async function record(factId: string, message: Message, at: Date): Promise<Notification | null> {
    const doc: NotificationDoc = { _id: factId, userId: message.userId, type: message.type, title: message.title, body: message.body, data: message.data, createdAt: at }
    if (!(await writerOf(Notification).insert(Notification, doc))) return null
    createdTotal.inc({ type: message.type })
    return toView(doc)
  }

  async function list(userId: string, query: NotificationsQuery): Promise<NotificationList> {
    const page = query.page ?? 1
    const limit = query.limit ?? 20
    const reads = await NotificationRead.find({ userId }).lean()
    const readIds = reads.map((r) => r._id)
    const filter = query.unread ? { userId, _id: { $nin: readIds } } : { userId }
    const [docs, total, all] = await Promise.all([
      Notification.find(filter).sort({ createdAt: -1, _id: -1 }).skip((page - 1) * limit).limit(limit).lean(),
      Notification.countDocuments(filter),
      query.unread ? Promise.resolve(-1) : Notification.countDocuments({ userId }),
    ])
    const readAt = new Map(reads.map((r) => [r._id, r.at]))
    const unread = query.unread ? total : Math.max(0, all - reads.length)
    return { items: docs.map((d) => toView(d, readAt.get(d._id))), total, page, limit, unread }
  }

  async function markRead(userId: string, id: string) {
    const doc = await Notification.findById(id).lean()
    if (!doc || doc.userId !== userId) throw fail('NOT_FOUND', 'notification not found')
    try {
      await NotificationRead.create({ _id: id, userId, at: new Date() })
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
    }
  }

  async function markAllRead(userId: string) {
    const [docs, reads] = await Promise.all([Notification.find({ userId }, { _id: 1 }).lean(), NotificationRead.find({ userId }, { _id: 1 }).lean()])
    const read = new Set(reads.map((r) => r._id))
    const at = new Date()
    const fresh = docs.filter((d) => !read.has(d._id)).map((d) => ({ _id: d._id, userId, at }))
    if (!fresh.length) return
    try {
      await NotificationRead.insertMany(fresh, { ordered: false })
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
    }
  }

  return { record, list, markRead, markAllRead }
}
export type InboxService = ReturnType<typeof inboxService>
