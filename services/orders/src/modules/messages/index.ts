// Messages to ticket holders: /api/events/:id/messages (admins).
import { Elysia } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { EventMessage, EventMessageBody, EventMessageList, MESSAGE_LIMITS } from '@easypass/contracts/messages'
import { IdempotencyHeaders } from '@easypass/contracts/orders'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { MessagesService } from './service'

const tags = tagsOf('Reports')
const E = ErrorResponse

export function messagesModule(config: AuthConfig, messages: MessagesService) {
  return new Elysia({ name: 'orders.messages' })
    .use(authPlugin(config))
    .post(
      '/api/events/:id/messages',
      async ({ params, body, principal, headers, set }) => {
        set.status = 202
        return messages.send(params.id, body, principal!, headers['idempotency-key'])
      },
      {
        auth: 'admin',
        params: IdParams,
        headers: IdempotencyHeaders,
        ...strictBody(EventMessageBody),
        response: { 202: EventMessage, 400: E, 401: E, 403: E, 404: E, 409: E, 429: E, 503: E },
        detail: {
          tags,
          summary: "Write to the event's ticket holders",
          description:
            'Everyone holding a valid ticket of the event, or one admitted at the door (its buyer, or whoever it was passed on to; each account once), gets a notification and an email with the subject and text: a changed door time, a moved venue. ' +
            `202: the message is recorded with its recipients (\`recipients\` says how many) and on its way within seconds (\`status\` \`sending\`, then \`sent\`). At most ${MESSAGE_LIMITS.perEventPerDay} messages a day per event (429); 409 for a cancelled event. ` +
            'An `Idempotency-Key` is required (400 without): the same request again answers the same message and tells nobody twice (another message under that key: 409). The subject is one line; neither may hold control characters.',
          security: BEARER,
        },
      },
    )
    .get('/api/events/:id/messages', async ({ params }) => ({ items: await messages.list(params.id) }), {
      auth: 'admin',
      params: IdParams,
      response: { 200: EventMessageList, 400: E, 401: E, 403: E, 404: E, 503: E },
      detail: { tags, summary: "Messages sent to the event's ticket holders", description: 'Newest first, the last 100.', security: BEARER },
    })
}
