// Messages from the organiser to the holders of an event's tickets (orders sends them, notifications
// delivers them: a notification each, and an email): a changed door time, a moved venue.
import { t, type Static } from 'elysia'
import { Id, IsoDate } from './common'

/** `perEventPerDay`: per 24 hours from the first. */
export const MESSAGE_LIMITS = { subject: 150, body: 2000, perEventPerDay: 10 } as const

export const EventMessageBody = t.Object({
  subject: t.String({ minLength: 1, maxLength: MESSAGE_LIMITS.subject, pattern: '\\S', examples: ['Doors open at 20:00, not 19:00'], error: `subject: 1 to ${MESSAGE_LIMITS.subject} characters, not only spaces` }),
  body: t.String({ minLength: 1, maxLength: MESSAGE_LIMITS.body, pattern: '\\S', examples: ['The support act was delayed: doors open an hour later. Your tickets stay valid.'], error: `body: 1 to ${MESSAGE_LIMITS.body} characters, not only spaces` }),
})
export type EventMessageBody = Static<typeof EventMessageBody>

export const EventMessage = t.Object(
  {
    id: Id,
    eventId: Id,
    subject: t.String(),
    body: t.String(),
    recipients: t.Integer({ minimum: 0, description: 'accounts that hold a valid ticket of the event (or one admitted at the door) when it was sent: each is told once' }),
    sentBy: t.Optional(t.String({ description: "the sending admin's email" })),
    status: t.Union([t.Literal('sending'), t.Literal('sent')], { description: '`sending` while a fact per holder is being recorded (within seconds), then `sent`; each is then delivered as a notification and an email' }),
    at: IsoDate,
  },
  { title: 'EventMessage' },
)
export type EventMessage = Static<typeof EventMessage>

export const EventMessageList = t.Object({ items: t.Array(EventMessage) }, { title: 'EventMessageList' })
export type EventMessageList = Static<typeof EventMessageList>
