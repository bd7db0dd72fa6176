// An order's answers to what its event asks (`questions` of the event): given with the purchase or at
// checkout, required ones before any money moves, changed by the buyer until the event starts. One
// document per order, replaced whole. A change takes the order's lock, as a payment does, and the
// payment checks the answers under that lock: no change slips between the check and the charge.
// Tickets handed over in person (complimentary, sold at the door) are not asked. A question asked per
// ticket is answered for each admission ticket of the order (`tickets`: how many it has).
import type { Principal } from '@easypass/contracts'
import type { Event } from '@easypass/contracts/catalog'
import { answersAsked, answersStillFitting, checkedAnswers, tooManyAnswers, type EventQuestion, type OrderAnswer, type OrderAnswerInput, type OrderAnswers } from '@easypass/contracts/questions'
import { fail } from '@easypass/kit'
import { admissionsOf } from '@easypass/contracts/add-ons'
import type { CatalogClient } from '../../clients'
import type { Models } from '../../db'
import type { OrderLocks } from '../coordination'
import { statusOf, type OrderState, type OrderStore } from '../orders/store'

const refused = (problem: { path: string; message: string }) => fail('VALIDATION', `${problem.path}: ${problem.message}`, { fields: [problem] })

export function answersService({ models, catalog, store, locks }: { models: Pick<Models, 'OrderAnswer'>; catalog: CatalogClient; store: OrderStore; locks: OrderLocks }) {
  const { OrderAnswer } = models

  /** Checks `inputs` against the questions (`complete`: every required one answered): the answers as kept, or 400. */
  function checked(questions: EventQuestion[] | undefined, inputs: OrderAnswerInput[], complete: boolean, tickets: number): OrderAnswer[] {
    const result = checkedAnswers(questions ?? [], inputs, complete, tickets)
    if ('problem' in result) throw refused(result.problem)
    return result.answers
  }

  async function save(orderId: string, userId: string, eventId: string, answers: OrderAnswer[]) {
    if (!answers.length) await OrderAnswer.deleteOne({ _id: orderId })
    else await OrderAnswer.replaceOne({ _id: orderId }, { eventId, userId, answers, at: new Date() }, { upsert: true })
  }

  return {
    /**
     * A new purchase's answers, checked before anything is held (all required ones when it is paid at
     * once): what `keepForPurchase` stores once the purchase gets past the cheap refusals.
     */
    checkPurchase(event: Event, inputs: OrderAnswerInput[] | undefined, paidNow: boolean, tickets: number): OrderAnswer[] {
      if (!event.questions?.length && !inputs?.length) return []
      // An order whose answers could never be given in one body is refused before it is held.
      const tooMany = tooManyAnswers(event.questions ?? [], tickets)
      if (tooMany) throw refused({ path: 'items', message: tooMany })
      return checked(event.questions, inputs ?? [], paidNow, tickets)
    },
    keepForPurchase: (orderId: string, userId: string, eventId: string, answers: OrderAnswer[]) => (answers.length ? save(orderId, userId, eventId, answers) : Promise.resolve()),
    /** The answers of a purchase that ended without an order (refused by ticketing): nothing of it is kept. */
    forget: async (orderId: string) => void (await OrderAnswer.deleteOne({ _id: orderId })),

    /**
     * Under the order's lock, before its money moves: 400 while a required question is open, or an
     * answer no longer fits its question (an option taken away since). Nothing is charged.
     */
    async readyToPay(orderId: string, questions: EventQuestion[] | undefined, tickets: number) {
      if (!questions?.some((q) => q.required)) return
      const doc = await OrderAnswer.findById(orderId).lean()
      // Answers given before a question was switched to or from per ticket no longer count (nor stand in the way).
      const stored = answersStillFitting(questions, doc?.answers ?? [], tickets).map(({ questionId, value, ticket }) => ({ questionId, value, ...(ticket ? { ticket } : {}) }))
      const result = checkedAnswers(questions, stored, true, tickets)
      // Said of the order's answers (this request has none): which question is open or no longer fits.
      if ('problem' in result) throw refused({ path: 'answers', message: result.problem.path === 'answers' ? result.problem.message : `"${questions.find((q) => q.id === stored[Number(/\d+/.exec(result.problem.path)?.[0])]?.questionId)?.label ?? 'a question'}": ${result.problem.message}: change the answer first` })
    },

    /** The answers as they stand against the event's questions now: none that no longer fit or are no longer asked. */
    async of(state: OrderState): Promise<OrderAnswers> {
      const doc = await OrderAnswer.findById(state.doc._id).lean()
      if (!doc?.answers.length) return { orderId: state.doc._id, answers: [] }
      const event = await catalog.event(state.doc.eventId).catch(() => null)
      return { orderId: state.doc._id, answers: event ? answersAsked(event.questions ?? [], doc.answers, admissionsOf(state.doc.items)) : doc.answers }
    },

    /** The buyer's answers, replaced: while the order is held or paid and the event has not started; a paid order keeps its required ones. */
    async set(seen: OrderState, principal: Principal, inputs: OrderAnswerInput[]): Promise<OrderAnswers> {
      if (seen.doc.userId !== principal.id) throw fail('FORBIDDEN', 'only the buyer answers for an order')
      if (seen.doc.addOnTo) throw fail('CONFLICT', `these are extras for order ${seen.doc.addOnTo}: its answers are that order's`, { orderId: seen.doc.addOnTo })
      const event = await catalog.event(seen.doc.eventId, true)
      if (!event) throw fail('CONFLICT', 'the event was removed by the organizer')
      if (new Date(event.startsAt).getTime() <= Date.now()) throw fail('CONFLICT', 'the event has started: its answers no longer change')
      const lock = await locks.acquire(seen.doc._id, 5_000)
      try {
        // As it is now: a payment may have landed while this waited for the lock.
        const state = (await store.load(seen.doc._id)) ?? seen
        const status = statusOf(state)
        if (status !== 'reserved' && status !== 'paid') throw fail('CONFLICT', `the order is ${status}: its answers no longer change`)
        const answers = checked(event.questions, inputs, status === 'paid', admissionsOf(state.doc.items))
        await save(state.doc._id, state.doc.userId, state.doc.eventId, answers)
        return { orderId: state.doc._id, answers }
      } finally {
        await lock.release()
      }
    },
  }
}
export type AnswersService = ReturnType<typeof answersService>
