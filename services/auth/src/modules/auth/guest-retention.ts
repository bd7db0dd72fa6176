// Guest accounts nobody uses any more are deleted: closed as their owner could close them (auth deletes
// the account and what it keeps of it; orders and notifications forget the person's address). Their
// orders, invoices and tickets stay, and the tickets still admit. A guest is unused once, for
// GUEST_RETENTION_DAYS, no session of theirs began (bought, or came back by an emailed link) or was
// refreshed, and the latest event they hold tickets for started that long ago: nobody loses their
// account before their event. Only orders knows the events, so a guest is deleted only once orders
// has answered for that guest. The guest is told GUEST_NOTICE_DAYS before (one email, whichever auth
// replica gets there first), and coming back by link or refresh in that time keeps the account.
import { isLanguage, type Language } from '@easypass/contracts/languages'
import { AppError, isDuplicateOnly, type Logger } from '@easypass/kit'
import type { Models } from '../../db'

/** Guests looked at per query; a pass goes on while full pages come, up to PAGES of them. */
const PAGE = 100
const PAGES = 20
/** Orders failing this many guests in a row: it is away, and the pass stops (the next one tries again). */
const FAILURES_IN_A_ROW = 3

/** Unused since before `cutoff`: no session began or was refreshed since (a guest older than `guestUsedAt`: since it was made). */
export const guestUnusedSince = (cutoff: Date) => ({ $or: [{ guestUsedAt: { $lt: cutoff } }, { guestUsedAt: { $exists: false }, createdAt: { $lt: cutoff } }] })

export interface GuestRetentionDeps {
  models: Pick<Models, 'User' | 'RefreshToken' | 'GuestLinkUse'>
  retentionDays: number
  /** Told this long before deletion (0: deleted without telling). */
  noticeDays: number
  /** Tells the guest at their address the day the account goes; never throws. */
  notify(to: string, deleteOn: Date, language?: Language): Promise<void>
  /** Orders' answer: when the latest event the person holds tickets for starts (null: none), and the language of their newest order. Throws when orders cannot say. */
  lastEvent(userId: string): Promise<{ lastEventAt: string | null; language?: string }>
  /** Closes the account (`AccountClosing.closeNow`), only if it is still a guest unused since before `ifGuestUnusedBefore`. */
  close(userId: string, opts: { ifGuestUnusedBefore: Date }): Promise<unknown>
  log: Logger
}

/** What the pass reads of each guest it looks at. */
type Candidate = { _id: unknown; guestNoticeAt?: Date | null; guestUsedAt?: Date | null; createdAt?: Date | null; contactEmail?: string | null }

export function guestRetention({ models, retentionDays, noticeDays, notify, lastEvent, close, log }: GuestRetentionDeps) {
  const { User, RefreshToken, GuestLinkUse } = models
  const retentionMs = retentionDays * 86_400_000
  const noticeMs = noticeDays * 86_400_000

  /**
   * Whether the guest may go now: told at least the notice ago. Told not yet: told now (one email, by the
   * replica that writes the marker first) and looked at again once the notice has passed.
   */
  async function told(doc: Candidate, userId: string, now: Date, language?: Language): Promise<boolean> {
    if (noticeMs <= 0) return true
    const { _id } = doc
    if (doc.guestNoticeAt) return doc.guestNoticeAt.getTime() <= now.getTime() - noticeMs
    const deleteOn = new Date(now.getTime() + noticeMs)
    let first = true
    try {
      // Per use: a guest who came back after one notice and went quiet again is told again.
      const since = (doc.guestUsedAt ?? doc.createdAt)?.getTime() ?? 0
      await GuestLinkUse.create({ _id: `notice:${userId}:${since}`, userId, usedAt: now, expiresAt: new Date(deleteOn.getTime() + 86_400_000) })
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
      first = false
    }
    await User.updateOne({ _id, guest: true }, { $set: { guestNoticeAt: now, guestKeptUntil: deleteOn } })
    if (first && doc.contactEmail) void notify(doc.contactEmail, deleteOn, language)
    if (first) log.info({ userId, deleteOn }, 'a guest nobody used was told their account will be deleted')
    return false
  }

  /**
   * Whether the guest is kept: in use since `cutoff`, or holding tickets to an event that started since
   * (or is to come); marks it so. Not kept: the language of their newest order, to be told in.
   */
  async function keep(_id: unknown, userId: string, cutoff: Date): Promise<{ keeping: boolean; language?: Language }> {
    // A session refreshed since the cutoff (its token is kept 30 days): in use.
    const session = await RefreshToken.findOne({ userId }, { createdAt: 1 }).sort({ createdAt: -1 }).lean()
    let keepFrom = session && session.createdAt >= cutoff ? session.createdAt : undefined
    let language: Language | undefined
    if (!keepFrom) {
      const last = await lastEvent(userId)
      if (last.lastEventAt && new Date(last.lastEventAt) >= cutoff) keepFrom = new Date(last.lastEventAt)
      language = isLanguage(last.language) ? last.language : undefined
    }
    if (!keepFrom) return { keeping: false, language }
    // Looked at again once the retention has passed from then (told anew, should it come to that).
    await User.updateOne({ _id, guest: true }, { $set: { guestKeptUntil: new Date(keepFrom.getTime() + retentionMs) }, $unset: { guestNoticeAt: 1 } })
    return { keeping: true }
  }

  /** One pass: deletes the guests unused for the retention, marks those kept (and until when). */
  async function pass(now = new Date()): Promise<{ closed: number; kept: number; told: number; failed: number }> {
    const cutoff = new Date(now.getTime() - retentionMs)
    let closed = 0
    let kept = 0
    let waiting = 0
    let failed = 0
    let inARow = 0
    // In id order from where the last page ended: a guest skipped (orders failed it) is not read again in this pass.
    let after: unknown
    for (let page = 0; page < PAGES; page++) {
      const candidates = await User.find(
        {
          guest: true,
          ...(after ? { _id: { $gt: after } } : {}),
          $and: [guestUnusedSince(cutoff), { $or: [{ guestKeptUntil: { $exists: false } }, { guestKeptUntil: { $lt: now } }] }],
        },
        { _id: 1, guestNoticeAt: 1, guestUsedAt: 1, createdAt: 1, contactEmail: 1 },
      )
        .sort({ _id: 1 })
        .limit(PAGE)
        .lean()
      for (const candidate of candidates) {
        const { _id } = candidate
        const userId = String(_id)
        let keeping: boolean
        let language: Language | undefined
        try {
          ;({ keeping, language } = await keep(_id, userId, cutoff))
        } catch (error) {
          // This guest is looked at again in the next pass; the others go on, unless orders is away.
          failed++
          log.warn({ userId, err: String(error instanceof Error ? error.message : error) }, 'an unused guest was not looked at: orders did not answer for it')
          if (++inARow >= FAILURES_IN_A_ROW) throw new Error(`orders did not answer for ${inARow} guests in a row: the pass stops`)
          continue
        }
        inARow = 0
        if (keeping) {
          kept++
          continue
        }
        if (!(await told(candidate, userId, now, language))) {
          waiting++
          continue
        }
        try {
          // Deleted only while still unused: a guest back by link or refresh, or kept as an account, meanwhile stays.
          await close(userId, { ifGuestUnusedBefore: cutoff })
          closed++
          log.info({ userId, retentionDays }, 'a guest account nobody used was deleted')
        } catch (error) {
          if (!(error instanceof AppError && error.code === 'CONFLICT')) throw error
          kept++
        }
      }
      if (candidates.length < PAGE) break
      after = candidates[candidates.length - 1]!._id
    }
    if (closed || kept || waiting || failed) log.info({ closed, kept, told: waiting, failed }, 'unused guest accounts looked at')
    return { closed, kept, told: waiting, failed }
  }

  return { pass }
}
export type GuestRetention = ReturnType<typeof guestRetention>
