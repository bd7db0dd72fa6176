// The notifications database: a notification's `_id` is the fact's id (a redelivered fact creates
// nothing) and reading it sets its `readAt` once; every email is recorded once, and sending one is claimed first.
import { Schema, type Connection } from 'mongoose'
import type { NotificationType } from '@easypass/contracts/notifications'
import type { DeliveryStatus, WebhookPayload } from '@easypass/contracts/webhooks'
import type { Language } from '@easypass/contracts/languages'

export interface NotificationDoc {
  _id: string
  userId: string
  type: NotificationType
  title: string
  body: string
  data: Record<string, unknown>
  createdAt: Date
  /** When this service stored it (a fact delivered late keeps its own `createdAt`): the order a stream replays in. */
  storedAt?: Date
  /** Set once, when its owner marks it (or all of theirs) read. */
  readAt?: Date
}

/** Read marks as their own records, from before `readAt`: moved onto their notifications (at start, then every minute). */
export interface NotificationReadDoc {
  _id: string
  userId: string
  at: Date
}

export interface EmailDoc {
  _id: string
  /** The account the email was for (a fact's `userId`): its address goes from the log when it closes. */
  userId?: string
  /** Kept EMAIL_LOG_ADDRESS_DAYS, then removed (the record stays: it is what keeps a fact from sending twice). */
  to?: string
  subject: string
  status: 'sent' | 'skipped' | 'failed'
  error?: string
  messageId?: string
  at: Date
}

export interface ClosedAccountDoc {
  _id: string
  at: Date
}

/**
 * A claim on sending one fact's email (`<factId>~<n>`, n = 1, 2, …): inserting it is what entitles a
 * process to send, so two copies of a fact never both send. A claim released after a temporary failure,
 * or whose holder died (older than the lease), is followed by the next number.
 */
/**
 * An email a mail server would not take for now (a throttle, a full mailbox, a server away): its fact is
 * kept here and acknowledged, and the email is tried again on a schedule of its own. Waiting on the bus
 * instead would keep the fact unacknowledged, and enough of them stop the consumer from taking new ones.
 */
export interface EmailWaitDoc {
  /** The fact's id. */
  _id: string
  userId?: string
  fact: Record<string, unknown>
  attempts: number
  nextAttemptAt: Date
  lastError?: string
  since: Date
}

export interface EmailClaimDoc {
  _id: string
  state: 'sending' | 'released' | 'sent'
  at: Date
}

/**
 * A buyer waiting for tickets of a sold-out event: `_id` is `<eventId>:<userId>`, so a buyer is on an
 * event's list once however often they ask. `offeredAt` is set when their turn came (tickets came back
 * and they were told); asking again later queues them anew, at the end.
 */
export interface WaitlistDoc {
  _id: string
  eventId: string
  userId: string
  userEmail?: string
  eventTitle?: string
  /** The language the list was joined in: the buyer is told in it. */
  language?: Language
  joinedAt: Date
  offeredAt?: Date
}

/** Per event (`_id`): how many tickets were offered to buyers of its waiting list, and until when they are theirs to take first. */
export interface WaitlistOfferDoc {
  _id: string
  count: number
  until: Date
}

/** An organiser's endpoint. `secret` signs deliveries: kept sealed with a key from SERVICE_SECRET (modules/webhooks/sealed). */
export interface WebhookDoc {
  _id: string
  url: string
  events: string[]
  /** Only these events' facts; absent: every event. */
  eventIds?: string[]
  description?: string
  secret: string
  active: boolean
  /** When it was last switched on (added, or on again after off): only facts from then reach it. */
  activeSince?: Date
  createdAt: Date
  updatedAt: Date
}

/** One fact (or ping) for one webhook, `_id` = the delivery id; rewritten after each attempt by the one job that sends it. */
export interface WebhookDeliveryDoc {
  _id: string
  webhookId: string
  type: string
  factId: string
  status: DeliveryStatus
  attempts: number
  lastStatusCode?: number
  lastError?: string
  createdAt: Date
  deliveredAt?: Date
  nextAttemptAt?: Date
  /** What is sent, kept for sending it again after it was given up (the job leaves Redis a day after). */
  payload?: WebhookPayload
}

export function defineModels(conn: Connection) {
  const notification = new Schema<NotificationDoc>(
    {
      _id: String,
      userId: { type: String, required: true },
      type: { type: String, required: true },
      title: { type: String, required: true },
      body: { type: String, required: true },
      data: { type: Schema.Types.Mixed, default: {} },
      createdAt: { type: Date, required: true },
      storedAt: Date,
      readAt: Date,
    },
    { collection: 'notifications', versionKey: false, minimize: false },
  )
  notification.index({ userId: 1, createdAt: -1 })
  notification.index({ userId: 1, readAt: 1 })
  notification.index({ userId: 1, storedAt: 1 })

  const read = new Schema<NotificationReadDoc>({ _id: String, userId: { type: String, required: true }, at: Date }, { collection: 'notification_reads', versionKey: false })
  read.index({ userId: 1 })

  const email = new Schema<EmailDoc>(
    { _id: String, userId: String, to: String, subject: String, status: { type: String, required: true }, error: String, messageId: String, at: Date },
    { collection: 'emails', versionKey: false },
  )
  email.index({ userId: 1 })
  email.index({ at: 1 })
  /** A closed account's address is also looked for under other accounts' records (complimentary tickets). */
  email.index({ to: 1 })

  /** Accounts closed (`_id`: the account): what is stored for them after they were forgotten goes at the next sweep. */
  const closedAccount = new Schema<ClosedAccountDoc>({ _id: String, at: { type: Date, required: true } }, { collection: 'closed_accounts', versionKey: false })

  const claim = new Schema<EmailClaimDoc>({ _id: String, state: { type: String, required: true }, at: Date }, { collection: 'email_claims', versionKey: false })

  const emailWait = new Schema<EmailWaitDoc>(
    { _id: String, userId: String, fact: { type: Schema.Types.Mixed, required: true }, attempts: { type: Number, required: true }, nextAttemptAt: { type: Date, required: true }, lastError: String, since: { type: Date, required: true } },
    { collection: 'email_waits', versionKey: false, minimize: false },
  )
  emailWait.index({ nextAttemptAt: 1 })
  emailWait.index({ userId: 1 })

  const waitlist = new Schema<WaitlistDoc>(
    { _id: String, eventId: { type: String, required: true }, userId: { type: String, required: true }, userEmail: String, eventTitle: String, language: String, joinedAt: { type: Date, required: true }, offeredAt: Date },
    { collection: 'waitlist', versionKey: false },
  )
  waitlist.index({ eventId: 1, offeredAt: 1, joinedAt: 1 })
  waitlist.index({ userId: 1, joinedAt: -1 })

  const waitlistOffer = new Schema<WaitlistOfferDoc>({ _id: String, count: { type: Number, required: true }, until: { type: Date, required: true } }, { collection: 'waitlist_offers', versionKey: false })

  const webhook = new Schema<WebhookDoc>(
    {
      _id: String,
      url: { type: String, required: true },
      events: { type: [String], required: true },
      eventIds: { type: [String], default: undefined },
      description: String,
      secret: { type: String, required: true },
      active: { type: Boolean, required: true },
      activeSince: Date,
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    { collection: 'webhooks', versionKey: false },
  )
  const delivery = new Schema<WebhookDeliveryDoc>(
    {
      _id: String,
      webhookId: { type: String, required: true },
      type: { type: String, required: true },
      factId: { type: String, required: true },
      status: { type: String, required: true },
      attempts: { type: Number, required: true },
      lastStatusCode: Number,
      lastError: String,
      createdAt: { type: Date, required: true },
      deliveredAt: Date,
      nextAttemptAt: Date,
      payload: Schema.Types.Mixed,
    },
    { collection: 'webhook_deliveries', versionKey: false },
  )
  delivery.index({ webhookId: 1, createdAt: -1 })
  delivery.index({ createdAt: 1 })
  // A closed account's deliveries (its address taken out of their payloads).
  delivery.index({ 'payload.data.userId': 1 })

  return {
    Webhook: conn.model<WebhookDoc>('Webhook', webhook),
    WebhookDelivery: conn.model<WebhookDeliveryDoc>('WebhookDelivery', delivery),
    Waitlist: conn.model<WaitlistDoc>('Waitlist', waitlist),
    WaitlistOffer: conn.model<WaitlistOfferDoc>('WaitlistOffer', waitlistOffer),
    EmailClaim: conn.model<EmailClaimDoc>('EmailClaim', claim),
    EmailWait: conn.model<EmailWaitDoc>('EmailWait', emailWait),
    Notification: conn.model<NotificationDoc>('Notification', notification),
    NotificationRead: conn.model<NotificationReadDoc>('NotificationRead', read),
    Email: conn.model<EmailDoc>('Email', email),
    ClosedAccount: conn.model<ClosedAccountDoc>('ClosedAccount', closedAccount),
  }
}
export type Models = ReturnType<typeof defineModels>

