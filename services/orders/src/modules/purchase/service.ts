// Buying: POST /api/orders (hold, and pay at once when a card is given), paying a reserved order, and
// cancelling one. Prices come from ticketing's hold decision, never from the client. A decision that
// takes longer than the wait budget is answered 202 `pending` while the work goes on.
import { Types } from 'mongoose'
import type { Principal } from '@easypass/contracts'
import type { Language } from '@easypass/contracts/languages'
import { isPublic, type Event } from '@easypass/contracts/catalog'
import { voucherAppliesTo, voucherDiscount, type HoldResult, type OpFailure } from '@easypass/contracts/inventory'
import type { BoxOfficeBody, ComplimentaryBody, CreateOrderBody, Order, OrderItem, PaidAtTheDoor, PayOrderBody } from '@easypass/contracts/orders'
import { ticketIdsOf, type TicketsService } from '../tickets/service'
import { cardProblem, DECLINE_MESSAGES, type Card, type ChargeResponse, type DeclineCode } from '@easypass/contracts/payments'
import { AppError, fail, previousSecrets, type GuessLimit, type Logger } from '@easypass/kit'
import type { OrderDoc } from '../../db'
import type { CatalogClient, PaymentsClient, TicketingClient } from '../../clients'
import type { OrdersConfig } from '../../config'
import { pendingAnswers, recordDecision, type PurchaseOutcome } from '../../metrics'
import { viaRedis, type DirtyOrders, type OrderLock, type OrderLocks, type SettledOrders } from '../coordination'
import { cardFingerprintKey, hashBody, hashKey, type Execution, type Idempotency, type IdemRecord } from '../idempotency/service'
import { errorAnswer, SoldMeanwhile, Undecided, untilDecided, type Answer, type Mode, type Settlement } from '../orders/settlement'
import { orderItem, statusOf, toOrder, type OrderState, type OrderStore } from '../orders/store'
import type { WaitingRooms } from '../waiting-room/service'
import type { AnswersService } from '../answers/service'
import type { EventQuestion } from '@easypass/contracts/questions'
import type { SoldOutBoard } from './sold-out'
import { reminderAt, type HoldReminders } from '../reminders/service'
import type { HoldLimit } from './hold-limit'
import type { LaterExtras } from '../orders/later-extras'
import { admissionsOf } from '@easypass/contracts/add-ons'

export interface PurchaseDeps {
  config: OrdersConfig
  store: OrderStore
  settlement: Settlement
  catalog: CatalogClient
  ticketing: TicketingClient
  payments: PaymentsClient
  locks: OrderLocks
  dirty: DirtyOrders
  settled: SettledOrders
  idem: Idempotency
  reminders: HoldReminders
  holds: HoldLimit
  /** Unknown voucher codes tried, per buyer. */
  voucherGuesses: GuessLimit
  /** Ticketing's published availability: what surely cannot fit is refused without a hold op. */
  soldOut?: SoldOutBoard
  /** Events whose buyers go through a line: only those let in start purchases. */
  rooms?: Pick<WaitingRooms, 'mayBuy'>
  /** Names the tickets of complimentary orders given for a named guest. */
  tickets?: Pick<TicketsService, 'setAttendee'>
  /** The orders' answers to their events' questions: required ones before money moves. */
  answers?: Pick<AnswersService, 'checkPurchase' | 'keepForPurchase' | 'forget' | 'readyToPay'>
  /** Extras bought later for a paid order. */
  later?: Pick<LaterExtras, 'mayAddTo' | 'link' | 'allowance' | 'unlink'>
  log: Logger
}

interface Line {
  ticketTypeId: string
  quantity: number
  /** Of a seated type: the seats asked for. */
  seats?: string[]
}

interface PurchaseContext {
  orderId: string
  userId: string
  eventId: string
  /** A payment's: the event's questions, checked against the order's answers under its lock. */
  questions?: EventQuestion[]
  eventTitle?: string
  eventStartsAt?: Date
  userEmail?: string
  items: Line[]
  card?: Card
  voucherCode?: string
  /** Given free by an admin, for this guest (the tickets go to `email`): held, then confirmed at once without a charge. */
  complimentary?: { email: string; name?: string }
  /** Sold at the door, paid there: held, then confirmed at once without the card gateway; `name` on every ticket. */
  boxOffice?: { paidWith: PaidAtTheDoor; name?: string }
  /** The language of the request that placed it: the order's emails and notifications speak it. */
  language?: Language
  /** Extras bought later: the paid order they are for (its lock is held while they are held and paid). */
  addOnTo?: string
  startedAt: number
  giveUpAt: number
  timedOut: boolean
  /** Set (in the same tick as it reads `timedOut`) once the pipeline has decided to refuse: the wait budget then waits for that answer instead of showing a pending order nobody would close. */
  refused?: boolean
  /** A new order id: nothing of this order can be stored yet, so nothing is looked up (a lookup that misses scans on FerretDB). */
  fresh: boolean
}

/** How long extras bought later wait for the paid order's lock (held by its refunds, or by other extras being counted). */
const PARENT_WAIT_MS = 4_000

/** A reserved order is looked at again this long after its hold runs out (the expiry fact normally came first). */
export const EXPIRY_MARGIN_MS = 60_000

export const newOrderId = () => new Types.ObjectId().toHexString()
/** A purchase refused because its voucher code is not one of the event's (ticketing names the code). */
const unknownVoucher = (answer: Answer | undefined) =>
  answer?.status === 404 && !!(answer.body as { error?: { details?: { voucherCode?: unknown } } } | undefined)?.error?.details?.voucherCode
/** The least time the release of a declined purchase's hold is given (see `releaseBy`). */
const RELEASE_MIN_MS = 3_000

/** Lines of the same ticket type are added together; the sum obeys the same limit as one line. */
export function mergeLines(items: Line[]): Line[] {
  const merged = new Map<string, Line>()
  for (const [i, { ticketTypeId, quantity, seats }] of items.entries()) {
    const id = ticketTypeId.toLowerCase()
    if (seats && seats.length !== quantity)
      throw fail('VALIDATION', `items.${i}.seats: name one seat per ticket (${quantity}), not ${seats.length}`, { fields: [{ path: `items.${i}.seats`, message: `${quantity} seats for ${quantity} tickets` }] })
    const known = merged.get(id)
    // Seats for every line of a type, or for none: ticketing picks the best seats only for a whole line.
    if (known && !known.seats !== !seats) throw fail('VALIDATION', `items.${i}.seats: name the seats of every line of this ticket type, or of none`, { fields: [{ path: `items.${i}.seats`, message: 'seats for every line of the type, or none' }] })
    const all = known?.seats && seats ? [...known.seats, ...seats] : seats
    if (all && new Set(all).size !== all.length) throw fail('VALIDATION', `items.${i}.seats: a seat is named twice`, { fields: [{ path: `items.${i}.seats`, message: 'a seat is named twice' }] })
    merged.set(id, { ticketTypeId: id, quantity: (known?.quantity ?? 0) + quantity, ...(all ? { seats: all } : {}) })
  }
  const lines = [...merged.values()]
  const tooMany = lines.find((l) => l.quantity > 100)
  if (tooMany) throw fail('VALIDATION', 'items: at most 100 tickets of one ticket type per order', { fields: [{ path: 'items', message: 'at most 100 of one ticket type' }] })
  return lines
}

/** Who buys what for which event: the part of an order known before ticketing decides. */
function orderIdentity(ctx: PurchaseContext) {
  return {
    _id: ctx.orderId,
    userId: ctx.userId,
    eventId: ctx.eventId,
    ...(ctx.eventTitle ? { eventTitle: ctx.eventTitle } : {}),
    ...(ctx.eventStartsAt ? { eventStartsAt: ctx.eventStartsAt } : {}),
    ...(ctx.userEmail ? { userEmail: ctx.userEmail } : {}),
    ...(ctx.language ? { language: ctx.language } : {}),
    ...(ctx.addOnTo ? { addOnTo: ctx.addOnTo } : {}),
  }
}

function checkCard(card: Card | undefined, prefix: string) {
  if (!card) return
  const problem = cardProblem(card)
  if (problem) throw fail('VALIDATION', `${prefix}${problem.path}: ${problem.message}`, { fields: [{ path: `${prefix}${problem.path}`, message: problem.message }] })
}

function holdRefusal(hold: Exclude<HoldResult, { ok: true }>): { answer: Answer; outcome: PurchaseOutcome } {
  const status = hold.code === 'SOLD_OUT' ? 409 : hold.code === 'VALIDATION' ? 400 : hold.code === 'NOT_FOUND' ? 404 : 409
  return { answer: errorAnswer(status, hold.code, hold.message, hold.details), outcome: hold.code === 'SOLD_OUT' ? 'sold_out' : 'rejected' }
}

/**
 * What a run that failed answers. A refusal is its answer. Anything else (a database or Redis error) may
 * come after the card was charged, so it is never a throw, which would free the Idempotency-Key for a new
 * order and a second charge: it is "try again", which keeps the key on this order for the retry to finish.
 */
export function answerOfFailure(error: unknown): Answer {
  if (error instanceof AppError) return errorAnswer(error.status, error.code, error.message, error.details)
  return errorAnswer(503, 'UNAVAILABLE', 'the order could not be finished just now: send the same request again (the same Idempotency-Key) to finish it', { retryAfterSeconds: 2 })
}

function outcomeOf(answer: Answer): PurchaseOutcome {
  if (answer.status === 201 || answer.status === 200) return (answer.body as Order).status === 'reserved' ? 'reserved' : 'paid'
  if (answer.status === 402) return 'declined'
  if (answer.status === 409 && (answer.body as { error?: { code?: string } }).error?.code === 'SOLD_OUT') return 'sold_out'
  if (answer.status >= 500) return 'unavailable'
  return 'rejected'
}

export function purchaseService(deps: PurchaseDeps) {
  const { config, store, settlement, catalog, ticketing, payments, locks, dirty, settled, idem, reminders, holds, voucherGuesses, soldOut, rooms, tickets, answers, later, log } = deps
  const cardKey = cardFingerprintKey(config.SERVICE_SECRET!)
  // While SERVICE_SECRET is rotated, a request made before (its card fingerprinted with the previous
  // secret) and retried after is still the same request.
  const previousCardKeys = previousSecrets(config).map(cardFingerprintKey)
  const formerBodyHashes = (body: unknown) => (previousCardKeys.length ? () => previousCardKeys.map((key) => hashBody(body, key)) : undefined)
  /** Purchases and payments still running, some after their request was answered (202): a shutdown lets them end. */
  const running = new Set<Promise<unknown>>()

  /** Events on sale: published and not started (at the door, `atTheDoor`: not ended). Drafts do not exist for buyers. */
  async function saleableEvent(eventId: string, forOrder = false, atTheDoor = false): Promise<Event> {
    const event = await catalog.event(eventId)
    // An order's event that is gone was deleted since the hold: its holds are being ended.
    if (!event && forOrder) throw fail('CONFLICT', 'the event was removed by the organizer')
    if (!event || !isPublic(event)) throw fail('NOT_FOUND', 'event not found')
    if (event.status === 'cancelled') throw fail('CONFLICT', 'the event was cancelled')
    if (atTheDoor) {
      if (new Date(event.endsAt).getTime() <= Date.now()) throw fail('CONFLICT', 'the event is over: the door sells no more tickets')
    } else if (new Date(event.startsAt).getTime() <= Date.now()) throw fail('CONFLICT', 'ticket sales for this event have closed: it has started')
    return event
  }

  /**
   * The admission tickets among these lines (extras not counted), by the types ticketing publishes: for
   * questions asked per ticket, before anything is held. Ticketing marks the order's lines when it holds.
   */
  async function admissionsAsked(eventId: string, items: Line[]): Promise<number> {
    const availability = await ticketing.availability(eventId)
    // Without the types, extras would be counted as people to ask: asked again in a moment instead.
    if (!availability) throw fail('UNAVAILABLE', 'the ticket types could not be read to ask the questions per ticket; try again in a moment', { retryAfterSeconds: 2 })
    const types = availability.ticketTypes
    return admissionsOf(items.map((l) => ({ name: '', quantity: l.quantity, addOn: types.find((t) => t.id.toLowerCase() === l.ticketTypeId)?.addOn })))
  }

  /** What an order looks like before ticketing has decided its hold: names, prices and the voucher's discount as ticketing shows them now. */
  async function placeholder(ctx: PurchaseContext): Promise<OrderDoc> {
    const [availability, voucher] = await Promise.all([ticketing.availability(ctx.eventId), ctx.voucherCode ? ticketing.voucher(ctx.eventId, ctx.voucherCode) : null])
    const types = ctx.items.map((line) => availability?.ticketTypes.find((t) => t.id.toLowerCase() === line.ticketTypeId))
    const items: OrderItem[] = ctx.items.map((line, i) => ({
      ticketTypeId: line.ticketTypeId,
      name: types[i]?.name ?? '',
      quantity: line.quantity,
      unitPriceCents: ctx.complimentary ? 0 : (types[i]?.priceCents ?? 0),
      ...(types[i]?.taxRateBasisPoints && !ctx.complimentary ? { taxRateBasisPoints: types[i]!.taxRateBasisPoints } : {}),
      ...(line.seats ? { seats: line.seats } : {}),
      ...(types[i]?.addOn ? { addOn: true as const } : {}),
    }))
    const currency = types.find((t) => t)?.currency ?? ''
    const discountCents = voucher ? ctx.items.reduce((sum, line, i) => (types[i] && voucherAppliesTo(voucher, types[i]!) ? sum + line.quantity * voucherDiscount(voucher, types[i]!.priceCents) : sum), 0) : 0
    return {
      ...orderIdentity(ctx),
      items,
      totalCents: items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0) - discountCents,
      currency,
      ...(voucher && discountCents > 0 ? { voucher: { code: voucher.code, discountCents } } : {}),
      ...(ctx.complimentary ? { complimentary: ctx.complimentary } : {}),
      ...(ctx.boxOffice ? { boxOffice: ctx.boxOffice } : {}),
      initialStatus: 'pending',
      priced: false,
      createdAt: new Date(ctx.startedAt),
      status: 'pending',
    }
  }

  /**
   * Runs `work` for at most the wait budget. A late decision is answered 202 with the order as it
   * stands (inserted now if ticketing has not decided yet); the work goes on and its final answer is
   * what an idempotent retry gets.
   */
  function track<T>(work: Promise<T>): Promise<T> {
    running.add(work)
    void work.finally(() => running.delete(work)).catch(() => {})
    return work
  }

  async function budgeted(ctx: PurchaseContext, flow: 'purchase' | 'pay', work: () => Promise<Answer>): Promise<Execution> {
    const final: Promise<Answer | undefined> = track(work()).then(
      (answer) => {
        recordDecision(flow, outcomeOf(answer), ctx.startedAt)
        return answer
      },
      (error) => {
        if (error instanceof Undecided) {
          recordDecision(flow, 'undecided', ctx.startedAt)
          log.warn({ orderId: ctx.orderId, reason: error.message }, 'order left to the reconciler')
          return undefined
        }
        if (!(error instanceof AppError)) log.error({ err: String(error), orderId: ctx.orderId }, 'purchase failed unexpectedly; the same request takes it up again')
        const answer = answerOfFailure(error)
        recordDecision(flow, outcomeOf(answer), ctx.startedAt)
        return answer
      },
    )
    const TIMEOUT = Symbol('timeout')
    let timer: Timer | undefined
    const first = await Promise.race([
      final,
      new Promise<typeof TIMEOUT>((resolve) => (timer = setTimeout(() => resolve(TIMEOUT), Math.max(0, ctx.startedAt + config.ORDER_WAIT_MS - Date.now())))),
    ])
    clearTimeout(timer)
    if (first !== TIMEOUT && first) return { now: first, final }
    ctx.timedOut = true
    // Refused just now (before it could see `timedOut`): its answer comes in a moment, and no placeholder
    // is made that nothing would close.
    if (ctx.refused) {
      const answer = await final
      if (answer) return { now: answer, final }
    }
    pendingAnswers.inc()
    try {
      const state = await store.load(ctx.orderId)
      if (state) return { now: settlement.answerFromState(state, flow === 'purchase' ? 'create' : 'pay'), final }
      const doc = await store.insertIfAbsent(await placeholder(ctx))
      return { now: settlement.pendingAnswer({ doc, ...(await store.transitions(ctx.orderId)) }), final }
    } catch (error) {
      // The work goes on (its answer is kept under the key): this request is told to ask again. Never a
      // throw here, which would say that nothing was begun.
      log.warn({ orderId: ctx.orderId, err: String(error) }, 'the pending order could not be shown')
      return { now: errorAnswer(503, 'UNAVAILABLE', 'the order is still being decided: send the same request again in a moment', { retryAfterSeconds: 2 }), final }
    }
  }

  /** Charges the card (unless the order is free: then no card is needed), then confirms. A decline on purchase also releases the hold. */
  /**
   * The release of a declined purchase's hold gets a few seconds of its own, even past the purchase's
   * deadline (a slow hold and charge use it up): a busy ticketing answering one 503 must not leave the
   * seats held until the hold runs out, while the buyer is told nothing stays held.
   */
  const releaseBy = (deadline: number) => Math.max(deadline, Date.now() + RELEASE_MIN_MS)

  async function chargeAndConfirm(state: OrderState, card: Card | undefined, chargeKey: string, mode: Mode, deadline: number, newOrder = false): Promise<Answer> {
    const { doc } = state
    let paymentId: string | undefined
    // Paid at the door (cash, the venue's terminal): nothing for the card gateway to charge.
    if (doc.totalCents > 0 && !doc.boxOffice) {
      // Never without a card: a pay without one is refused before it runs unless the order is free.
      if (!card) throw new Error(`order ${doc._id} costs ${doc.totalCents} but came without a card`)
      let charge: ChargeResponse
      try {
        charge = await payments.charge({ orderId: doc._id, userId: doc.userId, amountCents: doc.totalCents, currency: doc.currency, card, idempotencyKey: chargeKey, ...(newOrder ? { newOrder } : {}) })
      } catch (error) {
        // Refused before any money moved: an invalid card (400), or on a pay, a key used for another
        // charge (409). Any other 4xx says nothing of the money (payments refusing this service's own
        // token for a moment, a conflict raised after the provider answered): undecided, as below.
        const keyReused = error instanceof AppError && error.status === 409 && (error.details as { keyReused?: unknown } | undefined)?.keyReused === true
        if (error instanceof AppError && (error.status === 400 || (keyReused && mode !== 'create'))) {
          const answer = errorAnswer(error.status, error.code, error.message, error.details)
          if (mode === 'create') await settlement.releaseAndSettle(state, 'failed', releaseBy(deadline), { error: { status: error.status, code: error.code, message: error.message }, paymentChecked: true })
          return answer
        }
        // Nothing charged: an earlier payment of the order (under another key) is still being decided.
        // The buyer is told to try again, not shown a pending payment that nothing would carry on.
        if (error instanceof AppError && (error.details as { earlierPayment?: unknown } | undefined)?.earlierPayment)
          return errorAnswer(503, 'UNAVAILABLE', 'an earlier payment of this order is still being decided: look at the order again in a moment, and pay only if it is still unpaid', { retryAfterSeconds: 5 })
        // The charge may still succeed: payments settles it, and the reconciler finishes the order.
        throw new Undecided(`payment outcome unknown: ${error instanceof Error ? error.message : String(error)}`)
      }
      if (charge.status === 'declined') {
        const declineCode = charge.declineCode as DeclineCode | undefined
        const message = charge.message ?? (declineCode ? DECLINE_MESSAGES[declineCode] : undefined) ?? 'The card was declined.'
        const details = declineCode ? { declineCode, paymentId: charge.paymentId } : { paymentId: charge.paymentId }
        if (mode === 'create')
          await settlement.releaseAndSettle(state, 'failed', releaseBy(deadline), { error: { status: 402, code: 'PAYMENT_DECLINED', message, details }, reason: declineCode, paymentChecked: true })
        return errorAnswer(402, 'PAYMENT_DECLINED', message, details)
      }
      paymentId = charge.paymentId
    }
    return (await settlement.finishPaid(state, paymentId, mode, deadline)).answer
  }

  async function purchasePipeline(ctx: PurchaseContext): Promise<Answer> {
    const lock = await locks.acquire(ctx.orderId, 10_000)
    // Extras bought later: the paid order's lock (its refunds take it too) from their count until they are stored.
    let parentLock: OrderLock | undefined
    try {
      // If this flow dies, the worker finishes the order from this mark; a flow that ends removes it.
      const mark = await dirty.mark(ctx.orderId, Date.now() + config.RECONCILE_AFTER_MS)
      const existing = ctx.fresh ? null : await store.load(ctx.orderId)
      if (existing && (existing.settle || existing.refund)) return settlement.answerFromState(existing, 'create')
      let laterFor: Awaited<ReturnType<LaterExtras['allowance']>> | undefined
      let refusedLater: OpFailure | undefined
      if (ctx.addOnTo && later) {
        try {
          // Well inside the wait budget: a paid order busy elsewhere is a 503 to retry, not a 202 left to time out.
          parentLock = await locks.acquire(ctx.addOnTo, PARENT_WAIT_MS)
          // Counted now, under the paid order's lock: what it keeps and what its extras hold.
          laterFor = await later.allowance(ctx.addOnTo, ctx.orderId)
          await later.link(ctx.orderId, ctx.addOnTo)
        } catch (error) {
          // The paid order busy elsewhere (503) or a failure: nothing held; the mark stays (a 202 may have
          // shown the order meanwhile), so the worker finds nothing, or ends it.
          if (!(error instanceof AppError) || error.code !== 'CONFLICT') throw error
          // The paid order was refunded meanwhile, or has all the extras it may: refused as a hold would be.
          refusedLater = { ok: false, code: 'CONFLICT', message: error.message, ...(error.details ? { details: error.details } : {}) }
        }
      }
      // Paid by card in the same call, given free, or paid at the door: confirmed at once, never left reserved.
      const paidNow = Boolean(ctx.card) || Boolean(ctx.complimentary) || Boolean(ctx.boxOffice)
      const hold = refusedLater ?? await untilDecided(ctx.giveUpAt, () =>
        ticketing.hold(ctx.eventId, {
          orderId: ctx.orderId,
          userId: ctx.userId,
          items: ctx.items,
          ...(config.HOLD_TTL_SECONDS ? { ttlSeconds: config.HOLD_TTL_SECONDS } : {}),
          ...(ctx.voucherCode ? { voucherCode: ctx.voucherCode } : {}),
          ...(ctx.complimentary ? { complimentary: true } : {}),
          ...(ctx.boxOffice ? { atTheDoor: true } : {}),
          ...(laterFor ? { laterFor } : {}),
        }),
      )
      if (!hold.ok) {
        // An unknown code counts against the buyer's guesses (ticketing names the code it did not find).
        // (An unknown code keeps the guess its request took: `unknownVoucher`.)
        const { answer } = holdRefusal(hold)
        const body = answer.body as { error: { code: string; message: string; details?: unknown } }
        // Nobody saw this order unless it was answered 202: only then is there one to close. Read in the
        // same tick as `refused` is set: a wait budget running out after this waits for this answer.
        ctx.refused = true
        const placed = ctx.timedOut || existing ? await store.load(ctx.orderId) : null
        // Extras refused: nothing of them is held, so their link stands for nothing (while it stood for
        // an order never stored, other extras of the paid order would wait for it).
        if (laterFor && !placed) await later!.unlink(ctx.orderId)
        // This run charged nothing (the hold comes first), but one before it (`existing`: this is a
        // retry taking over) may have: the worker then makes sure no charge of this order went through.
        if (placed) await settlement.settle(placed, 'failed', { error: { status: answer.status, ...body.error }, paymentChecked: !existing })
        // Answered 202 but its pending order not stored yet (the budget's placeholder still on its way):
        // the mark stays, and the worker ends the order it finds.
        if (placed || !ctx.timedOut) await dirty.done(mark)
        return answer
      }
      const doc: OrderDoc = {
        ...orderIdentity(ctx),
        items: hold.items.map(orderItem),
        totalCents: hold.totalCents,
        currency: hold.currency,
        ...(hold.voucher ? { voucher: hold.voucher } : {}),
        ...(ctx.complimentary ? { complimentary: ctx.complimentary } : {}),
        ...(ctx.boxOffice ? { boxOffice: ctx.boxOffice } : {}),
        initialStatus: paidNow ? 'pending' : 'reserved',
        priced: true,
        expiresAt: new Date(hold.expiresAt),
        createdAt: existing?.doc.createdAt ?? new Date(ctx.startedAt),
        status: paidNow ? 'pending' : 'reserved',
      }
      // Paid at once: a draft until it ends, when the order is written with its final status. A hold,
      // or an order already answered 202 (its placeholder is there): the order document now.
      const draft = paidNow && !ctx.timedOut && !(existing && !existing.draft)
      const stored = draft ? await store.insertDraft(doc) : await store.insertPriced(doc)
      // Stored: from here the extras count as held or being decided, so the paid order is free again
      // (the door, names, its refunds) while they are paid.
      await parentLock?.release()
      if (stored === 'priced') await dirty.mark(ctx.orderId)
      // Transitions need the order document first: a document inserted just now has none.
      const state: OrderState = stored === 'inserted' ? { doc, draft } : { doc, draft, ...(await store.transitions(ctx.orderId)) }
      if (!paidNow) {
        await holds.until(ctx.userId, ctx.eventId, ctx.orderId, Date.parse(hold.expiresAt)).catch(() => {})
        const remindAt = reminderAt(config, Date.parse(hold.expiresAt))
        // Without the reminder the order still works: the buyer just is not told before the end.
        if (remindAt) await reminders.schedule(ctx.orderId, remindAt).catch((err) => log.warn({ orderId: ctx.orderId, err: String(err) }, 'hold reminder not scheduled'))
        return { status: 201, body: toOrder(state) }
      }
      // A named guest's name is on each ticket before it is issued (its id is known), so the
      // confirmation and its PDF carry it.
      const guest = ctx.complimentary?.name ?? ctx.boxOffice?.name
      if (guest && tickets) await Promise.all(ticketIdsOf(doc).map((id) => tickets.setAttendee(id, guest)))
      const answer = await chargeAndConfirm(state, ctx.card, `${ctx.orderId}:purchase`, 'create', ctx.giveUpAt, stored === 'inserted')
      // Decided and recorded (tickets, settle, fact): nothing is left for the reconciler.
      await dirty.done(mark)
      return answer
    } finally {
      await parentLock?.release()
      await lock.release()
    }
  }

  /**
   * `takeover`: a retry under the same key running again a pay whose first run ended undecided;
   * `recheck`: its answers are checked again (a first run, or a takeover whose first run charged nothing).
   */
  async function payPipeline(ctx: PurchaseContext, chargeKey: string, takeover: boolean, recheck = !takeover): Promise<Answer> {
    const lock = await locks.acquire(ctx.orderId, 5_000)
    try {
      const state = await store.load(ctx.orderId)
      if (!state) throw fail('NOT_FOUND', 'order not found')
      const status = statusOf(state)
      // Paid meanwhile (by the worker finishing that first run, most likely): the key's answer is the
      // paid order, as a retry in the wait budget got, not a refusal to pay twice.
      if (takeover && (status === 'paid' || status === 'refunded')) return settlement.answerFromState(state, 'pay')
      if (status === 'paid' || status === 'refunded') throw fail('CONFLICT', 'the order is already paid')
      if (status === 'expired') throw fail('CONFLICT', 'the hold expired: the tickets are no longer reserved')
      if (status !== 'reserved') throw fail('CONFLICT', `only a reserved order can be paid (this one is ${status})`)
      // Under the lock a change of the answers takes too: none slips in before the charge. (A takeover
      // finishes what its first run began, which checked them, and may have charged already.)
      if (recheck) await answers?.readyToPay(ctx.orderId, ctx.questions, admissionsOf(state.doc.items))
      await dirty.mark(ctx.orderId, Date.now() + config.RECONCILE_AFTER_MS)
      return await chargeAndConfirm(state, ctx.card, chargeKey, 'pay', ctx.giveUpAt)
    } finally {
      await lock.release()
    }
  }

  /** A key's run nobody works on (`OrderLocks.abandoned`), given the wait budget to take its order's lock. */
  const abandoned = (record: IdemRecord) => locks.abandoned(record.o!, record.t, config.ORDER_WAIT_MS)

  function context(orderId: string, userId: string, eventId: string, items: Line[], card: Card | undefined, startedAt: number, fresh = false): PurchaseContext {
    return { orderId, userId, eventId, items, card, startedAt, giveUpAt: startedAt + config.ORDER_GIVE_UP_MS, timedOut: false, fresh }
  }

  /**
   * A request under a key whose first run is still going past the wait budget: the order as it stands
   * (a placeholder made by `dress` while ticketing has not decided), or a takeover when nobody runs it.
   */
  const whileDeciding =
    (principal: Principal, eventId: string, items: Line[], dress: (ctx: PurchaseContext) => Promise<void> | void) =>
    async (record: IdemRecord): Promise<Answer | 'takeover'> => {
      const orderId = record.o!
      // Nobody works on it any more (its first runner stopped or left it undecided): run it again.
      if (await abandoned(record)) return 'takeover'
      const state = await store.load(orderId)
      if (state) return settlement.answerFromState(state, 'create')
      const ctx = context(orderId, principal.id, eventId, items, undefined, record.t)
      await dress(ctx)
      return settlement.pendingAnswer({ doc: await placeholder(ctx) })
    }

  /**
   * Tickets handed over in person rather than bought online: given free by an admin (complimentary) or
   * sold at the door. Held like any purchase (never past the capacity, the seats decided by the event's
   * one writer), outside the per-order limit and the sales window, and confirmed at once without the
   * card gateway; the confirmation with the codes goes to the address given, if any.
   */
  function byHand(
    kind: 'complimentary' | 'box-office',
    principal: Principal,
    eventIdParam: string,
    body: ComplimentaryBody | BoxOfficeBody,
    idempotencyKey: string | undefined,
    language: Language | undefined,
    startedAt: number,
  ): Promise<Answer> {
    const items = mergeLines(body.items)
    const name = body.name?.trim().replace(/\s+/g, ' ')
    // As on a ticket's own name: nothing invisible or direction-changing that could make the door read another name.
    if (name !== undefined && (!name || /[\p{Cc}\p{Cf}\u2028\u2029]/u.test(name)))
      throw fail('VALIDATION', 'name: letters, spaces and punctuation only', { fields: [{ path: 'name', message: 'letters, spaces and punctuation only' }] })
    const email = body.email?.trim()
    const eventId = eventIdParam.toLowerCase()
    const dress = (ctx: PurchaseContext) => {
      if (kind === 'box-office') ctx.boxOffice = { paidWith: (body as BoxOfficeBody).paidWith, ...(name ? { name } : {}) }
      else ctx.complimentary = { email: (body as ComplimentaryBody).email.trim(), ...(name ? { name } : {}) }
    }
    const execute = async (orderId = newOrderId(), fresh = true): Promise<Execution> => {
      const ctx = context(orderId, principal.id, eventId, items, undefined, startedAt, fresh)
      dress(ctx)
      // Never the giver's or seller's own address: the tickets are someone else's.
      if (email) ctx.userEmail = email
      // The guest's or buyer's language is not known: the one the tickets were handed over in.
      if (language) ctx.language = language
      const existing = fresh ? null : await store.load(orderId)
      const event = existing ? null : await saleableEvent(eventId, false, kind === 'box-office')
      ctx.eventTitle = existing?.doc.eventTitle ?? event?.title
      ctx.eventStartsAt = existing?.doc.eventStartsAt ?? (event ? new Date(event.startsAt) : undefined)
      return budgeted(ctx, 'purchase', () => purchasePipeline(ctx))
    }
    if (!idempotencyKey) return execute().then((e) => e.now)
    return idem.run(
      { userId: principal.id, route: `${kind}:${eventId}`, key: idempotencyKey, bodyHash: hashBody(body), orderId: newOrderId(), deadline: startedAt + config.ORDER_WAIT_MS },
      { execute, whileRunning: whileDeciding(principal, eventId, items, dress) },
    )
  }

  return {
    /** Resolves once every purchase and payment running now has ended (the shutdown's first step, bounded by its deadline). */
    drained: async () => {
      await Promise.allSettled([...running])
    },
    async create(principal: Principal, body: CreateOrderBody, idempotencyKey: string | undefined, language?: Language, startedAt = Date.now()): Promise<Answer> {
      const items = mergeLines(body.items)
      // Checked in the run, after the key is looked up: a key's answer stays its answer (a card that has
      // expired since, or a guess limit reached since, does not change what the same request answered).
      // A code's guess is taken before it is tried (a buyer who tried too many unknown codes is refused),
      // so that guesses sent at once cannot pass the limit by the number in flight; it is given back
      // unless the code was unknown.
      const screened = async (run: () => Promise<Execution>): Promise<Execution> => {
        checkCard(body.payment?.card, 'payment.')
        if (!body.voucherCode || !(await voucherGuesses.take(principal.id))) return run()
        const giveBack = () => void voucherGuesses.giveBack(principal.id)
        let execution: Execution
        try {
          execution = await run()
        } catch (error) {
          giveBack()
          throw error
        }
        void execution.final.then((answer) => (unknownVoucher(answer) ? undefined : giveBack()), giveBack)
        return execution
      }
      const eventId = body.eventId.toLowerCase()
      const addOnTo = body.addOnTo?.toLowerCase()
      // The order they are added to has the answers; extras bought later are not asked again.
      if (addOnTo && body.answers?.length) throw fail('VALIDATION', 'answers: extras added to an order take no answers (the order has them)', { fields: [{ path: 'answers', message: 'not with addOnTo' }] })

      const execute = async (orderId = newOrderId(), fresh = true): Promise<Execution> => {
        const ctx = context(orderId, principal.id, eventId, items, body.payment?.card, startedAt, fresh)
        if (principal.email) ctx.userEmail = principal.email
        if (language) ctx.language = language
        if (body.voucherCode) ctx.voucherCode = body.voucherCode
        if (addOnTo) ctx.addOnTo = addOnTo
        const existing = fresh ? null : await store.load(orderId)
        let given: Awaited<ReturnType<AnswersService['checkPurchase']>> | undefined
        if (existing) {
          ctx.eventTitle = existing.doc.eventTitle
          ctx.eventStartsAt = existing.doc.eventStartsAt
        } else {
          const event = await saleableEvent(eventId)
          ctx.eventTitle = event.title
          ctx.eventStartsAt = new Date(event.startsAt)
          if (addOnTo) {
            // The buyer's own paid order of this event (its lock is taken for the count, in the pipeline).
            if (!later) throw fail('CONFLICT', 'extras cannot be added to an order here')
            await later.mayAddTo(principal, addOnTo, eventId)
          } else {
            // Before anything is held: a new purchase, and also a run taken over or run again under its
            // key before its order existed (it may come after the buyer's turn ended). Extras for a paid
            // order do not queue again: the buyer's turn came when the tickets were bought.
            await rooms?.mayBuy(eventId, principal)
            // Answers (all required ones when paid at once) checked before anything is held or charged.
            if (event.questions?.length || body.answers?.length) {
              // Questions asked per ticket: one answer for each admission ticket asked for.
              const tickets = event.questions?.some((q) => q.perTicket) ? await admissionsAsked(eventId, items) : 0
              given = answers?.checkPurchase(event, body.answers, !!ctx.card, tickets)
            }
          }
        }
        const refusal = fresh ? soldOut?.refusal(eventId, items) : null
        if (refusal) {
          recordDecision('purchase', 'sold_out', startedAt)
          return { now: refusal, final: Promise.resolve(refusal) }
        }
        if (!ctx.card) {
          // A hold to pay later: within the buyer's limit of unpaid holds of this event.
          const longest = Date.now() + (config.HOLD_TTL_SECONDS ?? 600) * 1000 + 60_000
          if (!(await viaRedis(() => holds.take(principal.id, eventId, orderId, longest))))
            throw fail('CONFLICT', `you already hold ${holds.max} unpaid orders for this event: pay or cancel one of them first`, { maxUnpaidHolds: holds.max })
        }
        // Kept once the purchase gets past the cheap refusals (a sold-out answer, the limit of holds, write nothing).
        if (given?.length) {
          try {
            await answers?.keepForPurchase(orderId, principal.id, eventId, given)
          } catch (error) {
            // Nothing held: the place among the buyer's unpaid holds is free again.
            if (!ctx.card) await holds.release(principal.id, eventId, orderId).catch(() => {})
            throw error
          }
        }
        const execution = await budgeted(ctx, 'purchase', () => purchasePipeline(ctx))
        void execution.final
          .then(async (answer) => {
            if (!answer || answer.status < 300) return
            // Not held after all (sold out, refused): its place is free again.
            if (!ctx.card) await holds.release(principal.id, eventId, orderId)
            // Nor is there an order its answers could belong to (a refused payment leaves one, with them).
            if (given?.length && !(await store.load(orderId))) await answers?.forget(orderId)
          })
          .catch(() => {})
        return execution
      }
      if (!idempotencyKey) return (await screened(() => execute())).now

      return idem.run(
        { userId: principal.id, route: 'orders', key: idempotencyKey, bodyHash: hashBody(body, cardKey), formerBodyHashes: formerBodyHashes(body), orderId: newOrderId(), deadline: startedAt + config.ORDER_WAIT_MS },
        {
          // A run taken over or run again was screened when it began.
          execute: async (orderId, fresh = true) => (fresh ? screened(() => execute(orderId, fresh)) : execute(orderId, fresh)),
          whileRunning: whileDeciding(principal, eventId, items, async (ctx) => {
            const event = await catalog.event(eventId).catch(() => null)
            if (event) ctx.eventTitle = event.title
            if (body.voucherCode) ctx.voucherCode = body.voucherCode
            if (addOnTo) ctx.addOnTo = addOnTo
          }),
        },
      )
    },

    async pay(principal: Principal, orderId: string, body: PayOrderBody, idempotencyKey: string | undefined, startedAt = Date.now()): Promise<Answer> {
      const state = await store.visible(orderId, principal)
      if (state.doc.userId !== principal.id) throw fail('FORBIDDEN', 'only the buyer can pay an order')
      // A free order (a free ticket type, a voucher that takes everything off) is confirmed without a card.
      if (!body.card && (state.doc.totalCents > 0 || !state.doc.priced)) throw fail('VALIDATION', 'card: required, this order costs something', { fields: [{ path: 'card', message: 'required' }] })
      const ctx = context(orderId, principal.id, state.doc.eventId, [], body.card, startedAt)
      const chargeKey = `${orderId}:pay:${idempotencyKey ? hashKey(idempotencyKey) : crypto.randomUUID()}`
      const execute = async (_orderId?: string, fresh = true) => {
        // No money moves for an event that was cancelled or has started since the hold was taken.
        // Checked in the run, after the key is looked up: a key's answer (a decline, say) stays its
        // answer. A takeover finishes what its first run began (that run may have charged already), as
        // the reconciler would, and is not asked again.
        // The card too, in the run: a card that expired since does not change what the same request answered.
        // A takeover whose first run charged nothing (it failed before the charge: a busy lock, the
        // database away) is checked as a first run is (payments undecided: 503, asked again later).
        const checked = fresh || state.doc.totalCents === 0 || !(await payments.orderPayment(orderId))
        if (checked) checkCard(body.card, '')
        if (checked && statusOf(state) === 'reserved') {
          const { questions } = await saleableEvent(state.doc.eventId, true)
          // Extras bought later: the order they were added to has the answers.
          if (!state.doc.addOnTo) ctx.questions = questions
        }
        return budgeted(ctx, 'pay', () => payPipeline(ctx, chargeKey, !fresh, checked))
      }
      if (!idempotencyKey) return (await execute()).now
      return idem.run(
        { userId: principal.id, route: `pay:${orderId}`, key: idempotencyKey, bodyHash: hashBody(body, cardKey), formerBodyHashes: formerBodyHashes(body), orderId, deadline: startedAt + config.ORDER_WAIT_MS },
        {
          execute,
          async whileRunning(record) {
            if (await abandoned(record)) return 'takeover'
            const now = await store.load(orderId)
            return now ? settlement.answerFromState(now, 'pay') : errorAnswer(404, 'NOT_FOUND', 'order not found')
          },
        },
      )
    },

    /**
     * Complimentary tickets an admin gives a guest: free, confirmed at once; the confirmation with the
     * codes goes to the guest's address. The admin's order (`userId`), so only admins see it.
     */
    complimentary: (principal: Principal, eventIdParam: string, body: ComplimentaryBody, idempotencyKey: string | undefined, language?: Language, startedAt = Date.now()): Promise<Answer> =>
      byHand('complimentary', principal, eventIdParam, body, idempotencyKey, language, startedAt),

    /**
     * A sale at the door: priced as the types say, paid there (cash or the venue's terminal, outside the
     * card gateway), confirmed at once, until the event ends; the codes go to the buyer's address when
     * given. The seller's order (`userId`): door staff see the sales they made.
     */
    boxOffice: (principal: Principal, eventIdParam: string, body: BoxOfficeBody, idempotencyKey: string | undefined, language?: Language, startedAt = Date.now()): Promise<Answer> =>
      byHand('box-office', principal, eventIdParam, body, idempotencyKey, language, startedAt),

    /** Releases a reserved order's hold. Cancelling a cancelled order answers the same again. */
    async cancel(principal: Principal, orderId: string): Promise<Order> {
      const visible = await store.visible(orderId, principal)
      if (visible.doc.userId !== principal.id) throw fail('FORBIDDEN', 'only the buyer can cancel an order')
      const lock = await locks.acquire(orderId, 5_000)
      try {
        const state = (await store.load(orderId))!
        const status = statusOf(state)
        if (status === 'cancelled') return toOrder(state)
        if (status === 'expired') throw fail('CONFLICT', 'the hold already expired')
        if (status !== 'reserved') throw fail('CONFLICT', `only a reserved order can be cancelled (this one is ${status})`)
        let next: OrderState
        try {
          next = await settlement.releaseAndSettle(state, 'cancelled', Date.now() + 5_000, { by: principal.id, reason: 'cancelled by the buyer' }, { requireRelease: true })
        } catch (error) {
          if (error instanceof SoldMeanwhile) throw fail('CONFLICT', 'the order was paid meanwhile; it can no longer be cancelled')
          throw error
        }
        if (next.settle?.to === 'expired') throw fail('CONFLICT', 'the hold already expired')
        if (next.settle?.to !== 'cancelled') throw fail('CONFLICT', `the order is ${statusOf(next)}`)
        return toOrder(next)
      } finally {
        await lock.release()
      }
    },
  }
}
export type PurchaseService = ReturnType<typeof purchaseService>
