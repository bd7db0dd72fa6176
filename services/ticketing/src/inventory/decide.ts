// The decisions of one batch of ops for one event, computed in memory and without I/O: given the
// committed ticket types and what the ledger says about each order, every op gets its answer, and the
// batch yields the ledger entries to insert and the ticket types to store. Ops are decided in order,
// each seeing the effect of the ones before it, so a batch is exactly as if they had come one by one.
import type {
  AdminOpTiming,
  AppliedVoucher,
  CreateVoucherBody,
  HeldLine,
  HoldOp,
  HoldSuccess,
  InventoryOp,
  Seating,
  OpFailure,
  OpFailureCode,
  OpResult,
  PatchIdentity,
  RefundPart,
  SettleOutcome,
  SettleReason,
  SettleResult,
  UpdateTicketTypeBody,
  UpdateVoucherBody,
  UpdatePoolBody,
} from '@easypass/contracts/inventory'
import { addOnProblem, laterAddOnProblem, MAX_ORDER_TOTAL_CENTS, normaliseVoucherCode, POOL_LIMITS, poolSoldOutRefusal, SEATING_LIMITS, seatIdsOf, seatingProblem, seatRows, soldOutRefusal, TICKET_TYPE_LIMITS, voucherAppliesTo, voucherDiscount } from '@easypass/contracts/inventory'
import { ledgerId, type LedgerEntry, type PoolRecord, type TypeRecord, type VoucherRecord } from '../db'
import { available, availableByType, poolCounts, toCapacityPool, toTicketType, toVoucher } from './views'

/**
 * An expiry job releases a hold only once its end has come (0 ms early): one scheduled by an attempt
 * that was then retried comes before the later end the retry promised, and waits again.
 */
export const EXPIRY_SLACK_MS = 0

/** Most ticket types an event may have: they live in one document rewritten by every batch. */
export const MAX_TYPES_PER_EVENT = 100
/** Most vouchers an event may have: they live in the inventory document too (rewritten when one is used). */
export const MAX_VOUCHERS_PER_EVENT = 200
/** Removed keyed types remembered per event (a key's retries come within hours, not after a thousand removals). */
export const MAX_REMOVED_REMEMBERED = 1000

export interface HoldRecord {
  userId: string
  items: HeldLine[]
  currency: string
  /** After the voucher's discount. */
  totalCents: number
  voucher?: AppliedVoucher
  /** Epoch milliseconds. */
  expiresAt: number
}

/** What the ledger says about one order of this event. */
export interface OrderLedger {
  hold?: HoldRecord
  /** `withdrawn`: released by ticketing itself, with the ticket type it named. */
  settle?: { outcome: SettleOutcome; reason: SettleReason; withdrawn?: true }
  /** Wholly refunded (after its parts, the rest of it). */
  refunded?: boolean
  /** Parts refunded before (and without) the whole refund, ordered by `n`. */
  parts?: RefundedPart[]
}

/** Some tickets of an order, refunded by themselves: part `n` of its refunds. */
export interface RefundedPart {
  n: number
  /** `seats`: of a seated type, which of the order's seats. */
  items: Array<{ ticketTypeId: string; quantity: number; seats?: string[] }>
}

/** The seats of the order's tickets of one type that its parts have not refunded, in the order they were held. */
export function seatsLeft(hold: HoldRecord, parts: readonly RefundedPart[] | undefined, ticketTypeId: string): string[] {
  const gone = new Set<string>()
  for (const p of parts ?? []) for (const i of p.items) if (i.ticketTypeId === ticketTypeId) for (const seat of i.seats ?? []) gone.add(seat)
  return hold.items.filter((l) => l.ticketTypeId === ticketTypeId).flatMap((l) => (l.seats ?? []).filter((seat) => !gone.has(seat)))
}

/**
 * The best `quantity` seats among the free ones: the frontmost row with that many side by side, nearest
 * its middle; when no row has them together, the frontmost free seats wherever they are.
 */
export function bestSeats(rows: readonly (readonly string[])[], taken: ReadonlySet<string>, quantity: number): string[] | undefined {
  for (const row of rows) {
    const middle = (row.length - 1) / 2
    let best: number | undefined
    let run = 0
    for (let i = 0; i < row.length; i++) {
      run = taken.has(row[i]!) ? 0 : run + 1
      if (run < quantity) continue
      const first = i - quantity + 1
      if (best === undefined || Math.abs(first + (quantity - 1) / 2 - middle) < Math.abs(best + (quantity - 1) / 2 - middle)) best = first
    }
    if (best !== undefined) return row.slice(best, best + quantity)
  }
  const free: string[] = []
  for (const row of rows) for (let i = 0; i < row.length && free.length < quantity; i++) if (!taken.has(row[i]!)) free.push(row[i]!)
  return free.length === quantity ? free : undefined
}

/**
 * Each line of a hold split into what the order's parts refunded of it and what is left (when a ticket
 * type is in several lines, its parts are counted against the earlier lines first).
 */
export function splitLines(hold: HoldRecord, parts?: readonly RefundedPart[]): Array<{ ticketTypeId: string; name: string; parted: number; left: number }> {
  const parted = new Map<string, number>()
  for (const p of parts ?? []) for (const i of p.items) parted.set(i.ticketTypeId, (parted.get(i.ticketTypeId) ?? 0) + i.quantity)
  return hold.items.map((line) => {
    const fromParts = Math.min(line.quantity, parted.get(line.ticketTypeId) ?? 0)
    if (fromParts) parted.set(line.ticketTypeId, parted.get(line.ticketTypeId)! - fromParts)
    return { ticketTypeId: line.ticketTypeId, name: line.name, parted: fromParts, left: line.quantity - fromParts }
  })
}

/** The parts with one more (a new array: an order's record may be shared with the state before the batch). */
const withPart = (parts: readonly RefundedPart[] | undefined, part: RefundedPart): RefundedPart[] => [...(parts ?? []), part].sort((a, b) => a.n - b.n)

export interface DecideInput {
  eventId: string
  /** The committed types; not modified (the decision works on a copy). */
  types: readonly TypeRecord[]
  /** The committed vouchers; not modified either. */
  vouchers?: readonly VoucherRecord[]
  /** The committed pools of shared capacity; not modified either. */
  pools?: readonly PoolRecord[]
  /** Ids of removed types created under an Idempotency-Key. */
  removed?: readonly string[]
  /** The ledger's view of an order before this batch (undefined: nothing recorded). */
  lookup: (orderId: string) => OrderLedger | undefined
  /** The orders whose hold is live before this batch (a removed ticket type releases those that name it). */
  liveOrders?: () => Iterable<string>
  ops: readonly InventoryOp[]
  now: number
  holdTtlSeconds: number
  /** The seq this batch will commit as. */
  seq: number
}

export interface Decision {
  results: OpResult[]
  /** New ledger entries, in op order. */
  entries: LedgerEntry[]
  types: TypeRecord[]
  typesChanged: boolean
  vouchers: VoucherRecord[]
  /** A voucher was added, changed, or its counters moved. */
  vouchersChanged: boolean
  pools: PoolRecord[]
  /** A pool was added, changed or removed (or a removed type left one). */
  poolsChanged: boolean
  /** The removed keyed types after this batch (only when it removed one). */
  removed?: string[]
  /** Every order this batch touched, with its state after the batch. */
  orders: Map<string, OrderLedger>
  /** Live holds that need their expiry job (new ones, and repeats in case the first scheduling was lost). */
  expiries: Array<{ orderId: string; expiresAt: number }>
  /** Holds released by expiry (now or before: recording the fact again is harmless). */
  expired: Array<{ orderId: string; userId?: string }>
  /** Holds released because a ticket type they name was removed: their orders must learn it. */
  withdrawn: Array<{ orderId: string; userId?: string }>
}

const failure = (code: OpFailureCode, message: string, details?: unknown): OpFailure =>
  details === undefined ? { ok: false, code, message } : { ok: false, code, message, details }

/** How many change ids a type, voucher or pool remembers (a job is retried within a minute; changes are rare). */
const PATCHES_REMEMBERED = 16
/** This change was applied already (its job runs again after its commit): it must not be applied over a later one. */
const patchedBefore = (record: { patches?: string[] }, op: PatchIdentity) => Boolean(op.patchId && record.patches?.includes(op.patchId))
/** `record` with `op`'s change id remembered. */
function rememberPatch<R extends { patches?: string[] }>(record: R, op: PatchIdentity): R {
  if (!op.patchId) return record
  return { ...record, patches: [...(record.patches ?? []), op.patchId].slice(-PATCHES_REMEMBERED) }
}
/** An admin op decided after its requester stopped waiting (it was told 503 and to send it again): refused, nothing changed. */
const tooLate = (op: AdminOpTiming, now: number): OpFailure | undefined =>
  op.notAfter !== undefined && now > op.notAfter
    ? failure('UNAVAILABLE', 'this change reached the inventory too late to be answered; nothing was changed: send it again', { reason: 'late', retryAfterSeconds: 1 })
    : undefined

const iso = (value: string) => new Date(value).toISOString()

/** `salesEnd` after `salesStart`, both when given. */
export function salesWindowProblem(start?: string | null, end?: string | null): string | undefined {
  if (start && end && Date.parse(end) <= Date.parse(start)) return 'salesEnd must be after salesStart'
  return undefined
}

function holdSuccess(orderId: string, hold: HoldRecord): HoldSuccess {
  return {
    ok: true,
    orderId,
    items: hold.items,
    currency: hold.currency,
    totalCents: hold.totalCents,
    ...(hold.voucher ? { voucher: hold.voucher } : {}),
    expiresAt: new Date(hold.expiresAt).toISOString(),
  }
}

/** A voucher's fields that cannot be checked by the schema alone; undefined when they are fine. */
export function voucherProblem(fields: Pick<CreateVoucherBody, 'percentOff' | 'amountOffCents' | 'currency'>): { path: string; message: string } | undefined {
  if ((fields.percentOff === undefined) === (fields.amountOffCents === undefined)) return { path: 'percentOff', message: 'give exactly one of percentOff and amountOffCents' }
  if (fields.amountOffCents !== undefined && !fields.currency) return { path: 'currency', message: 'an amount off needs its currency' }
  if (fields.percentOff !== undefined && fields.currency) return { path: 'currency', message: 'a percentage off has no currency' }
  return undefined
}

export function decideBatch(input: DecideInput): Decision {
  const { eventId, now, seq } = input
  const types = input.types.map((t) => ({ ...t }))
  const vouchers = (input.vouchers ?? []).map((v) => ({ ...v }))
  let vouchersChanged = false
  let pools = (input.pools ?? []).map((p) => ({ ...p, ticketTypeIds: [...p.ticketTypeIds] }))
  let poolsChanged = false
  const orders = new Map<string, OrderLedger>()
  const entries: LedgerEntry[] = []
  const expiries = new Map<string, number>()
  const expired: Decision['expired'] = []
  const withdrawn: Decision['withdrawn'] = []
  let typesChanged = false
  let removed: string[] | undefined
  const at = new Date(now)

  const order = (orderId: string): OrderLedger => {
    let o = orders.get(orderId)
    if (!o) {
      const known = input.lookup(orderId)
      o = known ? { ...known } : {}
      orders.set(orderId, o)
    }
    return o
  }
  const typeById = (id: string) => types.find((t) => t.id === id)
  // Seats taken of each seated type the batch touches: a set made once per batch, written back at its end.
  const takenSets = new Map<string, Set<string>>()
  const takenOf = (t: TypeRecord) => {
    let set = takenSets.get(t.id)
    if (!set) takenSets.set(t.id, (set = new Set(t.taken ?? [])))
    return set
  }
  // Each seated type's seat ids, row by row, and all of them: made once per batch.
  const layouts = new Map<string, { rows: string[][]; all: Set<string> }>()
  const layoutOf = (t: TypeRecord) => {
    let layout = layouts.get(t.id)
    if (!layout) {
      const rows = t.seating ? seatRows(t.seating) : []
      layouts.set(t.id, (layout = { rows, all: new Set(rows.flat()) }))
    }
    return layout
  }
  /** Gives the seats back to their type (a type without seating has none to give). */
  const freeSeats = (ticketTypeId: string, seats: readonly string[] | undefined) => {
    const t = seats?.length ? typeById(ticketTypeId) : undefined
    if (!t?.seating) return
    const set = takenOf(t)
    for (const seat of seats!) set.delete(seat)
  }
  /** A pool created under a key is remembered when it goes: a late retry of its request must not bring it back. */
  const forgetPool = (p: PoolRecord) => {
    if (p.fingerprint) removed = [...(removed ?? input.removed ?? []), p.id].slice(-MAX_REMOVED_REMEMBERED)
  }
  const voucherByCode = (code: string) => vouchers.find((v) => v.code === code)
  /** Moves one use of the order's voucher between its counters (a voucher since removed from the list is not counted). */
  const countVoucher = (hold: HoldRecord, change: { held?: number; used?: number }) => {
    const v = hold.voucher && voucherByCode(hold.voucher.code)
    if (!v) return
    v.held = Math.max(0, v.held + (change.held ?? 0))
    v.used = Math.max(0, v.used + (change.used ?? 0))
    vouchersChanged = true
  }

  const moveHeld = (hold: HoldRecord, to: 'sold' | 'released') => {
    for (const line of hold.items) {
      const t = typeById(line.ticketTypeId)
      if (!t) continue
      t.held = Math.max(0, t.held - line.quantity)
      if (to === 'sold') t.sold += line.quantity
      else freeSeats(t.id, line.seats)
    }
    countVoucher(hold, to === 'sold' ? { held: -1, used: 1 } : { held: -1 })
  }
  const settle = (orderId: string, o: OrderLedger, outcome: SettleOutcome, reason: SettleReason, okWhen: SettleOutcome, withdraw = false): SettleResult => {
    if (o.hold) moveHeld(o.hold, outcome)
    o.settle = withdraw ? { outcome, reason, withdrawn: true } : { outcome, reason }
    entries.push({ _id: ledgerId.settle(orderId), kind: 'settle', eventId, orderId, outcome, reason, seq, at, ...(withdraw ? { withdrawn: true as const } : {}) })
    if (reason === 'expired') expired.push({ orderId, userId: o.hold?.userId })
    if (withdraw) withdrawn.push({ orderId, userId: o.hold?.userId })
    return { ok: outcome === okWhen, outcome, reason }
  }
  const alreadySettled = (orderId: string, o: OrderLedger, okWhen: SettleOutcome, byExpiry = false): SettleResult => {
    const s = o.settle!
    // An expiry job run again (after a crash, say) records its fact again: the fact id makes it one.
    // A withdrawn hold's expiry job still comes at its old end, and records the withdrawal again.
    if (byExpiry && s.reason === 'expired') expired.push({ orderId, userId: o.hold?.userId })
    if (byExpiry && s.withdrawn) withdrawn.push({ orderId, userId: o.hold?.userId })
    return { ok: s.outcome === okWhen, outcome: s.outcome, reason: s.reason, repeated: true }
  }

  /** Part `part.n` of a sold order's refund: only its tickets go back, and the order (with its voucher's use) stands. */
  const refundPart = (orderId: string, part: RefundPart): OpResult => {
    const o = order(orderId)
    if (o.parts?.some((p) => p.n === part.n)) return { ok: true, outcome: 'refunded', repeated: true }
    if (o.settle?.outcome !== 'sold' || !o.hold) return failure('CONFLICT', `order ${orderId} was not sold, there is nothing to refund`)
    if (o.refunded) return failure('CONFLICT', `order ${orderId} was already refunded`)
    if (!Number.isInteger(part.n) || part.n < 1 || !part.items.length || part.items.some((i) => !Number.isInteger(i.quantity) || i.quantity < 1))
      return failure('VALIDATION', 'a refund part needs a number n ≥ 1 and items of whole quantities ≥ 1')
    // What is left of each type in the order, and what this part asks of it (a type named twice counts once, summed).
    const left = new Map<string, { name: string; left: number }>()
    for (const line of splitLines(o.hold, o.parts)) {
      const known = left.get(line.ticketTypeId)
      left.set(line.ticketTypeId, { name: line.name, left: (known?.left ?? 0) + line.left })
    }
    const asked = new Map<string, number>()
    const askedSeats = new Map<string, string[]>()
    for (const i of part.items) {
      asked.set(i.ticketTypeId, (asked.get(i.ticketTypeId) ?? 0) + i.quantity)
      if (i.seats) askedSeats.set(i.ticketTypeId, [...(askedSeats.get(i.ticketTypeId) ?? []), ...i.seats])
    }
    for (const [ticketTypeId, quantity] of asked) {
      const rest = left.get(ticketTypeId)
      if (!rest) return failure('CONFLICT', `order ${orderId} has no tickets of type ${ticketTypeId}`, { ticketTypeId })
      // The seats of the tickets refunded go back, not just as many: they must be named, and be the order's.
      const seated = o.hold.items.some((l) => l.ticketTypeId === ticketTypeId && l.seats?.length)
      const seats = askedSeats.get(ticketTypeId)
      if (seated) {
        if (!seats || seats.length !== quantity || new Set(seats).size !== seats.length)
          return failure('VALIDATION', `"${rest.name}" tickets have seats: name the ${quantity} seats refunded, each once`, { ticketTypeId })
        const mine = new Set(seatsLeft(o.hold, o.parts, ticketTypeId))
        const foreign = seats.filter((seat) => !mine.has(seat))
        if (foreign.length) return failure('CONFLICT', `order ${orderId} has no unrefunded "${rest.name}" ticket for seat ${foreign.join(', ')}`, { ticketTypeId, seats: foreign })
      } else if (seats) return failure('VALIDATION', `"${rest.name}" tickets have no seats`, { ticketTypeId })
      if (quantity > rest.left)
        return failure(
          'CONFLICT',
          rest.left === 0
            ? `all "${rest.name}" tickets of order ${orderId} were already refunded`
            : `order ${orderId} has only ${rest.left} "${rest.name}" tickets left to refund, not ${quantity}`,
          { ticketTypeId, requested: quantity, refundable: rest.left },
        )
    }
    for (const [ticketTypeId, quantity] of asked) {
      const t = typeById(ticketTypeId)
      if (!t) continue
      t.sold = Math.max(0, t.sold - quantity)
      t.refunded = (t.refunded ?? 0) + quantity
      freeSeats(ticketTypeId, askedSeats.get(ticketTypeId))
    }
    // The voucher's use stays: the order still stands.
    const items = part.items.map(({ ticketTypeId, quantity, seats }) => ({ ticketTypeId, quantity, ...(seats ? { seats: [...seats] } : {}) }))
    o.parts = withPart(o.parts, { n: part.n, items })
    entries.push({ _id: ledgerId.refundPart(orderId, part.n), kind: 'refund-part', eventId, orderId, n: part.n, items, seq, at })
    return { ok: true, outcome: 'refunded' }
  }

  const hold = (op: HoldOp): OpResult => {
    const o = order(op.orderId)
    if (o.hold) {
      // A hold asked again after it ended (expired, released, withdrawn) is not a hold any more.
      if (o.settle?.outcome === 'released') return failure('CONFLICT', `the hold of order ${op.orderId} has already ended (${o.settle.reason})`, { reason: o.settle.reason })
      // Asked again after its end, before its expiry ran (a retry taking the order over late): it is
      // over, as a confirm would find it, not a live hold to charge for.
      if (!o.settle && now >= o.hold.expiresAt) {
        settle(op.orderId, o, 'released', 'expired', 'released')
        return failure('CONFLICT', `the hold of order ${op.orderId} has already ended (expired)`, { reason: 'expired' })
      }
      if (!o.settle) expiries.set(op.orderId, o.hold.expiresAt)
      return holdSuccess(op.orderId, o.hold)
    }
    if (o.settle) return failure('CONFLICT', `order ${op.orderId} was already ${o.settle.outcome} (${o.settle.reason}) before any hold`)
    // The same ticket type twice in one order is one line with the quantities added.
    const wanted = new Map<string, number>()
    const wantedSeats = new Map<string, string[]>()
    for (const item of op.items) {
      wanted.set(item.ticketTypeId, (wanted.get(item.ticketTypeId) ?? 0) + item.quantity)
      if (item.seats) {
        if (item.seats.length !== item.quantity) return failure('VALIDATION', `name ${item.quantity} seats for ${item.quantity} tickets, not ${item.seats.length}`, { ticketTypeId: item.ticketTypeId })
        wantedSeats.set(item.ticketTypeId, [...(wantedSeats.get(item.ticketTypeId) ?? []), ...item.seats])
      }
    }
    // Given by an admin, or sold at the door: neither the per-order limit nor the sales window applies.
    const byHand = !!op.complimentary || !!op.atTheDoor
    const lines: Array<{ type: TypeRecord; quantity: number; seats?: string[] }> = []
    for (const [id, quantity] of wanted) {
      const type = typeById(id)
      if (!type) return failure('NOT_FOUND', `ticket type ${id} does not exist for this event`, { ticketTypeId: id })
      const seats = wantedSeats.get(id)
      if (seats) {
        if (!type.seating) return failure('VALIDATION', `"${type.name}" has no numbered seats: ask for a quantity only`, { ticketTypeId: id })
        // Every line of the type names its seats, or none does.
        if (seats.length !== quantity) return failure('VALIDATION', `name the seats of every "${type.name}" ticket, or of none`, { ticketTypeId: id })
        if (new Set(seats).size !== seats.length) return failure('VALIDATION', `a seat of "${type.name}" is named twice`, { ticketTypeId: id })
        const unknown = seats.filter((seat) => !layoutOf(type).all.has(seat))
        if (unknown.length) return failure('VALIDATION', `"${type.name}" has no seat ${unknown.join(', ')}`, { ticketTypeId: id, seats: unknown })
      }
      if (!Number.isInteger(quantity) || quantity < 1) return failure('VALIDATION', `quantity of ${type.name} must be a whole number ≥ 1`, { ticketTypeId: id })
      if (quantity > type.maxPerOrder && !byHand)
        return failure('VALIDATION', `at most ${type.maxPerOrder} "${type.name}" tickets per order`, { ticketTypeId: id, maxPerOrder: type.maxPerOrder })
      if (type.salesStart && now < Date.parse(type.salesStart) && !byHand)
        return failure('CONFLICT', `sales of "${type.name}" open at ${type.salesStart}`, { ticketTypeId: id, salesStart: type.salesStart })
      if (type.salesEnd && now >= Date.parse(type.salesEnd) && !byHand)
        return failure('CONFLICT', `sales of "${type.name}" closed at ${type.salesEnd}`, { ticketTypeId: id, salesEnd: type.salesEnd })
      lines.push(seats ? { type, quantity, seats } : { type, quantity })
    }
    // Extras come with admission, one per ticket, whoever sells them; bought later, with the paid order's.
    const later = op.laterFor
    if (later && byHand) return failure('VALIDATION', 'extras bought later for an order are bought online, not given or sold at the door')
    const had = (id: string) => later?.had.reduce((sum, h) => (h.ticketTypeId === id ? sum + h.quantity : sum), 0) ?? 0
    const extras = later
      ? laterAddOnProblem(later.admissions, lines.map((l) => ({ name: l.type.name, quantity: l.quantity, addOn: l.type.addOn, had: had(l.type.id) })))
      : addOnProblem(lines.map((l) => ({ name: l.type.name, quantity: l.quantity, addOn: l.type.addOn })))
    if (extras) {
      // The lines at fault: admission among extras bought later, else the extras.
      const admission = later ? lines.filter((l) => !l.type.addOn) : []
      return failure('VALIDATION', extras, { ticketTypeIds: (admission.length ? admission : lines.filter((l) => l.type.addOn)).map((l) => l.type.id) })
    }
    const currencies = new Set(lines.map((l) => l.type.currency))
    if (currencies.size > 1) return failure('VALIDATION', 'all tickets of one order must be priced in the same currency', { currencies: [...currencies] })
    let voucher: VoucherRecord | undefined
    // Each line's part of the voucher's discount, worked out once: the order's discount is their sum.
    const lineDiscounts = lines.map(() => 0)
    let discountCents = 0
    if (op.voucherCode && op.complimentary) return failure('VALIDATION', 'complimentary tickets are free: they take no voucher')
    if (op.voucherCode && op.atTheDoor) return failure('VALIDATION', 'a sale at the door takes no voucher')
    if (op.complimentary && op.atTheDoor) return failure('VALIDATION', 'a hold is complimentary or sold at the door, not both')
    if (op.voucherCode) {
      const code = normaliseVoucherCode(op.voucherCode)
      voucher = voucherByCode(code)
      if (!voucher || !voucher.active) return failure('NOT_FOUND', `there is no voucher ${code} for this event`, { voucherCode: code })
      const refusal = voucherRefusal(voucher, now)
      if (refusal) return refusal
      for (const [i, l] of lines.entries()) if (voucherAppliesTo(voucher, l.type)) lineDiscounts[i] = l.quantity * voucherDiscount(voucher, l.type.priceCents)
      discountCents = lineDiscounts.reduce((sum, d) => sum + d, 0)
      if (!lines.some((l) => voucherAppliesTo(voucher!, l.type)))
        return failure('VALIDATION', `voucher ${code} does not apply to these tickets`, { voucherCode: code, ticketTypeIds: voucher.ticketTypeIds })
    }
    // One order is one charge: above what a charge may be, it could be held but never paid.
    const priceOf = (type: TypeRecord) => (op.complimentary ? 0 : type.priceCents)
    const total = lines.reduce((sum, l) => sum + l.quantity * priceOf(l.type), 0) - discountCents
    if (total > MAX_ORDER_TOTAL_CENTS)
      return failure('VALIDATION', 'this order costs more than one payment may take: split it into smaller orders', { totalCents: total, maxTotalCents: MAX_ORDER_TOTAL_CENTS })
    // What is left of each type, with the pools it sells from; then each pool asked for more than it
    // has. Only the pools the order's types are in are counted (none at all for an event without pools).
    const touched = pools.length ? pools.filter((p) => lines.some((l) => p.ticketTypeIds.includes(l.type.id))) : []
    const poolLeft = new Map<PoolRecord, number>()
    if (touched.length) {
      const byId = new Map(types.map((t) => [t.id, t]))
      for (const p of touched) {
        let used = 0
        for (const id of p.ticketTypeIds) {
          const t = byId.get(id)
          if (t) used += t.sold + t.held
        }
        poolLeft.set(p, Math.max(0, p.capacity - used))
      }
    }
    const leftOf = (type: TypeRecord) => touched.reduce((least, p) => (p.ticketTypeIds.includes(type.id) ? Math.min(least, poolLeft.get(p)!) : least), available(type))
    const short = lines.filter((l) => leftOf(l.type) < l.quantity)
    if (short.length) {
      const refusal = soldOutRefusal(short.map((l) => ({ ticketTypeId: l.type.id, name: l.type.name, requested: l.quantity, available: leftOf(l.type) })))
      return failure('SOLD_OUT', refusal.message, refusal.details)
    }
    for (const pool of touched) {
      const named = lines.filter((l) => pool.ticketTypeIds.includes(l.type.id))
      const inPool = poolLeft.get(pool)!
      if (named.reduce((sum, l) => sum + l.quantity, 0) > inPool) {
        const refusal = poolSoldOutRefusal(pool, inPool, named.map((l) => ({ ticketTypeId: l.type.id, name: l.type.name, requested: l.quantity, available: leftOf(l.type) })))
        return failure('SOLD_OUT', refusal.message, refusal.details)
      }
    }
    // Seats: those named must all be free; a seated line that names none gets the best ones left.
    for (const l of lines) {
      if (!l.type.seating) continue
      const taken = takenOf(l.type)
      if (l.seats) {
        const gone = l.seats.filter((seat) => taken.has(seat))
        if (gone.length)
          return failure('SOLD_OUT', gone.length === 1 ? `seat ${gone[0]} of "${l.type.name}" is taken` : `seats ${gone.join(', ')} of "${l.type.name}" are taken`, {
            ticketTypeId: l.type.id,
            seats: gone,
          })
      } else {
        const best = bestSeats(layoutOf(l.type).rows, taken, l.quantity)
        // Never expected (the counters and the seats follow the same ledger): refused, nothing held.
        if (!best) return failure('SOLD_OUT', `only ${layoutOf(l.type).all.size - taken.size} seats of "${l.type.name}" are free`, { ticketTypeId: l.type.id })
        l.seats = best
      }
    }
    for (const l of lines) {
      l.type.held += l.quantity
      if (l.seats) for (const seat of l.seats) takenOf(l.type).add(seat)
    }
    // The tax rate goes with the price, and each line's share of the discount with it: what the order
    // was sold at (its invoice's tax per rate), whatever the type or voucher says later.
    const items = lines.map((l, i) => {
      const lineDiscount = lineDiscounts[i]!
      return {
        ticketTypeId: l.type.id,
        name: l.type.name,
        quantity: l.quantity,
        unitPriceCents: priceOf(l.type),
        ...(l.type.taxRateBasisPoints && !op.complimentary ? { taxRateBasisPoints: l.type.taxRateBasisPoints } : {}),
        ...(lineDiscount ? { discountCents: lineDiscount } : {}),
        ...(l.seats ? { seats: l.seats } : {}),
        ...(l.type.addOn ? { addOn: true as const } : {}),
      }
    })
    const record: HoldRecord = {
      userId: op.userId,
      items,
      currency: lines[0]!.type.currency,
      totalCents: total,
      ...(voucher ? { voucher: { code: voucher.code, discountCents } } : {}),
      expiresAt: now + (op.ttlSeconds ?? input.holdTtlSeconds) * 1000,
    }
    o.hold = record
    countVoucher(record, { held: 1 })
    entries.push({
      _id: ledgerId.hold(op.orderId),
      kind: 'hold',
      eventId,
      orderId: op.orderId,
      userId: record.userId,
      items: record.items,
      currency: record.currency,
      totalCents: record.totalCents,
      ...(record.voucher ? { voucher: record.voucher } : {}),
      expiresAt: new Date(record.expiresAt),
      seq,
      at,
    })
    expiries.set(op.orderId, record.expiresAt)
    return holdSuccess(op.orderId, record)
  }

  const decideOne = (op: InventoryOp): OpResult => {
    switch (op.type) {
      case 'hold':
        return hold(op)
      case 'confirm': {
        const o = order(op.orderId)
        if (o.settle) return alreadySettled(op.orderId, o, 'sold')
        if (!o.hold) return failure('NOT_FOUND', `no hold for order ${op.orderId}`)
        // A hold past its time is gone even when its expiry job has not run yet.
        if (now >= o.hold.expiresAt) return settle(op.orderId, o, 'released', 'expired', 'sold')
        return settle(op.orderId, o, 'sold', 'paid', 'sold')
      }
      case 'release': {
        const o = order(op.orderId)
        if (o.settle) return alreadySettled(op.orderId, o, 'released')
        // Without a hold this records the release anyway, so a hold still on its way is refused.
        return settle(op.orderId, o, 'released', op.reason, 'released')
      }
      case 'expire': {
        const o = order(op.orderId)
        if (o.settle) return alreadySettled(op.orderId, o, 'released', true)
        if (!o.hold) return failure('NOT_FOUND', `no hold for order ${op.orderId}`)
        // An expiry job scheduled by an attempt that was then retried may come a little early.
        if (now < o.hold.expiresAt - EXPIRY_SLACK_MS)
          return failure('CONFLICT', `the hold of order ${op.orderId} runs until ${new Date(o.hold.expiresAt).toISOString()}`, { expiresAt: o.hold.expiresAt })
        return settle(op.orderId, o, 'released', 'expired', 'released')
      }
      case 'refund': {
        if (op.part) return refundPart(op.orderId, op.part)
        const o = order(op.orderId)
        if (o.refunded) return { ok: true, outcome: 'refunded', repeated: true }
        if (o.settle?.outcome !== 'sold' || !o.hold) return failure('CONFLICT', `order ${op.orderId} was not sold, there is nothing to refund`)
        // After parts, only what they left goes back.
        for (const line of splitLines(o.hold, o.parts)) {
          const t = typeById(line.ticketTypeId)
          if (!t || !line.left) continue
          t.sold = Math.max(0, t.sold - line.left)
          t.refunded = (t.refunded ?? 0) + line.left
        }
        for (const id of new Set(o.hold.items.filter((l) => l.seats?.length).map((l) => l.ticketTypeId))) freeSeats(id, seatsLeft(o.hold, o.parts, id))
        // A refunded order gives its voucher's use back.
        countVoucher(o.hold, { used: -1 })
        o.refunded = true
        entries.push({ _id: ledgerId.refund(op.orderId), kind: 'refund', eventId, orderId: op.orderId, seq, at })
        return { ok: true, outcome: 'refunded' }
      }
      case 'addType': {
        const existing = typeById(op.typeId)
        if (existing) {
          if (op.fingerprint && existing.fingerprint !== op.fingerprint) return failure('CONFLICT', 'this Idempotency-Key was already used to create another ticket type')
          return { ok: true, ticketType: toTicketType(eventId, existing, availableByType(types, pools).get(existing.id)) }
        }
        if ((removed ?? input.removed)?.includes(op.typeId)) return failure('CONFLICT', 'the ticket type this Idempotency-Key created has been removed since')
        const late = tooLate(op, now)
        if (late) return late
        if (types.length >= MAX_TYPES_PER_EVENT) return failure('CONFLICT', `an event has at most ${MAX_TYPES_PER_EVENT} ticket types`)
        const f = op.fields
        const problem = salesWindowProblem(f.salesStart, f.salesEnd) ?? (f.seating ? seatingFieldsProblem(f.seating, f.capacity) : undefined)
        if (problem) return failure('VALIDATION', problem)
        if (f.seating) {
          const refusal = tooManySeats(types, undefined, f.seating)
          if (refusal) return refusal
        }
        const record: TypeRecord = {
          id: op.typeId,
          name: f.name.trim(),
          priceCents: f.priceCents,
          currency: f.currency,
          capacity: f.capacity,
          maxPerOrder: f.maxPerOrder ?? TICKET_TYPE_LIMITS.defaultMaxPerOrder,
          sold: 0,
          held: 0,
          createdAt: at.toISOString(),
          ...(op.fingerprint ? { fingerprint: op.fingerprint } : {}),
        }
        if (f.taxRateBasisPoints) record.taxRateBasisPoints = f.taxRateBasisPoints
        if (f.addOn) record.addOn = true
        if (f.variationOf?.trim()) record.variationOf = f.variationOf.trim()
        if (f.salesStart) record.salesStart = iso(f.salesStart)
        if (f.salesEnd) record.salesEnd = iso(f.salesEnd)
        if (f.seating) {
          record.seating = { rows: f.seating.rows.map(({ label, seats }) => ({ label, seats })) }
          record.taken = []
        }
        types.push(record)
        typesChanged = true
        return { ok: true, ticketType: toTicketType(eventId, record) }
      }
      case 'updateType': {
        const t = typeById(op.typeId)
        if (!t) return failure('NOT_FOUND', `ticket type ${op.typeId} does not exist for this event`)
        if (patchedBefore(t, op)) return { ok: true, ticketType: toTicketType(eventId, t, availableByType(types, pools).get(t.id)) }
        const late = tooLate(op, now)
        if (late) return late
        const next = rememberPatch(applyPatch(t, op.patch), op)
        const problem = salesWindowProblem(next.salesStart, next.salesEnd)
        if (problem) return failure('VALIDATION', problem)
        if (op.patch.seating || t.seating) {
          const refusal = seatingChange(t, op.patch, takenOf(t), next, types)
          if (refusal) return refusal
          // Given seats while in a pool with another seated type: refused, as such a pool is.
          const after = types.map((x) => (x.id === t.id ? next : x))
          for (const pool of t.seating ? [] : pools) {
            const twice = pool.ticketTypeIds.includes(t.id) && seatedTwice(pool, after)
            if (twice) return failure('CONFLICT', `"${t.name}" is in the pool "${pool.name}" with another ticket type with seats: each would sell the same seat`, { poolId: pool.id })
          }
          layouts.delete(t.id)
        }
        if (next.capacity < t.sold + t.held)
          return failure('CONFLICT', `capacity cannot go below the ${t.sold} sold and ${t.held} held tickets`, { sold: t.sold, held: t.held })
        // A voucher of an amount in the old currency named for this type would quietly stop applying to it.
        const stranded = next.currency !== t.currency ? vouchers.filter((v) => v.active && v.amountOffCents !== undefined && v.currency === t.currency && v.ticketTypeIds?.includes(t.id)) : []
        if (stranded.length)
          return failure('CONFLICT', `voucher${stranded.length > 1 ? 's' : ''} ${stranded.map((v) => v.code).join(', ')} take${stranded.length > 1 ? '' : 's'} ${t.currency} off "${t.name}": change or switch ${stranded.length > 1 ? 'them' : 'it'} off first`, { voucherCodes: stranded.map((v) => v.code) })
        Object.assign(t, next)
        if (next.salesStart === undefined) delete t.salesStart
        if (next.salesEnd === undefined) delete t.salesEnd
        if (next.taxRateBasisPoints === undefined) delete t.taxRateBasisPoints
        if (!next.addOn) delete t.addOn
        if (!next.variationOf) delete t.variationOf
        typesChanged = true
        return { ok: true, ticketType: toTicketType(eventId, t, availableByType(types, pools).get(t.id)) }
      }
      case 'removeType': {
        const t = typeById(op.typeId)
        if (!t) return failure('NOT_FOUND', `ticket type ${op.typeId} does not exist for this event`)
        const refunded = t.refunded ?? 0
        if (t.sold > 0 || refunded > 0)
          return failure('CONFLICT', `"${t.name}" has ${t.sold} sold and ${refunded} refunded tickets; it cannot be removed`, { sold: t.sold, held: t.held, refunded })
        // The pool would go with it, its limit moving to the type left; a seated type's capacity is its
        // number of seats, so one with more seats than the pool allows would lose the limit instead.
        for (const p of pools) {
          if (!p.ticketTypeIds.includes(t.id) || p.ticketTypeIds.length !== 2) continue
          const left = typeById(p.ticketTypeIds.find((id) => id !== t.id)!)
          if (left?.seating && p.capacity < left.capacity)
            return failure('CONFLICT', `removing "${t.name}" would leave "${left.name}" alone in the pool "${p.name}" with more seats (${left.capacity}) than the pool's ${p.capacity}: lower its seats or the pool first`, { poolId: p.id, ticketTypeId: left.id })
        }
        // Nothing sold: unpaid holds that name it end here (their orders are told), and so does the type.
        if (t.held > 0) {
          const holding: string[] = []
          let found = 0
          // Live before this batch, or held earlier in it.
          for (const orderId of new Set([...(input.liveOrders?.() ?? []), ...orders.keys()])) {
            const o = orders.get(orderId) ?? input.lookup(orderId)
            const line = !o?.settle && o?.hold?.items.find((l) => l.ticketTypeId === t.id)
            if (!line) continue
            holding.push(orderId)
            found += line.quantity
          }
          // Never expected (the counters follow the ledger): refused whole, nothing released.
          if (found !== t.held) return failure('CONFLICT', `"${t.name}" has ${t.held} held tickets but ${found} were found in holds; try again`, { sold: 0, held: t.held, refunded })
          for (const orderId of holding) {
            const o = order(orderId)
            // One past its end is simply expired (its job had not run yet).
            if (now >= o.hold!.expiresAt) settle(orderId, o, 'released', 'expired', 'released')
            else settle(orderId, o, 'released', 'cancelled', 'released', true)
          }
        }
        types.splice(types.indexOf(t), 1)
        typesChanged = true
        // Vouchers forget it; one that was only for it is for nothing now, and is switched off.
        for (const [i, v] of vouchers.entries()) {
          if (!v.ticketTypeIds?.includes(t.id)) continue
          const rest = v.ticketTypeIds.filter((id) => id !== t.id)
          vouchers[i] = rest.length ? { ...v, ticketTypeIds: rest } : { ...v, ticketTypeIds: rest, active: false }
          vouchersChanged = true
        }
        // Pools forget it too; one left with fewer than two types shares nothing any more and goes. Its
        // limit stays: the type left in it gets the pool's capacity when that is the smaller (the removed
        // type sold nothing and holds nothing now, so what the pool counted is all the remaining type's).
        if (pools.some((p) => p.ticketTypeIds.includes(t.id))) {
          pools = pools.map((p) => (p.ticketTypeIds.includes(t.id) ? { ...p, ticketTypeIds: p.ticketTypeIds.filter((id) => id !== t.id) } : p))
          for (const p of pools.filter((p) => p.ticketTypeIds.length < 2)) {
            const left = p.ticketTypeIds[0] ? typeById(p.ticketTypeIds[0]) : undefined
            if (left && p.capacity < left.capacity) left.capacity = p.capacity
            forgetPool(p)
          }
          pools = pools.filter((p) => p.ticketTypeIds.length >= 2)
          poolsChanged = true
        }
        if (t.fingerprint) removed = [...(removed ?? input.removed ?? []), t.id].slice(-MAX_REMOVED_REMEMBERED)
        return { ok: true, removed: op.typeId }
      }
      case 'addVoucher': {
        const f = op.fields
        const code = normaliseVoucherCode(f.code)
        const existing = voucherByCode(code)
        if (existing) {
          // A job run again after its commit finds its own voucher: the same fields are that voucher.
          if (sameVoucher(existing, f)) return { ok: true, voucher: toVoucher(eventId, existing) }
          return failure('CONFLICT', `this event already has a voucher ${code}`, { code })
        }
        const late = tooLate(op, now)
        if (late) return late
        const problem = voucherProblem(f)
        if (problem) return failure('VALIDATION', problem.message)
        const unknown = f.ticketTypeIds?.find((id) => !typeById(id))
        if (unknown) return failure('VALIDATION', `ticket type ${unknown} does not exist for this event`, { ticketTypeId: unknown })
        const otherCurrency = f.currency && f.ticketTypeIds?.find((id) => typeById(id)!.currency !== f.currency)
        if (otherCurrency) return failure('VALIDATION', `ticket type ${otherCurrency} is not priced in ${f.currency}`, { ticketTypeId: otherCurrency })
        if (vouchers.length >= MAX_VOUCHERS_PER_EVENT) return failure('CONFLICT', `an event has at most ${MAX_VOUCHERS_PER_EVENT} vouchers`)
        const record: VoucherRecord = { code, maxUses: f.maxUses, used: 0, held: 0, active: true, createdAt: at.toISOString() }
        if (f.percentOff !== undefined) record.percentOff = f.percentOff
        if (f.amountOffCents !== undefined) record.amountOffCents = f.amountOffCents
        if (f.currency) record.currency = f.currency
        if (f.ticketTypeIds) record.ticketTypeIds = [...new Set(f.ticketTypeIds)]
        if (f.validUntil) record.validUntil = iso(f.validUntil)
        vouchers.push(record)
        vouchersChanged = true
        return { ok: true, voucher: toVoucher(eventId, record) }
      }
      case 'updateVoucher': {
        const v = voucherByCode(normaliseVoucherCode(op.code))
        if (!v) return failure('NOT_FOUND', `there is no voucher ${normaliseVoucherCode(op.code)} for this event`)
        if (patchedBefore(v, op)) return { ok: true, voucher: toVoucher(eventId, v) }
        const late = tooLate(op, now)
        if (late) return late
        const next = rememberPatch(applyVoucherPatch(v, op.patch), op)
        if (next.active && next.ticketTypeIds?.length === 0)
          return failure('CONFLICT', `voucher ${v.code} was only for ticket types that have been removed: it cannot be used again`, { ticketTypeIds: [] })
        // Switched on again: an amount in a currency a type it names is no longer priced in never applies to it.
        const otherCurrency = next.active && !v.active && next.currency ? next.ticketTypeIds?.find((id) => typeById(id) && typeById(id)!.currency !== next.currency) : undefined
        if (otherCurrency)
          return failure('CONFLICT', `voucher ${v.code} takes ${next.currency} off ticket type ${otherCurrency}, which is priced in ${typeById(otherCurrency)!.currency} now: make a new voucher for it`, { ticketTypeId: otherCurrency })
        if (next.maxUses < v.used + v.held)
          return failure('CONFLICT', `maxUses cannot go below the ${v.used} paid and ${v.held} held orders using it`, { used: v.used, held: v.held })
        vouchers[vouchers.indexOf(v)] = next
        vouchersChanged = true
        return { ok: true, voucher: toVoucher(eventId, next) }
      }
      case 'removeVoucher': {
        const code = normaliseVoucherCode(op.code)
        const v = voucherByCode(code)
        // Gone already (a job run again after its commit): what was asked.
        if (!v) return { ok: true, removed: code }
        // A paid order or a live hold counts on it; refunded and ended ones no longer do (a voucher
        // added later under the code starts from what the ledger says of it: nothing).
        if (v.used + v.held > 0)
          return failure('CONFLICT', `voucher ${code} is used by ${v.used} paid and ${v.held} held orders: switch it off instead`, { used: v.used, held: v.held })
        vouchers.splice(vouchers.indexOf(v), 1)
        vouchersChanged = true
        return { ok: true, removed: code }
      }
      case 'addPool': {
        const f = op.fields
        const ids = [...new Set(f.ticketTypeIds)]
        const existing = pools.find((p) => p.id === op.poolId)
        if (existing) {
          // A job run again after its commit, or the request sent again under its key: the pool it made,
          // as it is now (changed since, maybe). Another request under the same key: a conflict.
          const same = op.fingerprint ? existing.fingerprint === op.fingerprint : existing.name === f.name.trim() && existing.capacity === f.capacity && sameIds(existing.ticketTypeIds, ids)
          if (same) return { ok: true, pool: toCapacityPool(eventId, existing, types) }
          return failure('CONFLICT', 'this Idempotency-Key was already used to create another pool')
        }
        if ((removed ?? input.removed)?.includes(op.poolId)) return failure('CONFLICT', 'the pool this Idempotency-Key created has been removed since')
        const late = tooLate(op, now)
        if (late) return late
        if (pools.length >= POOL_LIMITS.perEvent) return failure('CONFLICT', `an event has at most ${POOL_LIMITS.perEvent} pools`)
        const record: PoolRecord = { id: op.poolId, name: f.name.trim(), capacity: f.capacity, ticketTypeIds: ids, createdAt: at.toISOString(), ...(op.fingerprint ? { fingerprint: op.fingerprint } : {}) }
        const problem = poolProblem(record, types)
        if (problem) return problem
        pools.push(record)
        poolsChanged = true
        return { ok: true, pool: toCapacityPool(eventId, record, types) }
      }
      case 'updatePool': {
        const i = pools.findIndex((p) => p.id === op.poolId)
        if (i < 0) return failure('NOT_FOUND', `pool ${op.poolId} does not exist for this event`)
        if (patchedBefore(pools[i]!, op)) return { ok: true, pool: toCapacityPool(eventId, pools[i]!, types) }
        const late = tooLate(op, now)
        if (late) return late
        const next = rememberPatch(applyPoolPatch(pools[i]!, op.patch), op)
        // Its types judged again only when they change: a pool made before the one-seated-type rule keeps its other changes.
        const problem = poolProblem(next, types, op.patch.ticketTypeIds !== undefined)
        if (problem) return problem
        pools[i] = next
        poolsChanged = true
        return { ok: true, pool: toCapacityPool(eventId, next, types) }
      }
      case 'removePool': {
        const i = pools.findIndex((p) => p.id === op.poolId)
        // Gone already (a job run again after its commit): what was asked.
        if (i < 0) return { ok: true, removed: op.poolId }
        forgetPool(pools[i]!)
        pools.splice(i, 1)
        poolsChanged = true
        return { ok: true, removed: op.poolId }
      }
    }
  }

  const results = input.ops.map((op) => decideOne(op))
  for (const [id, set] of takenSets) {
    const t = typeById(id)
    if (t?.seating) t.taken = seatIdsOf(t.seating).filter((seat) => set.has(seat))
  }
  return {
    results,
    entries,
    types,
    typesChanged,
    vouchers,
    vouchersChanged,
    pools,
    poolsChanged,
    ...(removed ? { removed } : {}),
    orders,
    // A hold settled later in the same batch needs no expiry job.
    expiries: [...expiries].filter(([orderId]) => !orders.get(orderId)?.settle).map(([orderId, expiresAt]) => ({ orderId, expiresAt })),
    expired,
    withdrawn,
  }
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id) => b.includes(id))

/** What is wrong with a pool as it would be: a type it names that does not exist, or less room than its types sold and hold. */
/**
 * What is wrong with a pool's fields (those given), as the public route says it before the queue and
 * the decision says it again: a blank name, fewer than two different types, a type the event lacks.
 */
export function poolFieldProblems(fields: { name?: string; ticketTypeIds?: readonly string[] }, types: readonly Pick<TypeRecord, 'id'>[]): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = []
  if (fields.name !== undefined && !fields.name.trim()) problems.push({ path: 'name', message: 'must not be blank' })
  if (fields.ticketTypeIds) {
    const ids = [...new Set(fields.ticketTypeIds)]
    if (ids.length < 2) problems.push({ path: 'ticketTypeIds', message: 'name at least two different ticket types (a single type has its own capacity)' })
    const unknown = ids.find((id) => !types.some((t) => t.id === id))
    if (unknown) problems.push({ path: 'ticketTypeIds', message: `ticket type ${unknown} does not exist for this event` })
  }
  return problems
}

/**
 * Seats are taken per ticket type: two seated types in one pool (one hall priced two ways) would each
 * sell the same seat. A pool holds one seated type at most (its other types sell without seats); a hall
 * sold at several prices is one seated type, or seated types with seats of their own.
 */
function seatedTwice(pool: Pick<PoolRecord, 'ticketTypeIds'>, types: readonly Pick<TypeRecord, 'id' | 'seating'>[]): OpFailure | undefined {
  const seated = types.filter((t) => t.seating && pool.ticketTypeIds.includes(t.id))
  if (seated.length < 2) return undefined
  const message = 'a pool may hold one ticket type with seats: each seated type takes its seats on its own, and two would sell the same seat twice'
  return failure('VALIDATION', `ticketTypeIds: ${message}`, { fields: [{ path: 'ticketTypeIds', message }], ticketTypeIds: seated.map((t) => t.id) })
}

function poolProblem(pool: PoolRecord, types: readonly TypeRecord[], typesChange = true): OpFailure | undefined {
  const problems = poolFieldProblems(pool, types)
  if (problems.length) return failure('VALIDATION', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { fields: problems })
  const seated = typesChange && seatedTwice(pool, types)
  if (seated) return seated
  const { sold, held } = poolCounts(pool, types)
  if (pool.capacity < sold + held) return failure('CONFLICT', `capacity cannot go below the ${sold} sold and ${held} held tickets of its types`, { sold, held })
  return undefined
}

function applyPoolPatch(p: PoolRecord, patch: UpdatePoolBody): PoolRecord {
  const next: PoolRecord = { ...p }
  if (patch.name !== undefined) next.name = patch.name.trim()
  if (patch.capacity !== undefined) next.capacity = patch.capacity
  if (patch.ticketTypeIds !== undefined) next.ticketTypeIds = [...new Set(patch.ticketTypeIds)]
  return next
}

/** Why a voucher cannot be used for a new hold now (used up, or past its time); undefined when it can. */
export function voucherRefusal(v: VoucherRecord, now: number): OpFailure | undefined {
  if (v.validUntil && now >= Date.parse(v.validUntil))
    return failure('CONFLICT', `voucher ${v.code} could be used until ${v.validUntil}`, { voucherCode: v.code, reason: 'expired' })
  if (v.used + v.held >= v.maxUses) return failure('CONFLICT', `voucher ${v.code} has been used up`, { voucherCode: v.code, reason: 'used-up' })
  return undefined
}

function sameVoucher(v: VoucherRecord, f: CreateVoucherBody): boolean {
  const types = (ids?: string[]) => JSON.stringify([...new Set(ids ?? [])].sort())
  return (
    v.active &&
    v.percentOff === f.percentOff &&
    v.currency === f.currency &&
    v.amountOffCents === f.amountOffCents &&
    v.maxUses === f.maxUses &&
    types(v.ticketTypeIds) === types(f.ticketTypeIds) &&
    (v.validUntil ?? null) === (f.validUntil ? iso(f.validUntil) : null)
  )
}

function applyVoucherPatch(v: VoucherRecord, patch: UpdateVoucherBody): VoucherRecord {
  const next: VoucherRecord = { ...v }
  if (patch.maxUses !== undefined) next.maxUses = patch.maxUses
  if (patch.active !== undefined) next.active = patch.active
  if (patch.validUntil === null) delete next.validUntil
  else if (patch.validUntil !== undefined) next.validUntil = iso(patch.validUntil)
  return next
}

/** A layout's rules that need more than the schema, and a capacity given with it that must be its number of seats. */
export function seatingFieldsProblem(seating: Seating, capacity?: number): string | undefined {
  const problem = seatingProblem(seating)
  if (problem) return `seating: ${problem}`
  const count = seatIdsOf(seating).length
  if (capacity !== undefined && capacity !== count) return `capacity must be the number of seats (${count}), not ${capacity}`
  return undefined
}

/**
 * A seated type's patch: a new layout keeps every seat held or sold, and its capacity is its seats;
 * a capacity alone cannot change. `next` (the patched copy) gets the layout. Undefined when fine.
 */
/** The event's numbered seats with `seating` in place of type `typeId`'s (or added) past the most one event may have. */
function tooManySeats(types: readonly TypeRecord[], typeId: string | undefined, seating: Seating): OpFailure | undefined {
  const count = (s: Seating) => s.rows.reduce((n, r) => n + r.seats, 0)
  const total = types.reduce((n, t) => n + (t.id !== typeId && t.seating ? count(t.seating) : 0), count(seating))
  if (total > SEATING_LIMITS.perEvent) return failure('CONFLICT', `an event has at most ${SEATING_LIMITS.perEvent} numbered seats, not ${total}`, { seats: total, maxSeats: SEATING_LIMITS.perEvent })
  return undefined
}

function seatingChange(t: TypeRecord, patch: UpdateTicketTypeBody, taken: ReadonlySet<string>, next: TypeRecord, types: readonly TypeRecord[]): OpFailure | undefined {
  if (!patch.seating) {
    if (patch.capacity !== undefined && patch.capacity !== t.capacity)
      return failure('VALIDATION', `the capacity of "${t.name}" is its number of seats (${t.capacity}): change its seating instead`)
    return undefined
  }
  const problem = seatingFieldsProblem(patch.seating, patch.capacity)
  if (problem) return failure('VALIDATION', problem)
  const tooMany = tooManySeats(types, t.id, patch.seating)
  if (tooMany) return tooMany
  if (!t.seating && t.sold + t.held > 0)
    return failure('CONFLICT', `"${t.name}" has ${t.sold} sold and ${t.held} held tickets without seats: it cannot be given seating`, { sold: t.sold, held: t.held })
  const layout = new Set(seatIdsOf(patch.seating))
  const lost = [...taken].filter((seat) => !layout.has(seat))
  if (lost.length) return failure('CONFLICT', `the new seating leaves out seats that are held or sold: ${lost.slice(0, 10).join(', ')}${lost.length > 10 ? ', …' : ''}`, { seats: lost })
  next.seating = { rows: patch.seating.rows.map(({ label, seats }) => ({ label, seats })) }
  next.capacity = layout.size
  next.taken = t.taken ?? []
  return undefined
}

function applyPatch(t: TypeRecord, patch: UpdateTicketTypeBody): TypeRecord {
  const next: TypeRecord = { ...t }
  if (patch.name !== undefined) next.name = patch.name.trim()
  if (patch.priceCents !== undefined) next.priceCents = patch.priceCents
  if (patch.currency !== undefined) next.currency = patch.currency
  if (patch.capacity !== undefined) next.capacity = patch.capacity
  if (patch.maxPerOrder !== undefined) next.maxPerOrder = patch.maxPerOrder
  if (patch.taxRateBasisPoints === 0) delete next.taxRateBasisPoints
  else if (patch.taxRateBasisPoints !== undefined) next.taxRateBasisPoints = patch.taxRateBasisPoints
  if (patch.salesStart !== undefined) next.salesStart = patch.salesStart === null ? undefined : iso(patch.salesStart)
  if (patch.salesEnd !== undefined) next.salesEnd = patch.salesEnd === null ? undefined : iso(patch.salesEnd)
  if (patch.addOn === true) next.addOn = true
  else if (patch.addOn === false) delete next.addOn
  if (patch.variationOf === null) delete next.variationOf
  else if (patch.variationOf !== undefined) next.variationOf = patch.variationOf.trim()
  return next
}

/**
 * What the ledger says, folded: every order's state and the sold/held counters they imply. Used on a
 * cold start of an event and to repair the counters after a batch died between its writes.
 */
export function foldLedger(entries: Iterable<LedgerEntry>, base?: ReadonlyMap<string, OrderLedger>) {
  // With `base` (orders folded from earlier entries), only the orders the entries touch are returned,
  // each a copy of its base record with the entries applied: the base is never modified.
  const orders = new Map<string, OrderLedger>()
  const of = (orderId: string) => {
    let o = orders.get(orderId)
    if (!o) {
      const known = base?.get(orderId)
      orders.set(orderId, (o = known ? { ...known } : {}))
    }
    return o
  }
  for (const e of entries) {
    const o = of(e.orderId)
    if (e.kind === 'hold')
      o.hold = { userId: e.userId, items: e.items, currency: e.currency, totalCents: e.totalCents, ...(e.voucher ? { voucher: e.voucher } : {}), expiresAt: new Date(e.expiresAt).getTime() }
    else if (e.kind === 'settle') o.settle = e.withdrawn ? { outcome: e.outcome, reason: e.reason, withdrawn: true } : { outcome: e.outcome, reason: e.reason }
    else if (e.kind === 'refund') o.refunded = true
    else if (e.kind === 'refund-part') {
      // Once per part, whatever the order of the entries.
      if (!o.parts?.some((p) => p.n === e.n)) o.parts = withPart(o.parts, { n: e.n, items: e.items.map(({ ticketTypeId, quantity, seats }) => ({ ticketTypeId, quantity, ...(seats ? { seats } : {}) })) })
    }
  }
  return orders
}

/** The counters the ledger implies for the given types (types not in the list are ignored). */
export function countersFromLedger(types: readonly TypeRecord[], orders: Map<string, OrderLedger> | Iterable<OrderLedger>): TypeRecord[] {
  // `refunded` is left out until a refund counts it, as a batch leaves it out.
  const next: TypeRecord[] = types.map(({ refunded: _, ...t }) => ({ ...t, sold: 0, held: 0 }))
  const byId = new Map(next.map((t) => [t.id, t]))
  // Seats of the seated types: those of live holds, and of sold tickets not refunded.
  const taken = new Map(next.filter((t) => t.seating).map((t) => [t.id, new Set<string>()]))
  for (const o of orders instanceof Map ? orders.values() : orders) {
    if (!o.hold) continue
    const state = !o.settle ? 'held' : o.settle.outcome === 'sold' ? (o.refunded ? 'refunded' : 'sold') : undefined
    if (!state) continue
    if (state === 'sold') {
      // Sold, less the tickets its parts refunded.
      for (const line of splitLines(o.hold, o.parts)) {
        const t = byId.get(line.ticketTypeId)
        if (!t) continue
        t.sold += line.left
        if (line.parted) t.refunded = (t.refunded ?? 0) + line.parted
      }
      for (const [id, set] of taken) for (const seat of seatsLeft(o.hold, o.parts, id)) set.add(seat)
      continue
    }
    // Held, or wholly refunded (its parts included).
    for (const line of o.hold.items) {
      const t = byId.get(line.ticketTypeId)
      if (t) t[state] = (t[state] ?? 0) + line.quantity
      if (state === 'held') for (const seat of line.seats ?? []) taken.get(line.ticketTypeId)?.add(seat)
    }
  }
  for (const t of next) if (t.seating) t.taken = seatIdsOf(t.seating).filter((seat) => taken.get(t.id)!.has(seat))
  return next
}

/** Whether two lists of the same types disagree on a counter or a taken seat. */
export const typeCountsDiffer = (a: readonly TypeRecord[], b: readonly TypeRecord[]) =>
  a.some((t, i) => {
    const u = b[i]!
    return t.sold !== u.sold || t.held !== u.held || (t.taken ?? []).join() !== (u.taken ?? []).join()
  })

/** The voucher counters the ledger implies: a live hold holds its voucher's use, a sold and unrefunded order uses it. */
export function voucherCountersFromLedger(vouchers: readonly VoucherRecord[], orders: Map<string, OrderLedger> | Iterable<OrderLedger>): VoucherRecord[] {
  const next: VoucherRecord[] = vouchers.map((v) => ({ ...v, used: 0, held: 0 }))
  const byCode = new Map(next.map((v) => [v.code, v]))
  for (const o of orders instanceof Map ? orders.values() : orders) {
    const v = o.hold?.voucher && byCode.get(o.hold.voucher.code)
    if (!v) continue
    if (!o.settle) v.held++
    else if (o.settle.outcome === 'sold' && !o.refunded) v.used++
  }
  return next
}

/** Whether two lists of vouchers disagree on any counter. */
export const voucherCountsDiffer = (a: readonly VoucherRecord[], b: readonly VoucherRecord[]) =>
  a.length !== b.length || a.some((v, i) => v.used !== b[i]!.used || v.held !== b[i]!.held)
