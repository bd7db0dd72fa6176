// An order's answers to what its event asks (`questions` of the event): given with the purchase or at
// checkout, required ones before any money moves, changed by the buyer until the event starts. One
// document per order, replaced whole: the last write wins, and an order is its buyer's alone.
import type { Principal } from '@easypass/contracts'
import type { Event } from '@easypass/contracts/catalog'
import { checkedAnswers, unansweredRequired, type OrderAnswerInput, type OrderAnswers } from '@easypass/contracts/questions'
import { fail } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import type { Models } from '../../db'
import { statusOf, type OrderState } from '../orders/store'

const refused = (problem: { path: string; message: string }) => fail('VALIDATION', `${problem.path}: ${problem.message}`, { fields: [problem] })

export function answersService({ models, catalog }: { models: Pick<Models, 'OrderAnswer'>; catalog: CatalogClient }) {
  const { OrderAnswer } = models

  /** Checks `inputs` against the event's questions (`complete`: every required one answered) and keeps them for the order. */
  async function keep(orderId: string, userId: string, event: Pick<Event, 'id' | 'questions'>, inputs: OrderAnswerInput[], complete: boolean) {
    const checked = checkedAnswers(event.questions ?? [], inputs, complete)
    if ('problem' in checked) throw refused(checked.problem)
    if (!checked.answers.length) await OrderAnswer.deleteOne({ _id: orderId })
    else await OrderAnswer.replaceOne({ _id: orderId }, { eventId: event.id, userId, answers: checked.answers, at: new Date() }, { upsert: true })
    return checked.answers
  }

  return {
    /** Before a new purchase is held: answers given with it are checked (all required ones when it is paid at once) and kept. */
    async withPurchase(orderId: string, userId: string, event: Event, inputs: OrderAnswerInput[] | undefined, paidNow: boolean) {
      if (!inputs?.length && !(paidNow && unansweredRequired(event.questions, []))) return
      await keep(orderId, userId, event, inputs ?? [], paidNow)
    },

    /** Before an order's money moves: 400 while a required question is open (nothing is charged). */
    async readyToPay(orderId: string, event: Event) {
      if (!event.questions?.some((q) => q.required)) return
      const doc = await OrderAnswer.findById(orderId).lean()
      const open = unansweredRequired(event.questions, doc?.answers)
      if (open) throw refused({ path: 'answers', message: `answer the organiser's question "${open.label}" first` })
    },

    async of(state: OrderState): Promise<OrderAnswers> {
      const doc = await OrderAnswer.findById(state.doc._id).lean()
      return { orderId: state.doc._id, answers: doc?.answers ?? [] }
    },

    /** The buyer's answers, replaced: while the order is held or paid and the event has not started; a paid order keeps its required ones. */
    async set(state: OrderState, principal: Principal, inputs: OrderAnswerInput[]): Promise<OrderAnswers> {
      if (state.doc.userId !== principal.id) throw fail('FORBIDDEN', 'only the buyer answers for an order')
      const status = statusOf(state)
      if (status !== 'reserved' && status !== 'paid') throw fail('CONFLICT', `the order is ${status}: its answers no longer change`)
      const event = await catalog.event(state.doc.eventId, true)
      if (!event) throw fail('CONFLICT', 'the event was removed by the organizer')
      if (new Date(event.startsAt).getTime() <= Date.now()) throw fail('CONFLICT', 'the event has started: its answers no longer change')
      const answers = await keep(state.doc._id, state.doc.userId, event, inputs, status === 'paid')
      return { orderId: state.doc._id, answers }
    },

    /** Every answered order of an event, by order id (the attendee file). */
    async ofEvent(eventId: string): Promise<Map<string, OrderAnswers['answers']>> {
      const docs = await OrderAnswer.find({ eventId }).lean()
      return new Map(docs.map((d) => [d._id, d.answers]))
    },
  }
}
export type AnswersService = ReturnType<typeof answersService>
