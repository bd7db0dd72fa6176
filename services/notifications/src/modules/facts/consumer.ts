import { LIVE, type Fact, type FactSubject } from '@easypass/contracts/facts'
import { isObjectId, type Bus, type Logger } from '@easypass/kit'
import type { EmailService } from '../email/service'
import type { InboxService } from '../inbox/service'
import { describe } from './messages'

/** The durable consumers' names (NATS lets notifications' user make, read and acknowledge these only: stack/nats/users.conf). */
export const NOTIFICATIONS_CONSUMER = 'notifications'
export const EMAIL_CONSUMER = 'notifications-email'

export const CONSUMED: FactSubject[] = [
  'orders.order-paid',
  'orders.order-refunded',
  'orders.tickets-refunded',
  'orders.hold-expiring',
  'orders.order-expired',
  'orders.order-cancelled',
  'catalog.event-cancelled',
  'notifications.tickets-available',
  'orders.ticket-transferred',
  'orders.held-ticket-refunded',
  'orders.holder-messaged',
  'auth.account-closed',
]
/** Facts that also make an email, taken by a durable consumer of their own. */
export const EMAILED: FactSubject[] = ['orders.order-paid', 'orders.order-refunded', 'orders.tickets-refunded', 'notifications.tickets-available', 'orders.tickets-resent', 'orders.ticket-transfer-offered', 'orders.held-ticket-refunded', 'orders.holder-messaged']

/** A fact id as producers make them (`order-paid:<orderId>`…): also what a notification's id and an SSE event id are. */
export const validId = (id: unknown): id is string => typeof id === 'string' && /^[A-Za-z0-9._:-]{1,200}$/.test(id)

/**
 * The durable consumer `notifications`: each fact becomes at most one notification (its `_id` is the
 * fact id); a fact that comes again finds it. A new notification is signalled live, and so is one that
 * came again within minutes (its first signal may have been lost with a crash; clients tell by id).
 */
export function factHandler(deps: { inbox: InboxService; bus: Bus; log: Logger; forget: (userId: string) => Promise<void> }) {
  const { inbox, bus, log } = deps
  return async (f: Fact) => {
    if (f.subject === 'auth.account-closed') {
      const { userId } = (f as Fact<'auth.account-closed'>).data
      // Never a filter without the account in it: that would forget everyone.
      if (isObjectId(userId)) await deps.forget(userId)
      else log.error({ fact: f.id }, 'an account-closed fact without a usable account id: ignored')
      return
    }
    const message = describe(f)
    if (!message) return
    if (!validId(f.id) || typeof message.userId !== 'string' || !message.userId) {
      log.error({ fact: f.id, subject: f.subject }, 'fact without a usable id or user: dropped')
      return
    }
    const occurred = new Date(f.occurredAt)
    const created = await inbox.record(f.id, message, Number.isNaN(occurred.getTime()) ? new Date() : occurred)
    if (created) bus.publishLive(LIVE.notificationCreated(message.userId), created)
  }
}

/**
 * The durable consumer `notifications-email`: at most one email per fact. Its own consumer, so that
 * a mail server that is slow or away (each try may wait out connection timeouts) never holds up the
 * notifications themselves. An email the server will not take for now waits in the database, its fact
 * acknowledged: many of them never stop this consumer from taking the next facts.
 */
export function emailHandler(deps: { emails: EmailService; log: Logger }) {
  const { emails, log } = deps
  return async (f: Fact) => {
    if (!validId(f.id)) {
      log.error({ fact: f.id, subject: f.subject }, 'fact without a usable id: no email')
      return
    }
    await emails.handle(f)
  }
}
