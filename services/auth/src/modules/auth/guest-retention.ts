// Guest accounts nobody uses any more are deleted: closed as their owner could close them (auth deletes
// the account and what it keeps of it; orders and notifications forget the person's address). Their
// orders, invoices and tickets stay, and the tickets still admit. A guest is unused once, for
// GUEST_RETENTION_DAYS, no session of theirs began (bought, or came back by an emailed link) and none
// was refreshed, and the latest event they hold tickets for started that long ago: nobody loses their
// account before their event. Only orders knows the events, so a guest is deleted only when orders has
// answered: orders away, nobody is.
import type { Logger } from '@easypass/kit'
import type { Models } from '../../db'

/** Guests looked at per query; a pass goes on while full pages come, up to PAGES of them. */
const PAGE = 100
const PAGES = 20

export interface GuestRetentionDeps {
  models: Pick<Models, 'User' | 'RefreshToken'>
  retentionDays: number
  /** Orders' answer: when the latest event the person holds tickets for starts (null: none). Throws when orders cannot say. */
  lastEvent(userId: string): Promise<{ lastEventAt: string | null }>
  /** Closes the account (`AccountClosing.closeNow`). */
  close(userId: string): Promise<unknown>
  log: Logger
}

export function guestRetention({ models, retentionDays, lastEvent, close, log }: GuestRetentionDeps) {
  const { User, RefreshToken } = models
  const retentionMs = retentionDays * 86_400_000
  /** Unused since before `cutoff`: no session began since (accounts older than `guestUsedAt`: since they were made). */
  const unusedSince = (cutoff: Date) => ({ $or: [{ guestUsedAt: { $lt: cutoff } }, { guestUsedAt: { $exists: false }, createdAt: { $lt: cutoff } }] })

  /** One pass: deletes the guests unused for the retention, marks those kept (and until when). */
  async function pass(now = new Date()): Promise<{ closed: number; kept: number }> {
    const cutoff = new Date(now.getTime() - retentionMs)
    let closed = 0
    let kept = 0
    for (let page = 0; page < PAGES; page++) {
      const candidates = await User.find(
        { guest: true, $and: [unusedSince(cutoff), { $or: [{ guestKeptUntil: { $exists: false } }, { guestKeptUntil: { $lt: now } }] }] },
        { _id: 1 },
      )
        .sort({ createdAt: 1 })
        .limit(PAGE)
        .lean()
      for (const { _id } of candidates) {
        const userId = String(_id)
        // A session refreshed since the cutoff (it began earlier, within its 30 days): in use.
        const session = await RefreshToken.findOne({ userId }, { createdAt: 1 }).sort({ createdAt: -1 }).lean()
        let keepFrom = session && session.createdAt >= cutoff ? session.createdAt : undefined
        if (!keepFrom) {
          const { lastEventAt } = await lastEvent(userId)
          if (lastEventAt && new Date(lastEventAt) >= cutoff) keepFrom = new Date(lastEventAt)
        }
        if (keepFrom) {
          // Looked at again once the retention has passed from then.
          await User.updateOne({ _id, guest: true }, { $set: { guestKeptUntil: new Date(keepFrom.getTime() + retentionMs) } })
          kept++
          continue
        }
        // Came back by a link, or kept their purchases in an account, while this was asked: stays.
        if (!(await User.exists({ _id, guest: true, ...unusedSince(cutoff) }))) continue
        await close(userId)
        closed++
        log.info({ userId, retentionDays }, 'a guest account nobody used was deleted')
      }
      if (candidates.length < PAGE) break
    }
    if (closed || kept) log.info({ closed, kept }, 'unused guest accounts looked at')
    return { closed, kept }
  }

  return { pass }
}
export type GuestRetention = ReturnType<typeof guestRetention>
