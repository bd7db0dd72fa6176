// Admin routes of webhooks: /api/webhooks.
import { Elysia, status, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { CreateWebhookBody, DeliveryParams, UpdateWebhookBody, Webhook, WebhookDeliveriesQuery, WebhookDeliveryList, WebhookList, DeliveryQueued, WebhookSecret, WebhookWithSecret } from '@easypass/contracts/webhooks'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { WebhooksService } from './service'

const tags = tagsOf('Webhooks')
const security = BEARER
const E = ErrorResponse

const RECEIVING =
  'Each delivery is a POST of `{id, type, occurredAt, data}` (JSON; `data` is what happened: the order, its event, its buyer) with the headers `EasyPass-Event`, `EasyPass-Delivery` (the same on every try of one delivery) and ' +
  '`EasyPass-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>`. Answer 2xx within 10 s; anything else is tried again, waiting twice as long each time (8 tries over about two hours by default). ' +
  'A fact is delivered at least once: skip an `id` already handled. Deliveries may arrive out of order (`occurredAt` says when it happened). Outside development the URL must be HTTPS and resolve to public addresses only.'

export function webhooksModule(webhooks: WebhooksService, config: AuthConfig) {
  return new Elysia({ name: 'notifications.webhooks' })
    .use(authPlugin(config))
    .post('/api/webhooks', async ({ body }) => status(201, await webhooks.create(body)), {
      auth: 'admin',
      ...strictBody(CreateWebhookBody),
      response: { 201: WebhookWithSecret, 400: E, 401: E, 403: E },
      detail: {
        tags,
        summary: "Add a webhook: an organiser's endpoint told of orders and events",
        description: `Events: \`order.paid\`, \`order.refunded\`, \`order.tickets_refunded\` (some tickets of a paid order given back, or with an empty \`ticketIds\` an amount of its price while every ticket stays valid), \`order.cancelled\`, \`order.expired\`, \`event.cancelled\`. The answer carries the signing \`secret\`, shown only here (and when renewed). ${RECEIVING}`,
        security,
      },
    })
    .get('/api/webhooks', async () => ({ items: await webhooks.list() }), {
      auth: 'admin',
      response: { 200: WebhookList, 401: E, 403: E },
      detail: { tags, summary: 'The webhooks', description: 'Oldest first, without their secrets.', security },
    })
    .get('/api/webhooks/:id', ({ params }) => webhooks.get(params.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: Webhook, 400: E, 401: E, 403: E, 404: E },
      detail: { tags, summary: 'One webhook', security },
    })
    .patch('/api/webhooks/:id', ({ params, body }) => webhooks.update(params.id, body), {
      auth: 'admin',
      params: IdParams,
      ...strictBody(UpdateWebhookBody),
      response: { 200: Webhook, 400: E, 401: E, 403: E, 404: E },
      detail: { tags, summary: 'Change a webhook, or switch it off and on (`active`)', description: 'A switched-off webhook is sent nothing, also of deliveries still waiting for their next try.', security },
    })
    .delete(
      '/api/webhooks/:id',
      async ({ params }) => {
        await webhooks.remove(params.id)
        return status(204, undefined)
      },
      {
        auth: 'admin',
        params: IdParams,
        response: { 204: t.Void(), 400: E, 401: E, 403: E, 404: E },
        detail: { tags, summary: 'Remove a webhook', description: 'Deliveries still waiting are not sent; its delivery history goes with it.', security },
      },
    )
    .post('/api/webhooks/:id/secret', ({ params }) => webhooks.renewSecret(params.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: WebhookSecret, 400: E, 401: E, 403: E, 404: E },
      detail: { tags, summary: 'Renew the signing secret', description: 'The new secret signs every delivery from now on (a try of an older delivery too); the old one stops at once.', security },
    })
    .post('/api/webhooks/:id/ping', async ({ params }) => status(202, await webhooks.ping(params.id)), {
      auth: 'admin',
      params: IdParams,
      response: { 202: DeliveryQueued, 400: E, 401: E, 403: E, 404: E, 409: E },
      detail: { tags, summary: 'Send a test delivery', description: 'A `webhook.ping` with `data: {webhookId}`, signed and tried again as any delivery; its outcome shows in the deliveries. 409 for a switched-off webhook.', security },
    })
    .post('/api/webhooks/:id/deliveries/:deliveryId/retry', async ({ params }) => status(202, await webhooks.redeliver(params.id, params.deliveryId)), {
      auth: 'admin',
      params: DeliveryParams,
      response: { 202: DeliveryQueued, 400: E, 401: E, 403: E, 404: E, 409: E },
      detail: {
        tags,
        summary: 'Send a delivery that was given up again',
        description: 'Once the receiver is fixed: the same payload and delivery id, tried again from the first try. 409 unless it was given up (`failed`), or while the webhook is switched off.',
        security,
      },
    })
    .get('/api/webhooks/:id/deliveries', async ({ params, query }) => ({ items: await webhooks.deliveries(params.id, query.limit) }), {
      auth: 'admin',
      params: IdParams,
      query: WebhookDeliveriesQuery,
      response: { 200: WebhookDeliveryList, 400: E, 401: E, 403: E, 404: E },
      detail: { tags, summary: "A webhook's recent deliveries", description: 'Newest first (`limit`, 50 by default): each with its status (`pending`, `retrying`, `delivered`, `failed`, `skipped`), its tries and the last answer.', security },
    })
}
