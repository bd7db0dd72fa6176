// An order's answers to its event's questions (beyond the contract, additive): read by the buyer or an
// admin, changed by the buyer. Another customer's order does not exist for you (404).
import { Elysia } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { OrderAnswers, OrderAnswersBody, QUESTION_LIMITS } from '@easypass/contracts/questions'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { OrderStore } from '../orders/store'
import type { AnswersService } from './service'

const tags = tagsOf('Orders')
const E = ErrorResponse

export function answersModule(config: AuthConfig, { store, answers }: { store: OrderStore; answers: AnswersService }) {
  return new Elysia({ name: 'orders.answers' })
    .use(authPlugin(config))
    .get('/api/orders/:id/answers', async ({ params, principal }) => answers.of(await store.visible(params.id, principal!)), {
      auth: 'user',
      params: IdParams,
      response: { 200: OrderAnswers, 400: E, 401: E, 404: E },
      detail: {
        tags,
        summary: "An order's answers to the event's questions",
        description: 'For the buyer or an admin: each answer with the question as it was asked (its words then). None: `answers` is empty.',
        security: BEARER,
      },
    })
    .put('/api/orders/:id/answers', async ({ params, principal, body }) => answers.set(await store.visible(params.id, principal!), principal!, body.answers), {
      auth: 'user',
      params: IdParams,
      ...strictBody(OrderAnswersBody),
      response: { 200: OrderAnswers, 400: E, 401: E, 403: E, 404: E, 409: E },
      detail: {
        tags,
        summary: "Answer the event's questions for an order",
        description:
          "The buyer's answers replace the order's earlier ones: each `questionId` of the event's `questions` once, a `choice` one of its options, a `yes-no` `yes` or `no`, " +
          `a \`text\` up to ${QUESTION_LIMITS.answer} characters (a blank answer is none). While the order is held (paying it then needs every required one) or paid (it keeps its required ones), ` +
          'until the event starts (409 after, and for an order cancelled, expired, failed or refunded). 400 for an unknown question, an answer it does not take or control characters (nothing changes); 403 for anyone but the buyer (an admin reads them). A change waits for a payment of the order under way, which checks the answers as they are then.',
        security: BEARER,
      },
    })
}
