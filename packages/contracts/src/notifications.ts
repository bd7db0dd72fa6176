// Notifications: what a buyer is told about their orders (notifications service, gateway, web app).
import { t, type Static } from 'elysia'
import { Id, IsoDate, ListOf, PageQuery } from './common'

export const NOTIFICATION_TYPES = ['order-paid', 'order-refunded', 'hold-expiring', 'order-expired', 'order-cancelled', 'tickets-available', 'ticket-transferred', 'ticket-refunded', 'event-message'] as const
export type NotificationType = (typeof NOTIFICATION_TYPES)[number]

/** A notification's id is the id of the fact it tells about (`order-paid:<orderId>`): one per fact, ever. */
export const NotificationId = t.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:-]+$', examples: ['order-paid:665f1c2b9d3e4a0012345678'] })

export const NotificationData = t.Object(
  {
    orderId: t.Optional(t.String()),
    eventId: t.Optional(t.String()),
    eventTitle: t.Optional(t.String()),
    amountCents: t.Optional(t.Integer()),
    currency: t.Optional(t.String()),
    ticketCount: t.Optional(t.Integer()),
    expiresAt: t.Optional(t.String({ format: 'date-time', description: 'when a held order runs out (hold-expiring)' })),
    available: t.Optional(t.Integer({ description: 'tickets that came back (tickets-available)' })),
    ticketId: t.Optional(t.String({ description: 'the ticket passed on (ticket-transferred, ticket-refunded)' })),
    organizer: t.Optional(t.String({ description: 'who wrote (event-message)' })),
    messageId: t.Optional(t.String({ description: 'the message (event-message)' })),
  },
  { description: 'what the notification is about, for links in the app' },
)

export const Notification = t.Object(
  {
    id: NotificationId,
    type: t.Union(
      [
        t.Literal('order-paid'),
        t.Literal('order-refunded'),
        t.Literal('hold-expiring'),
        t.Literal('order-expired'),
        t.Literal('order-cancelled'),
        t.Literal('tickets-available'),
        t.Literal('ticket-transferred'),
        t.Literal('ticket-refunded'),
        t.Literal('event-message'),
      ],
      { examples: ['order-paid'], description: '`event-message`: the organiser wrote to the holders of an event’s tickets (its subject is the title, its text the body)' },
    ),
    title: t.String({ examples: ['Your tickets for Jazz night'] }),
    body: t.String({ examples: ['Order confirmed: 2 tickets, €90.00. Your tickets are in your account and in your email.'] }),
    data: NotificationData,
    createdAt: IsoDate,
    readAt: t.Optional(IsoDate),
  },
  { title: 'Notification' },
)
export type Notification = Static<typeof Notification>

export const NotificationsQuery = t.Object({
  ...PageQuery,
  unread: t.Optional(t.BooleanString({ description: '`true`: only the ones not marked read' })),
})
export type NotificationsQuery = Static<typeof NotificationsQuery>

export const NotificationList = t.Composite([ListOf(Notification), t.Object({ unread: t.Integer({ minimum: 0, description: 'how many of mine are not read' }) })], {
  title: 'NotificationList',
})
export type NotificationList = Static<typeof NotificationList>

export const NotificationParams = t.Object({ id: NotificationId })

// ---- the waiting list of a sold-out event ----

export const WaitlistEntry = t.Object(
  {
    eventId: Id,
    eventTitle: t.Optional(t.String()),
    joinedAt: IsoDate,
    offeredAt: t.Optional(t.Union([IsoDate, t.Null()], { description: 'when tickets came back and this buyer was told (their turn is then over: joining again queues them anew); null while waiting' })),
  },
  { title: 'WaitlistEntry' },
)
export type WaitlistEntry = Static<typeof WaitlistEntry>

export const JoinWaitlistBody = t.Object({ eventId: Id })
export const WaitlistQuery = t.Object({ ...PageQuery, eventId: t.Optional(Id) })
export type WaitlistQuery = Static<typeof WaitlistQuery>
export const WaitlistList = ListOf(WaitlistEntry)
export type WaitlistList = Static<typeof WaitlistList>
export const WaitlistParams = t.Object({ eventId: Id })

export const WaitlistCountsQuery = t.Object({
  eventIds: t.String({ pattern: '^[0-9a-f]{24}(,[0-9a-f]{24}){0,99}$', description: 'up to 100 event ids, comma-separated' }),
})
export const WaitlistCounts = t.Object(
  { items: t.Array(t.Object({ eventId: Id, waiting: t.Integer({ minimum: 0, description: 'buyers in line, not told yet' }) })) },
  { title: 'WaitlistCounts' },
)
export type WaitlistCounts = Static<typeof WaitlistCounts>
