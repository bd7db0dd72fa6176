// Messages from the organiser to everyone holding a ticket of an event (a changed door time, a moved
// venue): recorded once, then one fact per holder (`orders.holder-messaged`), which notifications turns
// into a notification and an email. Holders are the attendee list's: the accounts holding a valid ticket
// or one admitted at the door, its buyer's or whoever it was passed on to, each told once.
import type { Principal } from '@easypass/contracts'
import { MESSAGE_LIMITS, type EventMessage, type EventMessageBody } from '@easypass/contracts/messages'
import { fact, fail, isDuplicateOnly, type Outbox } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import type { EventMessageDoc, Models } from '../../db'
import { hashKey } from '../idempotency/service'
import type { ReportsService } from '../reports/service'

/** Facts per outbox write: a large event's holders go in several. */
const FACTS_PER_WRITE = 500

const view = (doc: EventMessageDoc): EventMessage => ({
  id: doc._id,
  eventId: doc.eventId,
  subject: doc.subject,
  body: doc.body,
  recipients: doc.recipients,
  ...(doc.byEmail ? { sentBy: doc.byEmail } : {}),
  at: doc.at.toISOString(),
})

const randomId = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')

export function messagesService({ models: { EventMessage }, reports, catalog, outbox }: { models: Pick<Models, 'EventMessage'>; reports: ReportsService; catalog: CatalogClient; outbox: Outbox }) {
  async function eventOf(eventId: string) {
    const event = await catalog.event(eventId)
    if (!event) throw fail('NOT_FOUND', 'event not found')
    return event
  }

  /** The same message asked for again under its key: its answer, or 409 for another message under that key. */
  function again(existing: EventMessageDoc, eventId: string, body: EventMessageBody): EventMessage {
    if (existing.eventId !== eventId || existing.subject !== body.subject.trim() || existing.body !== body.body.trim())
      throw fail('CONFLICT', 'this Idempotency-Key was used for another message')
    return view(existing)
  }

  return {
    /**
     * Sends a message to the event's holders. With an `Idempotency-Key` (from the sending admin) the same
     * request sent again answers the first message and tells nobody twice.
     */
    async send(eventId: string, body: EventMessageBody, principal: Principal, idempotencyKey?: string): Promise<EventMessage> {
      const event = await eventOf(eventId)
      const keyHash = idempotencyKey ? hashKey(`${principal.id}:message:${idempotencyKey}`) : undefined
      const id = keyHash ? keyHash.slice(0, 24) : randomId()
      if (keyHash) {
        const existing = await EventMessage.findById(id).lean<EventMessageDoc>()
        if (existing) return again(existing, eventId, body)
      }
      if (event.status === 'cancelled') throw fail('CONFLICT', 'the event was cancelled: its ticket holders were told, and refunded')
      const since = new Date(Date.now() - 86_400_000)
      if ((await EventMessage.countDocuments({ eventId, at: { $gt: since } })) >= MESSAGE_LIMITS.perEventPerDay)
        throw fail('RATE_LIMITED', `at most ${MESSAGE_LIMITS.perEventPerDay} messages a day to the holders of one event`, { retryAfterSeconds: 3600 })
      const holders = await reports.holders(eventId)
      const doc: EventMessageDoc = {
        _id: id,
        eventId,
        subject: body.subject.trim(),
        body: body.body.trim(),
        by: principal.id,
        ...(principal.email ? { byEmail: principal.email } : {}),
        ...(keyHash ? { keyHash } : {}),
        recipients: holders.length,
        at: new Date(),
      }
      // The facts first, then the message: a crash between them leaves facts that are sent (each holder told
      // once: the fact ids are the message's and the holder's), and the same request again records the
      // message (with the key, the same id: its facts are recorded again and dropped as duplicates).
      const facts = holders.map((h) =>
        fact(
          'orders.holder-messaged',
          {
            messageId: id,
            eventId,
            ...(event.title ? { eventTitle: event.title } : {}),
            ...(event.organizer ? { organizer: event.organizer } : {}),
            userId: h.userId,
            ...(h.email ? { userEmail: h.email } : {}),
            subject: doc.subject,
            body: doc.body,
          },
          `holder-messaged:${id}:${h.userId}`,
        ),
      )
      for (let i = 0; i < facts.length; i += FACTS_PER_WRITE) await outbox.record(facts.slice(i, i + FACTS_PER_WRITE))
      try {
        await EventMessage.create(doc)
      } catch (error) {
        // The same request, sent twice at once: the first one's message.
        if (!isDuplicateOnly(error)) throw error
        const existing = await EventMessage.findById(id).lean<EventMessageDoc>()
        if (existing) return again(existing, eventId, body)
        throw error
      }
      return view(doc)
    },

    /** The messages sent to the event's holders, newest first (the last 100). */
    async list(eventId: string): Promise<EventMessage[]> {
      await eventOf(eventId)
      return (await EventMessage.find({ eventId }).sort({ at: -1 }).limit(100).lean<EventMessageDoc[]>()).map(view)
    },
  }
}
export type MessagesService = ReturnType<typeof messagesService>
