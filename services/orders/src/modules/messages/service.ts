// Messages from the organiser to everyone holding a ticket of an event (a changed door time, a moved
// venue). The request records the message with its recipients, fixed then (the attendee list's holders:
// the accounts holding a valid ticket or one admitted at the door, its buyer's or whoever it was passed
// on to, each once), and answers 202. The worker then records one fact per recipient
// (`orders.holder-messaged`), page by page from a cursor kept on the message, which notifications turns
// into a notification and an email. The message document is the claim: one request of a key records it,
// and a crash anywhere is finished by the worker (facts are recorded at least once; their ids, the
// message's and the recipient's, make each told once).
import type { Principal } from '@easypass/contracts'
import { MESSAGE_LIMITS, type EventMessage, type EventMessageBody } from '@easypass/contracts/messages'
import { typedTextProblem } from '@easypass/contracts/typed-text'
import type { Redis } from 'ioredis'
import { actionLimit, fact, fail, isDuplicateOnly, type Logger, type Outbox } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import type { EventMessageDoc, Models } from '../../db'
import { hashKey } from '../idempotency/service'
import type { ReportsService } from '../reports/service'

/** Facts per outbox write and cursor step. */
const PAGE = 500

const view = (doc: EventMessageDoc): EventMessage => ({
  id: doc._id,
  eventId: doc.eventId,
  subject: doc.subject,
  body: doc.body,
  recipients: doc.recipients,
  ...(doc.byEmail ? { sentBy: doc.byEmail } : {}),
  status: doc.state,
  at: doc.at.toISOString(),
})

/** Control characters other than line breaks and tabs in the body (none at all in the subject, a header line). */
function problemOf(body: EventMessageBody): { path: string; message: string } | undefined {
  const subject = typedTextProblem(body.subject, 'line')
  if (subject) return { path: 'subject', message: subject }
  const text = typedTextProblem(body.body, 'text')
  return text ? { path: 'body', message: text } : undefined
}

export function messagesService({ models: { EventMessage }, reports, catalog, redis, prefix }: { models: Pick<Models, 'EventMessage'>; reports: ReportsService; catalog: CatalogClient; redis: Redis; prefix: string }) {
  const perEvent = actionLimit(redis, `${prefix}:orders:event-messages`, MESSAGE_LIMITS.perEventPerDay, 86_400, `at most ${MESSAGE_LIMITS.perEventPerDay} messages a day to the holders of one event`)
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

  /** A message recorded under its id for the event's holders now; `counted: false` when the same key's first request recorded it. */
  async function record(eventId: string, id: string, body: EventMessageBody, principal: Principal, event: Awaited<ReturnType<typeof eventOf>>): Promise<{ message: EventMessage; counted: boolean }> {
    const holders = await reports.holders(eventId)
    const doc: EventMessageDoc = {
      _id: id,
      eventId,
      subject: body.subject.trim(),
      body: body.body.trim(),
      by: principal.id,
      ...(principal.email ? { byEmail: principal.email } : {}),
      recipients: holders.length,
      holders,
      cursor: 0,
      state: holders.length ? 'sending' : 'sent',
      ...(holders.length ? {} : { addressesRemovedAt: new Date() }),
      ...(event.title ? { eventTitle: event.title } : {}),
      ...(event.organizer ? { organizer: event.organizer } : {}),
      at: new Date(),
    }
    try {
      await EventMessage.create(doc)
    } catch (error) {
      // The same key twice at once: the first one's message (another text under it: 409).
      if (!isDuplicateOnly(error)) throw error
      const first = await EventMessage.findById(id).lean<EventMessageDoc>()
      if (first) return { message: again(first, eventId, body), counted: false }
      throw error
    }
    return { message: view(doc), counted: true }
  }

  return {
    /** Records a message to the event's holders (202): the worker tells them. Needs an `Idempotency-Key`: the same request again tells nobody twice. */
    async send(eventId: string, body: EventMessageBody, principal: Principal, idempotencyKey?: string): Promise<EventMessage> {
      if (!idempotencyKey) throw fail('VALIDATION', 'send an Idempotency-Key: a message sent twice would tell every holder twice', { fields: [{ path: 'idempotency-key', message: 'required' }] })
      const problem = problemOf(body)
      if (problem) throw fail('VALIDATION', `${problem.path}: ${problem.message}`, { fields: [problem] })
      const event = await eventOf(eventId)
      const id = hashKey(`${principal.id}:message:${idempotencyKey}`).slice(0, 24)
      const existing = await EventMessage.findById(id).lean<EventMessageDoc>()
      if (existing) return again(existing, eventId, body)
      if (event.status === 'cancelled') throw fail('CONFLICT', 'the event was cancelled: its ticket holders were told, and refunded')
      await perEvent.take(eventId)
      let recorded: { message: EventMessage; counted: boolean }
      try {
        recorded = await record(eventId, id, body, principal, event)
      } catch (error) {
        // Not recorded: no message counted against the day's.
        await perEvent.giveBack(eventId)
        throw error
      }
      // The same key at the same moment: the first request's message, counted once.
      if (!recorded.counted) await perEvent.giveBack(eventId)
      return recorded.message
    },


    /** The messages sent to the event's holders, newest first (the last 100). */
    async list(eventId: string): Promise<EventMessage[]> {
      await eventOf(eventId)
      return (await EventMessage.find({ eventId }, { holders: 0 }).sort({ at: -1 }).limit(100).lean<EventMessageDoc[]>()).map(view)
    },
  }
}
export type MessagesService = ReturnType<typeof messagesService>

const withoutAddresses = (holders: EventMessageDoc['holders']) => holders.map((h) => ({ userId: h.userId }))

/**
 * Messages sent before their recipients' addresses were removed once sent: the same for them. Run once
 * at the worker's start (not with every delivery pass: it reads every message sent).
 */
export async function removeSentAddresses({ models: { EventMessage }, log }: { models: Pick<Models, 'EventMessage'>; log: Logger }) {
  let removed = 0
  let after: string | undefined
  for (;;) {
    const older = await EventMessage.find({ state: 'sent', addressesRemovedAt: { $exists: false }, ...(after ? { _id: { $gt: after } } : {}) }, { holders: 1 })
      .sort({ _id: 1 })
      .limit(100)
      .lean<Pick<EventMessageDoc, '_id' | 'holders'>[]>()
    for (const message of older) await EventMessage.updateOne({ _id: message._id, state: 'sent' }, { $set: { holders: withoutAddresses(message.holders), addressesRemovedAt: new Date() } })
    removed += older.length
    if (older.length < 100) break
    after = older[older.length - 1]!._id
  }
  if (removed) log.info({ messages: removed }, "addresses removed from messages to ticket holders sent earlier")
}

/**
 * The worker's part: a fact per recipient of every message still `sending`, a page at a time, the
 * cursor moved after each page (a crash records that page again: the same fact ids, told once).
 */
export function messageDelivery({ models: { EventMessage }, outbox, log }: { models: Pick<Models, 'EventMessage'>; outbox: Outbox; log: Logger }) {
  return async function deliverPending() {
    const pending = await EventMessage.find({ state: 'sending' }).limit(10).lean<EventMessageDoc[]>()
    for (const message of pending) {
      let cursor = message.cursor
      while (cursor < message.holders.length) {
        const page = message.holders.slice(cursor, cursor + PAGE)
        await outbox.record(
          page.map((h) =>
            fact(
              'orders.holder-messaged',
              {
                messageId: message._id,
                eventId: message.eventId,
                ...(message.eventTitle ? { eventTitle: message.eventTitle } : {}),
                ...(message.organizer ? { organizer: message.organizer } : {}),
                userId: h.userId,
                ...(h.email ? { userEmail: h.email } : {}),
                ...(h.language ? { language: h.language } : {}),
                subject: message.subject,
                body: message.body,
              },
              `holder-messaged:${message._id}:${h.userId}`,
            ),
          ),
        )
        cursor += page.length
        await EventMessage.updateOne({ _id: message._id }, { $set: { cursor } })
      }
      // Every fact is recorded: the recipients' addresses and languages served their purpose (who was told stays).
      await EventMessage.updateOne({ _id: message._id }, { $set: { state: 'sent', holders: withoutAddresses(message.holders), addressesRemovedAt: new Date() } })
      log.info({ messageId: message._id, eventId: message.eventId, recipients: message.recipients }, 'message to ticket holders recorded for delivery')
    }

  }
}
