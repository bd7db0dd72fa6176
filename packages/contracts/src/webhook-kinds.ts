// Webhooks as plain words: what a webhook can be told of, and what a delivery's status can be. The
// server's schemas and the browser app's labels both come from here (no schema imports, so that the
// app's bundle can take this file as it is).
import type { FactSubject } from './facts'

/** What a webhook can subscribe to… */
export const WEBHOOK_EVENT_TYPES = ['order.paid', 'order.refunded', 'order.tickets_refunded', 'order.cancelled', 'order.expired', 'event.cancelled'] as const
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]
/** …and the fact each comes from. */
export const WEBHOOK_EVENTS: Record<WebhookEventType, FactSubject> = {
  'order.paid': 'orders.order-paid',
  'order.refunded': 'orders.order-refunded',
  'order.tickets_refunded': 'orders.tickets-refunded',
  'order.cancelled': 'orders.order-cancelled',
  'order.expired': 'orders.order-expired',
  'event.cancelled': 'catalog.event-cancelled',
}
/** A test delivery an admin asks for; never subscribed to. */
export const WEBHOOK_PING = 'webhook.ping'

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'skipped'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]
