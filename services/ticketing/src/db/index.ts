// Ticketing's own database, `<prefix>_ticketing`: one small inventory document per event (updated by
// every batch) and the big append-only ledger (inserted, never updated) that is the truth behind it.
import mongoose, { type Connection } from 'mongoose'
import type { AppliedVoucher, HeldLine, Seating, SettleOutcome, SettleReason } from '@easypass/contracts/inventory'

/** A ticket type with its counters, stored inside its event's inventory document. */
export interface TypeRecord {
  id: string
  name: string
  priceCents: number
  currency: string
  capacity: number
  maxPerOrder: number
  /** Tax included in the price, in basis points; absent: none. */
  taxRateBasisPoints?: number
  salesStart?: string
  salesEnd?: string
  sold: number
  held: number
  /** Tickets sold and then refunded: they were sold once, so the type (and its event) stays. Absent before it was counted: 0. */
  refunded?: number
  createdAt: string
  /** The creating request's fingerprint, when it came with an Idempotency-Key. */
  fingerprint?: string
  /** Numbered seats (its capacity is their number); absent: general admission. */
  seating?: Seating
  /** Of a seated type: the seats held or sold, in layout order (counted from the ledger like `sold` and `held`). */
  taken?: string[]
  /** An extra, sold only with admission (absent: admission). */
  addOn?: true
  /** The product it is one variation of (trimmed; absent: none). */
  variationOf?: string
  /** The ids of its latest changes (`patchId`), oldest first: a job run again does not apply one twice. */
  patches?: string[]
}

/** A discount code of the event, with its counters, stored inside its event's inventory document. */
export interface VoucherRecord {
  /** In capitals. */
  code: string
  percentOff?: number
  amountOffCents?: number
  /** Of `amountOffCents`. */
  currency?: string
  ticketTypeIds?: string[]
  maxUses: number
  /** Orders sold with it and not refunded. */
  used: number
  /** Live holds with it. */
  held: number
  validUntil?: string
  active: boolean
  createdAt: string
  /** The ids of its latest changes, as a ticket type's. */
  patches?: string[]
}

/** Shared capacity: its types together sell at most `capacity` (its counts are its types' counters, summed). */
export interface PoolRecord {
  id: string
  name: string
  capacity: number
  ticketTypeIds: string[]
  createdAt: string
  /** Of the request that created it under an Idempotency-Key. */
  fingerprint?: string
  /** The ids of its latest changes, as a ticket type's. */
  patches?: string[]
}

export interface InventoryDoc {
  /** The event id. */
  _id: string
  /** Number of the last batch committed for this event. */
  seq: number
  /** Set while a batch writes its ledger entries; found set = that batch died midway → rebuild from the ledger. */
  pendingSeq: number | null
  /**
   * The ledger entries of the batch that set `pendingSeq`, claimed in the same write: a rebuild writes
   * those still missing before it counts, so the batch is rolled forward whole. A stalled worker whose
   * writes land after the rebuild then only repeats entries already counted.
   */
  pending?: { seq: number; entries: LedgerEntry[] }
  /**
   * The seq at which the counters were last rebuilt or repaired from the whole ledger. A replica whose
   * cache is older reads the whole ledger too, rather than only the entries since its seq: a rebuild
   * may count entries a stalled writer left below that seq (a claim too big to carry its entries).
   */
  rebuiltSeq?: number
  types: TypeRecord[]
  /** Absent: none yet. Counted from the ledger like the types' counters. */
  vouchers?: VoucherRecord[]
  /** Shared capacity of several types; absent: none. Plain settings: what they count is their types'. */
  pools?: PoolRecord[]
  /** Ids of removed types and pools that were created under an Idempotency-Key (the newest last, at most 1,000): a late retry must not bring one back. */
  removed?: string[]
  updatedAt: Date
}

interface LedgerBase {
  _id: string
  eventId: string
  orderId: string
  /** The batch that wrote it. */
  seq: number
  at: Date
}
/** `${orderId}:hold` */
export interface HoldEntry extends LedgerBase {
  kind: 'hold'
  userId: string
  items: HeldLine[]
  currency: string
  /** After the voucher's discount, when it used one. */
  totalCents: number
  voucher?: AppliedVoucher
  expiresAt: Date
}
/** `${orderId}:settle` — confirm, release and expiry share this id: exactly one of them ever happens. */
export interface SettleEntry extends LedgerBase {
  kind: 'settle'
  outcome: SettleOutcome
  reason: SettleReason
  /** Released by ticketing itself, because its ticket type was removed (orders learns it from a fact). */
  withdrawn?: true
}
/** `${orderId}:refund` — at most one whole refund returns stock (what the order's parts left of it). */
export interface RefundEntry extends LedgerBase {
  kind: 'refund'
}
/** `${orderId}:refund:${n}` — part `n` of the order refunded: those tickets return to stock, once. */
export interface RefundPartEntry extends LedgerBase {
  kind: 'refund-part'
  n: number
  /** `seats`: of a seated type, which of the order's seats went back. */
  items: Array<{ ticketTypeId: string; quantity: number; seats?: string[] }>
}
export type LedgerEntry = HoldEntry | SettleEntry | RefundEntry | RefundPartEntry

export const ledgerId = {
  hold: (orderId: string) => `${orderId}:hold`,
  settle: (orderId: string) => `${orderId}:settle`,
  refund: (orderId: string) => `${orderId}:refund`,
  refundPart: (orderId: string, n: number) => `${orderId}:refund:${n}`,
}

export function defineModels(conn: Connection) {
  const Inventory =
    (conn.models.Inventory as mongoose.Model<InventoryDoc>) ??
    conn.model<InventoryDoc>(
      'Inventory',
      new mongoose.Schema<InventoryDoc>(
        { _id: String, seq: Number, pendingSeq: { type: Number, default: null }, types: [mongoose.Schema.Types.Mixed], vouchers: { type: [mongoose.Schema.Types.Mixed], default: undefined }, pools: { type: [mongoose.Schema.Types.Mixed], default: undefined }, removed: { type: [String], default: undefined }, updatedAt: Date },
        { versionKey: false, collection: 'inventories' },
      ),
    )
  const ledgerSchema = new mongoose.Schema<LedgerEntry>(
    {
      _id: String,
      kind: String,
      eventId: String,
      orderId: String,
      seq: Number,
      at: Date,
      userId: String,
      items: [mongoose.Schema.Types.Mixed],
      currency: String,
      totalCents: Number,
      voucher: mongoose.Schema.Types.Mixed,
      expiresAt: Date,
      outcome: String,
      reason: String,
      withdrawn: Boolean,
      // A refund's part: its number (its items are in `items`).
      n: Number,
    },
    { versionKey: false, collection: 'ledger', strict: false },
  )
  // Rebuilds and cold loads read one event's entries.
  ledgerSchema.index({ eventId: 1, seq: 1 })
  const Ledger = (conn.models.Ledger as mongoose.Model<LedgerEntry>) ?? conn.model<LedgerEntry>('Ledger', ledgerSchema)
  return { Inventory, Ledger }
}
export type Models = ReturnType<typeof defineModels>
