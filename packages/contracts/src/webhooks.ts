// Webhooks: organisers' own systems told of what happens (an order paid, refunded…), as signed HTTP
// POSTs from the notifications service. Routes, the delivery job and what a receiver gets.
import { t, type Static } from 'elysia'
import { Id, IsoDate } from './common'
import { DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES, WEBHOOK_PING, type WebhookEventType } from './webhook-kinds'

export * from './webhook-kinds'

const EventTypes = t.Array(t.UnionEnum(WEBHOOK_EVENT_TYPES), {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length,
  uniqueItems: true,
  examples: [['order.paid', 'order.refunded']],
})
const Url = t.String({ minLength: 8, maxLength: 2000, examples: ['https://crm.example.com/hooks/easypass'] })
const Description = t.String({ maxLength: 200, examples: ['Our CRM'] })
const EventIds = t.Array(Id, { maxItems: 100, uniqueItems: true, description: "Only these events' facts (an organiser's own); none or empty: every event" })

export const CreateWebhookBody = t.Object({ url: Url, events: EventTypes, eventIds: t.Optional(EventIds), description: t.Optional(Description) }, { additionalProperties: false })
export type CreateWebhookBody = Static<typeof CreateWebhookBody>
export const UpdateWebhookBody = t.Object(
  { url: t.Optional(Url), events: t.Optional(EventTypes), eventIds: t.Optional(EventIds), description: t.Optional(Description), active: t.Optional(t.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>

export const Webhook = t.Object(
  {
    id: Id,
    url: t.String(),
    events: t.Array(t.String()),
    eventIds: t.Optional(t.Array(t.String(), { description: 'only these events; absent: every event' })),
    description: t.Optional(t.String()),
    active: t.Boolean(),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { title: 'Webhook' },
)
export type Webhook = Static<typeof Webhook>
export const WebhookWithSecret = t.Composite([Webhook, t.Object({ secret: t.String({ description: 'Signs every delivery (HMAC-SHA256); shown only here and when renewed.', examples: ['whsec_…'] }) })], {
  title: 'WebhookWithSecret',
})
export type WebhookWithSecret = Static<typeof WebhookWithSecret>
export const WebhookList = t.Object({ items: t.Array(Webhook) })
export const WebhookSecret = t.Object({ secret: t.String() })

export const WebhookDelivery = t.Object(
  {
    id: t.String({ description: 'Also the `EasyPass-Delivery` header: the same on every attempt of one delivery' }),
    webhookId: Id,
    type: t.String({ examples: ['order.paid'] }),
    factId: t.String({ description: 'The `id` of the payload: what happened, once (several webhooks get the same)' }),
    status: t.UnionEnum(DELIVERY_STATUSES),
    attempts: t.Integer({ minimum: 0 }),
    lastStatusCode: t.Optional(t.Integer({ description: "the receiver's HTTP status at the last attempt" })),
    lastError: t.Optional(t.String()),
    createdAt: IsoDate,
    deliveredAt: t.Optional(IsoDate),
    nextAttemptAt: t.Optional(IsoDate),
  },
  { title: 'WebhookDelivery' },
)
export type WebhookDelivery = Static<typeof WebhookDelivery>
export const WebhookDeliveryList = t.Object({ items: t.Array(WebhookDelivery) })
export const WebhookDeliveriesQuery = t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 200, default: 50 })) }, { additionalProperties: false })
export const DeliveryQueued = t.Object({ deliveryId: t.String() })
export const DeliveryParams = t.Object({ id: Id, deliveryId: t.String({ pattern: '^[0-9a-f]{32}$' }) })

/** What every delivery's body is: `data` is the payload of the fact it tells of. */
export interface WebhookPayload {
  id: string
  type: WebhookEventType | typeof WEBHOOK_PING
  occurredAt: string
  data: Record<string, unknown>
}

/** The BullMQ queue of deliveries (notifications' API and consumer add, its worker sends). */
export const WEBHOOK_QUEUE = 'webhook-deliveries'
export type WebhookJobName = 'deliver'
export interface WebhookJobData {
  deliveryId: string
  webhookId: string
  payload: WebhookPayload
  /** Sent again on an admin's word: what the webhook asks for is its kinds and events, whenever it was switched on. */
  byAdmin?: true
}
