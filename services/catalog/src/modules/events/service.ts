import { Types } from 'mongoose'
import type { Principal } from '@easypass/contracts'
import { isPublic, type CreateEventBody, type Event, type EventDetail, type EventList, type EventsQuery, type InternalEvent, type UpdateEventBody } from '@easypass/contracts/catalog'
import { EMAIL_PLACEHOLDERS, emailTextProblem, type EventEmails, type EventEmailsBody, type StoredConfirmationTexts } from '@easypass/contracts/event-emails'
import { LANGUAGES } from '@easypass/contracts/languages'
import { canonicalTimeZone } from '@easypass/contracts/time-zones'
import { checkedQuestions, type EventQuestions, type EventQuestionsBody } from '@easypass/contracts/questions'
import { randomBytes } from 'node:crypto'
import { escapeRegExp, fact, fail, isAdmin, isDuplicateOnly, isRealDate, repeatEvery, yearsProblem, type Fact, type Logger, type Outbox } from '@easypass/kit'
import type { EventDoc } from '../../db/events'
import type { Models } from '../../db'
import type { TicketingClient } from './ticketing'

/** The one way an event leaves this service: `id`, ISO dates, no internals. */
export function toEvent(doc: EventDoc): Event {
  const event: Event = {
    id: String(doc._id),
    title: doc.title,
    description: doc.description,
    category: doc.category,
    venue: { name: doc.venue.name, address: doc.venue.address, city: doc.venue.city },
    startsAt: doc.startsAt.toISOString(),
    endsAt: doc.endsAt.toISOString(),
    organizer: doc.organizer,
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }
  if (doc.imageUrl) event.imageUrl = doc.imageUrl
  if (doc.ticketInfo) event.ticketInfo = doc.ticketInfo
  if (doc.timeZone) event.timeZone = doc.timeZone
  if (doc.questions?.length) event.questions = doc.questions
  if (doc.cancelledAt) event.cancelledAt = doc.cancelledAt.toISOString()
  if (doc.cancelledAsDraft) event.neverPublished = true
  if (doc.seriesId) event.seriesId = doc.seriesId
  return event
}

/** The organiser's words as admins see them, with the placeholders they may use. */
function emailsView(doc: EventDoc): EventEmails {
  const texts = doc.confirmationEmail ?? {}
  return {
    eventId: String(doc._id),
    confirmation: { subject: { ...texts.subject }, body: { ...texts.body } },
    ...(doc.emailReplyTo ? { replyTo: doc.emailReplyTo } : {}),
    placeholders: { ...EMAIL_PLACEHOLDERS },
  }
}


/** A zone the runtime knows, by its canonical name; anything else is 400 VALIDATION. */
export function toTimeZone(name: string): string {
  const zone = canonicalTimeZone(name)
  if (!zone) throw fail('VALIDATION', `timeZone: "${name}" is not a time zone this server knows`, { fields: [{ path: 'timeZone', message: 'not a known IANA time zone' }] })
  return zone
}

/** `stored`: a date an event keeps (a filter of a listing may reach further). */
export function toDate(iso: string, field: string, stored = false): Date {
  const date = new Date(iso)
  if (!isRealDate(iso))
    throw fail('VALIDATION', `${field}: not a real date`, { fields: [{ path: field, message: 'not a real date' }] })
  const years = stored ? yearsProblem(date) : undefined
  if (years) throw fail('VALIDATION', `${field}: ${years}`, { fields: [{ path: field, message: years }] })
  return date
}

function requireEndAfterStart(startsAt: Date, endsAt: Date) {
  if (endsAt.getTime() <= startsAt.getTime())
    throw fail('VALIDATION', 'endsAt: must be after startsAt', { fields: [{ path: 'endsAt', message: 'must be after startsAt' }] })
}

/** At most this many words of `q` are searched; each must appear in the title, description or city. */
const MAX_QUERY_WORDS = 8
const WRITE_ATTEMPTS = 20
/** A revision claimed this long ago whose write never landed belongs to a writer that died. */
const STALE_CLAIM_MS = 10_000
/** Recovery looks at changes of the last hour, leaving alone the ones young enough to be in flight. */
const RECOVERY_WINDOW_MS = 3_600_000
const RECOVERY_GRACE_MS = 5_000

export interface EventsServiceDeps {
  models: Models
  outbox: Outbox
  ticketing: TicketingClient
  log: Logger
  /** How long a public listing is shared (0: never). */
  listCacheMs: number
}

export function eventsService({ models, outbox, ticketing, log, listCacheMs: LIST_CACHE_MS }: EventsServiceDeps) {
  const { Event: Events, EventRevision, DeletedEvent, FactMark } = models

  async function find(id: string): Promise<EventDoc | null> {
    return Events.findById(id).lean<EventDoc>()
  }

  /**
   * The public listing (published events) is the same for every caller and the hottest read of an
   * on-sale: answers are shared for LIST_CACHE_MS and concurrent identical requests wait for one
   * query. Writes through this replica clear it once written (a listing read during the write is not
   * kept); prices and stock in a listing may lag by
   * up to LIST_CACHE_MS (the event page and its stream are live).
   */
  const listCache = new Map<string, { until: number; answer: Promise<EventList> }>()
  function forgetListings() {
    listCache.clear()
  }
  async function list(query: EventsQuery, principal?: Principal, requestId?: string): Promise<EventList> {
    if ((query.status ?? 'published') !== 'published' || LIST_CACHE_MS <= 0) return listFresh(query, principal, requestId)
    const key = JSON.stringify([query.page, query.limit, query.from, query.to, query.endedBefore, query.sort, query.category, query.city, query.q, query.seriesId])
    const now = Date.now()
    const cached = listCache.get(key)
    if (cached && cached.until > now) return cached.answer
    if (listCache.size > 1000) listCache.clear()
    const answer = listFresh(query, principal, requestId)
    listCache.set(key, { until: now + LIST_CACHE_MS, answer })
    answer.catch(() => listCache.delete(key))
    return answer
  }

  async function listFresh(query: EventsQuery, principal?: Principal, requestId?: string): Promise<EventList> {
    const page = query.page ?? 1
    const limit = query.limit ?? 20
    const status = query.status ?? 'published'
    if (status !== 'published' && !isAdmin(principal)) {
      if (!principal) throw fail('UNAUTHENTICATED', `only admins may list ${status} events: sign in`)
      throw fail('FORBIDDEN', `only admins may list ${status} events`)
    }

    const filter: Record<string, unknown> = {}
    const and: Record<string, unknown>[] = []
    if (status !== 'all') filter.status = status
    // Past events drop out of the list unless the caller asks for a period explicitly (or for past events).
    const from = query.from ? toDate(query.from, 'from') : query.endedBefore ? undefined : new Date()
    const endedBefore = query.endedBefore ? toDate(query.endedBefore, 'endedBefore') : undefined
    if (from && endedBefore && endedBefore.getTime() <= from.getTime())
      throw fail('VALIDATION', 'endedBefore: must be after from', { fields: [{ path: 'endedBefore', message: 'must be after from' }] })
    if (from || endedBefore) filter.endsAt = { ...(from ? { $gte: from } : {}), ...(endedBefore ? { $lt: endedBefore } : {}) }
    if (query.to) {
      const to = toDate(query.to, 'to')
      if (from && query.from && to.getTime() < from.getTime())
        throw fail('VALIDATION', 'to: must not be before from', { fields: [{ path: 'to', message: 'must not be before from' }] })
      filter.startsAt = { $lte: to }
    }
    if (query.seriesId) filter.seriesId = query.seriesId
    if (query.category?.trim()) filter.category = query.category.trim().toLowerCase()
    if (query.city?.trim()) filter['venue.city'] = { $regex: `^${escapeRegExp(query.city.trim())}$`, $options: 'i' }
    const words = (query.q ?? '').split(/\s+/).filter(Boolean).slice(0, MAX_QUERY_WORDS)
    for (const word of words) {
      const pattern = { $regex: escapeRegExp(word), $options: 'i' }
      and.push({ $or: [{ title: pattern }, { description: pattern }, { 'venue.city': pattern }] })
    }
    if (and.length) filter.$and = and

    const [docs, total] = await Promise.all([
      Events.find(filter)
        .sort(query.sort === 'latest' ? { startsAt: -1, _id: -1 } : { startsAt: 1, _id: 1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<EventDoc[]>(),
      Events.countDocuments(filter),
    ])
    const summaries = await ticketing.summariesIfQuick(
      docs.map((d) => String(d._id)),
      requestId,
    )
    const items = docs.map((doc) => {
      // The information for ticket holders is for the event's own page, not for every item of a listing.
      const { ticketInfo: _forHolders, ...event } = toEvent(doc)
      const summary = summaries?.get(event.id)
      if (!summaries) return event
      return {
        ...event,
        fromPriceCents: summary?.fromPriceCents ?? null,
        currency: summary?.currency ?? null,
        available: summary?.available ?? 0,
      }
    })
    return { items, total, page, limit }
  }

  /** Drafts (and drafts cancelled before they were published) exist only for admins: anyone else gets the same 404 as for an unknown id. */
  async function get(id: string, principal?: Principal, requestId?: string): Promise<EventDetail> {
    const doc = await find(id)
    if (!doc || (!isPublic(toEvent(doc)) && !isAdmin(principal))) throw fail('NOT_FOUND', 'event not found')
    const { ticketTypes, pools, unavailable } = await ticketing.availability(id, requestId)
    return unavailable ? { ...toEvent(doc), ticketTypes, availabilityUnavailable: true } : { ...toEvent(doc), ticketTypes, ...(pools ? { pools } : {}) }
  }

  /** Any status, for other services (orders decides on purchases and refunds with it). */
  async function getInternal(id: string): Promise<InternalEvent> {
    const doc = await find(id)
    if (!doc) throw fail('NOT_FOUND', 'event not found')
    return { ...toEvent(doc), ...(doc.confirmationEmail ? { confirmationEmail: doc.confirmationEmail } : {}), ...(doc.emailReplyTo ? { emailReplyTo: doc.emailReplyTo } : {}) }
  }

  async function create(body: CreateEventBody, actorId: string): Promise<Event> {
    const startsAt = toDate(body.startsAt, 'startsAt', true)
    const endsAt = toDate(body.endsAt, 'endsAt', true)
    requireEndAfterStart(startsAt, endsAt)
    const timeZone = body.timeZone !== undefined ? toTimeZone(body.timeZone) : undefined
    const now = new Date()
    const doc: EventDoc = {
      _id: new Types.ObjectId(),
      title: body.title.trim(),
      description: body.description.trim(),
      category: body.category,
      venue: { name: body.venue.name.trim(), address: body.venue.address.trim(), city: body.venue.city.trim() },
      startsAt,
      endsAt,
      organizer: body.organizer.trim(),
      status: body.status ?? 'draft',
      revision: 1,
      createdAt: now,
      updatedAt: now,
    }
    if (body.imageUrl) doc.imageUrl = body.imageUrl
    if (body.ticketInfo) doc.ticketInfo = body.ticketInfo.trim()
    if (timeZone) doc.timeZone = timeZone
    await Events.create(doc)
    forgetListings()
    log.info({ eventId: String(doc._id), status: doc.status, by: actorId }, 'event created')
    return toEvent(doc)
  }

  /**
   * Claims the right to write revision `current.revision + 1`: an insert with a unique `_id`, the one
   * reliable arbiter on FerretDB. A claim left by a writer that crashed before its update is taken
   * over once it is old enough.
   */
  async function claimNextRevision(current: EventDoc): Promise<boolean> {
    const eventId = String(current._id)
    const key = `${eventId}:${current.revision + 1}`
    try {
      await EventRevision.create({ _id: key, eventId, claimedAt: new Date() })
      return true
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
      const claim = await EventRevision.findById(key).lean()
      if (claim && Date.now() - claim.claimedAt.getTime() > STALE_CLAIM_MS) {
        log.warn({ eventId, revision: current.revision + 1 }, 'taking over an abandoned write of an event')
        await EventRevision.deleteOne({ _id: key, claimedAt: claim.claimedAt })
      }
      return false
    }
  }

  /**
   * The one way an event changes: read it, let `decide` check the change against the event as it is
   * now and return the update (or nothing when there is nothing to do), then write it as the next
   * revision. When another writer got that revision first, read again and decide again.
   */
  async function writeEvent(id: string, decide: (current: EventDoc) => { $set: Record<string, unknown>; $unset?: Record<string, ''> } | null): Promise<EventDoc> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const current = await find(id)
      if (!current) throw fail('NOT_FOUND', 'event not found')
      const change = decide(current)
      if (!change) return current
      if (!(await claimNextRevision(current))) {
        await Bun.sleep(10 * (attempt + 1) + Math.random() * 20)
        continue
      }
      const update: Record<string, unknown> = { $set: { ...change.$set, revision: current.revision + 1, updatedAt: new Date() } }
      if (change.$unset && Object.keys(change.$unset).length) update.$unset = change.$unset
      let result: { matchedCount: number }
      try {
        result = await Events.updateOne({ _id: current._id, revision: current.revision }, update)
      } catch (error) {
        // The claim of a write that surely failed is given back, so that the next writer need not wait for it to go stale.
        await EventRevision.deleteOne({ _id: `${String(current._id)}:${current.revision + 1}` }).catch(() => {})
        throw error
      }
      // Our claim was taken over (we stalled past its staleness) and another write came first: decide again.
      if (result.matchedCount !== 1) continue
      const written = await find(id)
      if (!written) throw fail('NOT_FOUND', 'event not found')
      return written
    }
    throw fail('CONFLICT', 'the event is being changed by someone else at the same time; try again')
  }

  /**
   * What a patch writes on `current`, or the 400/409 it is refused with (nothing written). Dates of
   * a cancelled event stay as they were (its buyers were refunded for those). A start moved earlier,
   * also to a moment past, is an admin's correction: it closes the buyers' own refunds as the start does.
   */
  function patchOf(current: EventDoc, patch: UpdateEventBody): { $set: Record<string, unknown>; $unset: Record<string, ''> } {
    if (patch.status !== undefined && current.status === 'cancelled')
      throw fail('CONFLICT', 'a cancelled event cannot be published or drafted again')
    const set: Record<string, unknown> = {}
    const unset: Record<string, ''> = {}
    for (const field of ['title', 'description', 'organizer'] as const) if (patch[field] !== undefined) set[field] = patch[field]!.trim()
    if (patch.category !== undefined) set.category = patch.category
    if (patch.venue) for (const [key, value] of Object.entries(patch.venue)) if (value !== undefined) set[`venue.${key}`] = value.trim()
    if (patch.imageUrl === null) unset.imageUrl = ''
    else if (patch.imageUrl !== undefined) set.imageUrl = patch.imageUrl
    if (patch.ticketInfo === null) unset.ticketInfo = ''
    else if (patch.ticketInfo !== undefined) set.ticketInfo = patch.ticketInfo.trim()
    if (patch.timeZone === null) unset.timeZone = ''
    else if (patch.timeZone !== undefined) set.timeZone = toTimeZone(patch.timeZone)
    if (patch.status !== undefined) set.status = patch.status
    const startsAt = patch.startsAt !== undefined ? toDate(patch.startsAt, 'startsAt', true) : current.startsAt
    const endsAt = patch.endsAt !== undefined ? toDate(patch.endsAt, 'endsAt', true) : current.endsAt
    requireEndAfterStart(startsAt, endsAt)
    const moved = startsAt.getTime() !== current.startsAt.getTime() || endsAt.getTime() !== current.endsAt.getTime()
    if (moved && current.status === 'cancelled') throw fail('CONFLICT', 'a cancelled event keeps its dates')
    if (patch.startsAt !== undefined) set.startsAt = startsAt
    if (patch.endsAt !== undefined) set.endsAt = endsAt
    return { $set: set, $unset: unset }
  }

  /** Applies a partial update; "ends after it starts" and "cancelled is final" hold for the stored result. */
  async function update(id: string, patch: UpdateEventBody, actorId: string, requestId?: string): Promise<Event> {
    const before = await find(id)
    if (!before) throw fail('NOT_FOUND', 'event not found')
    // Every refusal the patch itself earns comes before anything is written.
    patchOf(before, patch)
    let unpublishing = false
    if (patch.status === 'draft' && before.status === 'published') {
      // Back to draft hides the event from everyone but admins: not while buyers own or hold its tickets.
      const { sold, held } = await ticketing.soldOrHeld(id, requestId)
      if (sold > 0 || held > 0)
        throw fail('CONFLICT', 'buyers own or hold tickets of this event: it cannot go back to draft (cancel it instead)', { sold, held })
      unpublishing = true
    }
    // Back to draft on its own first, looked at again, then the rest of the change: a sale found in
    // between leaves the event as it was (published, nothing else changed), 409.
    if (unpublishing) {
      const drafted = await writeEvent(id, (current) => (current.status === 'published' ? { $set: { status: 'draft' } } : null))
      if (drafted.status === 'draft') await stillUnsold(id, requestId, drafted)
    }
    let written: EventDoc
    try {
      written = await writeEvent(id, (current) => patchOf(current, patch))
    } catch (error) {
      // The rest of the change refused after the event went back to draft (changed by someone else
      // meanwhile): published again, as the refusal says nothing changed.
      if (unpublishing) await writeEvent(id, (current) => (current.status === 'draft' ? { $set: { status: 'published' } } : null)).catch(() => {})
      forgetListings()
      throw error
    }
    forgetListings()
    log.info({ eventId: id, fields: Object.keys(patch), by: actorId }, 'event updated')
    return toEvent(written)
  }

  /**
   * An event just put back to draft, looked at again: a hold or sale decided between the first look and
   * the write (a purchase already under way) puts it back to published, 409, as if it had been seen
   * first. Ticketing not answering: published again too (503), never a draft with tickets sold.
   */
  async function stillUnsold(id: string, requestId: string | undefined, written: EventDoc): Promise<EventDoc> {
    // (Orders and ticketing keep a copy of a published event for a few seconds: a purchase that read it
    // just before may still place its hold after this look. Left out; see the README.)
    let counts: { sold: number; held: number } | undefined
    let failure: unknown
    try {
      counts = await ticketing.soldOrHeld(id, requestId)
    } catch (error) {
      failure = error
    }
    if (counts && counts.sold === 0 && counts.held === 0) return written
    await writeEvent(id, (current) => (current.status === 'draft' ? { $set: { status: 'published' } } : null))
    forgetListings()
    if (failure) throw failure
    throw fail('CONFLICT', 'buyers own or hold tickets of this event: it cannot go back to draft (cancel it instead)', counts)
  }

  /** Records a fact in the outbox, then marks it recorded; start-up recovery looks for missing marks. */
  async function recordFact(f: Fact) {
    await outbox.record([f])
    try {
      await FactMark.create({ _id: f.id, recordedAt: new Date() })
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
    }
  }

  const cancelledFactId = (eventId: string) => `event-cancelled:${eventId}`
  const deletedFactId = (eventId: string) => `event-deleted:${eventId}`

  function cancelledFact(doc: Pick<EventDoc, '_id' | 'title' | 'cancelledAt'>) {
    const eventId = String(doc._id)
    const f = fact('catalog.event-cancelled', { eventId, title: doc.title }, cancelledFactId(eventId))
    if (doc.cancelledAt) f.occurredAt = doc.cancelledAt.toISOString()
    return f
  }

  /**
   * Cancelling is final and idempotent: a second cancel answers the same cancelled event (and records
   * the fact again, harmless with its deterministic id, useful when the first attempt failed midway).
   */
  async function cancel(id: string, actorId: string): Promise<Event> {
    let changed = false
    const cancelled = await writeEvent(id, (current) => {
      if (current.status === 'cancelled') return null
      // Cancelling refunds every paid order: after the event took place that would pay its audience back.
      if (current.endsAt.getTime() <= Date.now())
        throw fail('CONFLICT', 'the event has ended: it cannot be cancelled (refund single orders instead)', { endsAt: current.endsAt.toISOString() })
      changed = true
      return { $set: { status: 'cancelled', cancelledAt: new Date(), ...(current.status === 'draft' ? { cancelledAsDraft: true } : {}) } }
    })
    forgetListings()
    await recordFact(cancelledFact(cancelled))
    if (changed) log.info({ eventId: id, by: actorId }, 'event cancelled')
    return toEvent(cancelled)
  }

  /**
   * Deleting is for mistakes: only when ticketing confirms that no ticket was ever sold. Unpaid holds
   * do not stop it: orders ends them on the `catalog.event-deleted` fact (as for a cancellation, which
   * also refunds a purchase that raced the delete). A tombstone is written first so that the fact
   * survives a crash midway.
   */
  async function remove(id: string, actorId: string, requestId?: string): Promise<void> {
    const current = await find(id)
    if (!current) throw fail('NOT_FOUND', 'event not found')
    const { sold, held, refunded } = await ticketing.soldOrHeld(id, requestId)
    if (sold > 0 || refunded > 0) throw fail('CONFLICT', 'tickets of this event were sold (refunded ones too): cancel it instead', { sold, held, refunded })
    try {
      await DeletedEvent.create({ _id: id, title: current.title, deletedAt: new Date() })
    } catch (error) {
      // Left by an earlier attempt that stopped midway: this one finishes the job.
      if (!isDuplicateOnly(error)) throw error
    }
    await Events.deleteOne({ _id: current._id })
    forgetListings()
    await recordFact(fact('catalog.event-deleted', { eventId: id, title: current.title }, deletedFactId(id)))
    await EventRevision.deleteMany({ eventId: id })
    log.info({ eventId: id, by: actorId }, 'event deleted')
  }

  /** Changes up to here were looked at by a recovery that finished; none yet in this process. */
  let recoveredUpTo: number | undefined

  /**
   * Facts whose state change was stored but whose outbox record may have been lost (a crash or a
   * database error between the two writes) are recorded again: at start for every change ever (the
   * process may have been down for hours after such a crash: a cancellation's refunds depend on its
   * fact), then every minute for the changes since the last recovery that finished, an hour back.
   * Ids are deterministic, so a fact that did reach the outbox is not duplicated within the bus's
   * de-duplication window (and consumers are idempotent anyway).
   */
  async function recoverFacts(now = Date.now()): Promise<number> {
    const upTo = now - RECOVERY_GRACE_MS
    const window = { ...(recoveredUpTo !== undefined ? { $gte: new Date(recoveredUpTo - RECOVERY_WINDOW_MS) } : {}), $lte: new Date(upTo) }
    // What a fact needs, not whole events: the first pass reads every cancelled event there is.
    const cancelled = await Events.find({ status: 'cancelled', cancelledAt: window }, { title: 1, cancelledAt: 1 }).lean<Array<Pick<EventDoc, '_id' | 'title' | 'cancelledAt'>>>()
    const tombstones = await DeletedEvent.find({ deletedAt: window }).lean()
    const ids = [...cancelled.map((d) => cancelledFactId(String(d._id))), ...tombstones.map((t) => deletedFactId(t._id))]
    const marked = new Set(ids.length ? (await FactMark.find({ _id: { $in: ids } }, { _id: 1 }).lean()).map((m) => m._id) : [])
    let recorded = 0
    for (const doc of cancelled) {
      if (marked.has(cancelledFactId(String(doc._id)))) continue
      await recordFact(cancelledFact(doc))
      recorded++
    }
    for (const tombstone of tombstones) {
      if (marked.has(deletedFactId(tombstone._id))) continue
      if (await Events.exists({ _id: tombstone._id })) {
        // The delete stopped before removing the event: it did not happen.
        await DeletedEvent.deleteOne({ _id: tombstone._id })
        continue
      }
      await recordFact(fact('catalog.event-deleted', { eventId: tombstone._id, ...(tombstone.title ? { title: tombstone.title } : {}) }, deletedFactId(tombstone._id)))
      recorded++
    }
    // Claims only arbitrate writes in flight; old ones are just history.
    await EventRevision.deleteMany({ claimedAt: { $lt: new Date(now - 86_400_000) } })
    if (recorded) log.warn({ recorded }, 'facts recorded again after an interrupted write')
    recoveredUpTo = upTo
    return recorded
  }

  /** Runs `recoverFacts` now and then every `intervalMs`; returns the function that stops it. */
  function startRecovery(intervalMs = 60_000): () => void {
    return repeatEvery(intervalMs, recoverFacts, log, 'fact recovery failed; will retry')
  }

  /** The organiser's words in the event's emails (admins). */
  async function emails(id: string): Promise<EventEmails> {
    const doc = await find(id)
    if (!doc) throw fail('NOT_FOUND', 'event not found')
    return emailsView(doc)
  }

  /**
   * Replaces the organiser's words in the event's emails. Each text is trimmed; a blank one is left out
   * (that language keeps EasyPass's words). A control character or a placeholder we do not fill is
   * refused (400 naming the text) and nothing changes.
   */
  async function setEmails(id: string, body: EventEmailsBody, actorId: string): Promise<EventEmails> {
    const stored: StoredConfirmationTexts = {}
    const fields: Array<{ path: string; message: string }> = []
    for (const kind of ['subject', 'body'] as const) {
      for (const lang of LANGUAGES) {
        const text = body.confirmation[kind]?.[lang]?.trim()
        if (!text) continue
        const problem = emailTextProblem(text, kind)
        if (problem) fields.push({ path: `confirmation.${kind}.${lang}`, message: problem })
        else (stored[kind] ??= {})[lang] = text
      }
    }
    if (fields.length) throw fail('VALIDATION', fields.map((f) => `${f.path}: ${f.message}`).join('; '), { fields })
    const empty = !stored.subject && !stored.body
    const replyTo = body.replyTo?.trim()
    const written = await writeEvent(id, (current) => {
      if (JSON.stringify(current.confirmationEmail ?? {}) === JSON.stringify(stored) && (current.emailReplyTo ?? '') === (replyTo ?? '')) return null
      const set: Record<string, unknown> = {}
      const unset: Record<string, ''> = {}
      if (empty) unset.confirmationEmail = ''
      else set.confirmationEmail = stored
      if (replyTo) set.emailReplyTo = replyTo
      else unset.emailReplyTo = ''
      return { $set: set, $unset: unset }
    })
    log.info({ eventId: id, languages: { subject: Object.keys(stored.subject ?? {}), body: Object.keys(stored.body ?? {}) }, by: actorId }, 'event emails changed')
    return emailsView(written)
  }

  /**
   * Replaces what the organiser asks of every order. A question sent back with its id stays that
   * question (the answers given to it keep pointing at it); a new one gets an id. Orders keep the words a
   * question had when it was answered. Refused (400, nothing changes) as `checkedQuestions` says.
   */
  async function setQuestions(id: string, body: EventQuestionsBody, actorId: string): Promise<EventQuestions> {
    const checked = checkedQuestions(body.questions, () => randomBytes(4).toString('hex'))
    if ('problem' in checked) throw fail('VALIDATION', `${checked.problem.path}: ${checked.problem.message}`, { fields: [checked.problem] })
    const written = await writeEvent(id, (current) => {
      if (JSON.stringify(current.questions ?? []) === JSON.stringify(checked.questions)) return null
      return checked.questions.length ? { $set: { questions: checked.questions } } : { $set: {}, $unset: { questions: '' as const } }
    })
    forgetListings()
    log.info({ eventId: id, questions: checked.questions.length, by: actorId }, 'event questions changed')
    return { eventId: id, questions: written.questions ?? [] }
  }

  /** Makes the event the first of a series (its id the series' id), unless it belongs to one already. */
  async function joinSeries(id: string): Promise<EventDoc> {
    const doc = await writeEvent(id, (current) => (current.seriesId ? null : { $set: { seriesId: String(current._id) } }))
    forgetListings()
    return doc
  }

  return { list, get, getInternal, emails, setEmails, setQuestions, create, update, cancel, remove, recoverFacts, startRecovery, find, joinSeries, forgetListings }
}
export type EventsService = ReturnType<typeof eventsService>
