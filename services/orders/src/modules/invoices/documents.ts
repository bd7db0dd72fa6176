// An order's invoice documents: who its invoice is made out to (the buyer's billing details, which
// may change until the invoice is issued and never after), and a credit note for each refund of an
// invoiced order (tickets given back on their own, or the rest of the order), each with its own
// number from the invoices' sequence. A credit note is issued when it is first asked for (listed,
// downloaded, or attached to the refund's email), as invoices are, and kept as issued.
import type { Principal } from '@easypass/contracts'
import type { BillingDetails, InvoiceDocument, OrderBilling } from '@easypass/contracts/orders'
import { fail, isDuplicateOnly, type Logger } from '@easypass/kit'
import type { TicketsPdfRenderer } from '@easypass/tickets-pdf'
import type { BillingDoc, BillingProfileDoc, CreditDoc, CreditLine, InvoiceDoc, Models, OrderDoc, RefundPartDoc } from '../../db'
import type { CatalogClient, PaymentsClient } from '../../clients'
import type { OrderLocks } from '../coordination'
import type { RefundsService } from '../refunds/service'
import { isCharged, statusOf, toldIn, type OrderState } from '../orders/store'
import { ticketIdsOf } from '../tickets/service'
import { eventToPrint, renderFailure } from '../tickets/pdf'
import { billToOf, creditNoteId, type InvoiceNumbers } from './service'
import { printedLine, heldByRate, taxesFromGross, taxesOf, ticketPrices, type TaxLine, type TicketPrice } from './taxes'

export interface InvoiceDocumentsDeps {
  models: Pick<Models, 'Billing' | 'BillingProfile'>
  invoices: InvoiceNumbers
  refunds: Pick<RefundsService, 'partsOf'>
  payments: Pick<PaymentsClient, 'orderPayment'>
  catalog: CatalogClient
  renderer: TicketsPdfRenderer
  locks: Pick<OrderLocks, 'acquire'>
  /** An issuer is configured: paid orders get invoices. */
  invoicing: boolean
  log: Logger
}

/**
 * What a printed line may not carry: control and format characters (as names on tickets: C0, C1, and
 * the direction marks that would make a name read otherwise than typed), line and paragraph separators.
 */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u

/** The details as kept: trimmed, the address one line per line (any line break), blanks refused. */
function cleaned(body: BillingDetails): NonNullable<InvoiceDoc['billTo']> {
  const fields: Array<{ path: string; message: string }> = []
  const one = (path: keyof BillingDetails, multiline = false) => {
    const value = body[path]?.trim() ?? ''
    const lines = value.split(/\r\n|\r|\n/)
    if (lines.some((l) => CONTROL.test(l)) || (!multiline && lines.length > 1)) fields.push({ path, message: multiline ? 'must not contain control characters' : 'must be one line without control characters' })
    return lines.map((l) => l.trim()).filter(Boolean).join('\n')
  }
  const name = one('name')
  const company = one('company')
  const address = one('address', true)
  const taxId = one('taxId')
  if (!name) fields.push({ path: 'name', message: 'must not be blank' })
  if (!address) fields.push({ path: 'address', message: 'must not be blank' })
  if (fields.length) throw fail('VALIDATION', fields.map((f) => `${f.path} ${f.message}`).join('; '), { fields })
  return { name, ...(company ? { company } : {}), address, ...(taxId ? { taxId } : {}) }
}

/** Tickets of the order as printed lines: one per ticket type and price (the lines' voucher shares make prices differ by a cent). */
function creditLines(doc: OrderDoc, prices: Map<string, TicketPrice>, ids: readonly string[]): { lines: CreditLine[]; totalCents: number } {
  const names = new Map(doc.items.map((i) => [i.ticketTypeId, i.name]))
  const lines = new Map<string, CreditLine>()
  let totalCents = 0
  for (const id of ids) {
    const price = prices.get(id)
    if (!price) continue
    const key = `${price.ticketTypeId}:${price.cents}:${price.rateBasisPoints}`
    const line = lines.get(key)
    if (line) line.quantity++
    else lines.set(key, { name: names.get(price.ticketTypeId) ?? 'Ticket', quantity: 1, unitPriceCents: price.cents, ...(price.rateBasisPoints ? { taxRateBasisPoints: price.rateBasisPoints } : {}) })
    totalCents += price.cents
  }
  return { lines: [...lines.values()], totalCents }
}

/**
 * The tax a refund takes back, per rate: the tax of what the order held before it less the tax of what
 * it holds after it (its standing tickets, worth what is left of its money), each rounded as the
 * invoice rounds (once per rate). The credit notes of an order so add up to its invoice's tax, and
 * what is left to what the sales report counts.
 */
function taxTakenBack(doc: OrderDoc, paidCents: number, before: readonly RefundPartDoc[], after: readonly RefundPartDoc[] | 'all'): TaxLine[] {
  const standing = after === 'all' ? new Map<number, number>() : heldByRate(doc, after, paidCents)
  const left = new Map(taxesFromGross(standing).map((t) => [t.rateBasisPoints, t]))
  return taxesFromGross(heldByRate(doc, before, paidCents))
    .map((b) => {
      const a = left.get(b.rateBasisPoints)
      return { rateBasisPoints: b.rateBasisPoints, netCents: b.netCents - (a?.netCents ?? 0), taxCents: b.taxCents - (a?.taxCents ?? 0), grossCents: b.grossCents - (a?.grossCents ?? 0) }
    })
    .filter((t) => t.grossCents !== 0)
}

/** What the credit note of a refund says: the part's tickets, or every ticket the parts left. */
function creditOf(state: OrderState, invoice: InvoiceDoc, parts: readonly RefundPartDoc[], part?: RefundPartDoc): CreditDoc {
  const { doc } = state
  const all = ticketIdsOf(doc)
  const partsBefore = parts.filter((p) => !part || p.n < part.n)
  const givenBefore = new Set(partsBefore.flatMap((p) => p.ticketIds))
  const ids = part ? part.ticketIds : all.filter((id) => !givenBefore.has(id))
  const taxed = doc.items.some((i) => i.taxRateBasisPoints)
  const at = part ? part.at : state.refund!.at
  const reason = part ? part.reason : state.refund?.reason
  const common = {
    orderId: doc._id,
    invoiceNumber: invoice.number,
    ...(part ? { part: part.n } : {}),
    // The whole order at once: the invoice cancelled in full; any refund before or after it: in part.
    inFull: !part && !parts.length,
    tickets: ids.length,
    currency: doc.currency,
    refundedAt: at,
    ...(reason ? { reason } : {}),
    ...(partsBefore.some((p) => !p.ticketIds.length && p.amountCents > 0) ? { givenBackBefore: true } : {}),
  }
  const prices = ticketPrices(doc)
  if (prices) {
    const { lines } = creditLines(doc, prices, ids)
    // The rest: what the parts left of the money paid (the standing tickets' prices, unless some
    // money was given back without tickets).
    const paid = isCharged(state) ? doc.totalCents : 0
    const totalCents = part ? part.amountCents : Math.max(0, paid - partsBefore.reduce((sum, p) => sum + p.amountCents, 0))
    return { ...common, lines, taxes: taxed ? taxTakenBack(doc, paid, partsBefore, part ? [...partsBefore, part] : 'all') : [], totalCents }
  }
  // Sold before lines kept their share of a voucher (refunded whole only): its lines and its total.
  return { ...common, lines: doc.items.map(printedLine), taxes: taxesOf(doc.items, doc.totalCents), totalCents: doc.totalCents }
}

export function invoiceDocuments({ models, invoices, refunds, payments, catalog, renderer, locks, invoicing, log }: InvoiceDocumentsDeps) {
  const { Billing, BillingProfile } = models

  /**
   * The credit notes of the order's refunds so far, issued now when missing (in the order of the refunds).
   * Only of refunds carried out: a numbered credit note is never issued for money that has not gone
   * back (a part still under way, or one the gateway refused, which stays open for a person to see to).
   */
  async function creditNotes(state: OrderState, invoice: InvoiceDoc): Promise<InvoiceDoc[]> {
    const parts = await refunds.partsOf(state.doc._id)
    const notes: InvoiceDoc[] = []
    for (const part of parts) if (part.doneAt) notes.push(await invoices.issueCreditNote(creditNoteId(state.doc._id, part.n), invoice, creditOf(state, invoice, parts, part)))
    if (state.refund && state.refundDone) notes.push(await invoices.issueCreditNote(creditNoteId(state.doc._id), invoice, creditOf(state, invoice, parts)))
    return notes
  }

  async function billingOf(orderId: string): Promise<OrderBilling> {
    const [billing, invoice] = await Promise.all([Billing.findById(orderId).lean<BillingDoc>(), invoices.existing(orderId)])
    // Once issued, what the invoice says is what counts.
    const details = invoice ? (invoice.billTo ?? null) : billing ? billToOf(billing) : null
    return { orderId, billing: details, ...(invoice ? { invoiceNumber: invoice.number } : {}), editable: !invoice, invoices: invoicing }
  }

  /**
   * Changes the billing details of an order that may still get an invoice (reserved, being paid,
   * paid) and has none yet, under the order's lock, as the invoice is issued: a change lands before
   * the invoice reads the details, or is refused after.
   */
  async function changeBilling(state: OrderState, change: (orderId: string) => Promise<unknown>): Promise<OrderBilling> {
    const status = statusOf(state)
    if (status !== 'reserved' && status !== 'pending' && status !== 'paid') throw fail('CONFLICT', `the order is ${status}: it gets no invoice, so it takes no billing details`)
    const orderId = state.doc._id
    const lock = await locks.acquire(orderId)
    try {
      const invoice = await invoices.existing(orderId)
      if (invoice)
        throw fail('CONFLICT', `invoice ${invoice.number} was issued for this order${invoice.billTo ? ` to ${invoice.billTo.name}` : ''}: its details no longer change`, { invoiceNumber: invoice.number })
      await change(orderId)
    } finally {
      await lock.release()
    }
    return billingOf(orderId)
  }

  return {
    creditNotes,
    billingOf,

    /**
     * Sets who the order's invoice is made out to. The buyer's own details are also kept for their next
     * order (an admin's change of them is not); best effort, the order's details are what counts.
     */
    async setBilling(state: OrderState, principal: Principal, body: BillingDetails): Promise<OrderBilling> {
      const details = cleaned(body)
      const answer = await changeBilling(state, (orderId) => Billing.replaceOne({ _id: orderId }, { ...details, by: principal.id, at: new Date() }, { upsert: true }))
      // (An order sold at the door or given away is under the seller's id: its details are the buyer's.)
      if (principal.id === state.doc.userId && !state.doc.boxOffice && !state.doc.complimentary) {
        // Two orders' details saved at once by one buyer: the last write wins (a lost race is tried once more).
        const keep = () => BillingProfile.replaceOne({ _id: principal.id }, { ...details, at: new Date() }, { upsert: true })
        await keep()
          .catch((error) => (isDuplicateOnly(error) ? keep() : Promise.reject(error)))
          .catch((error) => log.warn({ userId: principal.id, err: String(error) }, 'billing details not kept for the next order'))
      }
      return answer
    },

    /** The buyer's details from their last order, to fill in the next one (null: none kept). */
    async savedDetails(userId: string): Promise<BillingDetails | null> {
      const profile = await BillingProfile.findById(userId).lean<BillingProfileDoc>()
      return profile ? billToOf({ ...profile, by: userId }) : null
    },

    /** Forgets them (the orders' own details and invoices stay). */
    async forgetDetails(userId: string): Promise<void> {
      await BillingProfile.deleteOne({ _id: userId })
    },

    /** Takes the details back: the invoice names the buyer by email. */
    clearBilling(state: OrderState): Promise<OrderBilling> {
      return changeBilling(state, (orderId) => Billing.deleteOne({ _id: orderId }))
    },

    /** The order's invoice and credit notes, oldest first (none before its invoice is issued). */
    async list(state: OrderState): Promise<InvoiceDocument[]> {
      const invoice = await invoices.existing(state.doc._id)
      if (!invoice) return []
      const notes = await creditNotes(state, invoice)
      return [
        { kind: 'invoice', number: invoice.number, issuedAt: invoice.issuedAt.toISOString(), totalCents: state.doc.totalCents, currency: state.doc.currency },
        ...notes.map(({ number, issuedAt, credit }) => ({
          kind: 'credit-note' as const,
          number,
          issuedAt: issuedAt.toISOString(),
          totalCents: credit!.totalCents,
          currency: credit!.currency,
          invoiceNumber: credit!.invoiceNumber,
          tickets: credit!.tickets,
          ...(credit!.part ? { refundPart: credit!.part } : {}),
        })),
      ]
    },

    /**
     * A credit note as a PDF: by its number (`number`), or the one of refund part `part` (0: the rest)
     * for the refund's email. Null when the order has no invoice (and so no credit note).
     */
    async creditNotePdf(state: OrderState, which: { number: string } | { part: number }): Promise<{ filename: string; pdf: Buffer } | null> {
      const invoice = await invoices.existing(state.doc._id)
      if (!invoice) return null
      const notes = await creditNotes(state, invoice)
      const note = 'number' in which ? notes.find((n) => n.number === which.number) : notes.find((n) => (n.credit!.part ?? 0) === which.part)
      if (!note && 'part' in which) {
        // The refund's fact goes out as its money has gone back, a moment before its done mark (or, after
        // a crash in between, until the reconciler finishes it): its credit note comes then, not never.
        const underWay = which.part === 0 ? !!state.refund && !state.refundDone : (await refunds.partsOf(state.doc._id)).some((p) => p.n === which.part && !p.doneAt)
        if (underWay) throw fail('UNAVAILABLE', 'the refund is being carried out: its credit note is issued once it is done')
      }
      if (!note) return null
      const credit = note.credit!
      const payment = isCharged(state) && credit.totalCents > 0 && !state.doc.boxOffice ? await payments.orderPayment(state.doc._id).catch(() => null) : null
      const event = await eventToPrint(catalog, state, log, true)
      try {
        const pdf = await renderer.creditNote({
          ...toldIn(state.doc),
          number: note.number,
          issuedAt: note.issuedAt.toISOString(),
          invoiceNumber: credit.invoiceNumber,
          inFull: credit.inFull,
          orderId: state.doc._id,
          issuer: note.issuer,
          ...(note.billTo ? { billTo: note.billTo } : state.doc.userEmail ? { buyerEmail: state.doc.userEmail } : {}),
          event,
          lines: credit.lines,
          ...(credit.taxes.length ? { taxes: credit.taxes } : {}),
          totalCents: credit.totalCents,
          currency: credit.currency,
          refundedAt: credit.refundedAt.toISOString(),
          ...(credit.reason ? { reason: credit.reason } : {}),
          ...(payment?.cardLast4 ? { cardLast4: payment.cardLast4 } : {}),
          ...(state.doc.boxOffice ? { paidAtTheDoor: state.doc.boxOffice.paidWith } : {}),
          ...(credit.givenBackBefore ? { givenBackBefore: true } : {}),
        })
        return { filename: `easypass-credit-note-${note.number}.pdf`, pdf }
      } catch (error) {
        renderFailure(error, state.doc._id, log)
      }
    },
  }
}
export type InvoiceDocuments = ReturnType<typeof invoiceDocuments>
