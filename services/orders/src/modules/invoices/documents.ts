// An order's invoice documents: who its invoice is made out to (the buyer's billing details, which
// may change until the invoice is issued and never after), and a credit note for each refund of an
// invoiced order (tickets given back on their own, or the rest of the order), each with its own
// number from the invoices' sequence. A credit note is issued when it is first asked for (listed,
// downloaded, or attached to the refund's email), as invoices are, and kept as issued.
import type { Principal } from '@easypass/contracts'
import type { BillingDetails, InvoiceDocument, OrderBilling } from '@easypass/contracts/orders'
import { fail, type Logger } from '@easypass/kit'
import type { TicketsPdfRenderer } from '@easypass/tickets-pdf'
import type { BillingDoc, CreditDoc, CreditLine, InvoiceDoc, Models, OrderDoc, RefundPartDoc } from '../../db'
import type { CatalogClient, PaymentsClient } from '../../clients'
import type { RefundsService } from '../refunds/service'
import { statusOf, type OrderState } from '../orders/store'
import { ticketIdsOf } from '../tickets/service'
import { eventToPrint, renderFailure } from '../tickets/pdf'
import { billToOf, creditNoteId, type InvoiceNumbers } from './service'
import { taxesFromGross, taxesOf, ticketPrices } from './taxes'

export interface InvoiceDocumentsDeps {
  models: Pick<Models, 'Billing'>
  invoices: InvoiceNumbers
  refunds: Pick<RefundsService, 'partsOf'>
  payments: Pick<PaymentsClient, 'orderPayment'>
  catalog: CatalogClient
  renderer: TicketsPdfRenderer
  log: Logger
}

/** Letters a printed line may not carry (a newline only in the address). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/

function cleaned(body: BillingDetails): Omit<BillingDoc, '_id' | 'by' | 'at'> {
  const fields: Array<{ path: string; message: string }> = []
  const one = (path: keyof BillingDetails, multiline = false) => {
    const value = body[path]?.trim() ?? ''
    if (CONTROL.test(value) || (!multiline && /[\n\t]/.test(value))) fields.push({ path, message: 'must not contain control characters' })
    return multiline ? value.split('\n').map((l) => l.trim()).filter(Boolean).join('\n') : value
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

const sameBillTo = (a: InvoiceDoc['billTo'], b: InvoiceDoc['billTo']) =>
  (['name', 'company', 'address', 'taxId'] as const).every((k) => (a?.[k] ?? '') === (b?.[k] ?? '')) && !a === !b

/** The tickets `ids` of the order as credit note lines (one per ticket type and price) and their gross per tax rate. */
function creditLines(doc: OrderDoc, ids: readonly string[]): { lines: CreditLine[]; gross: Map<number, number>; totalCents: number } | null {
  const prices = ticketPrices(doc)
  if (!prices) return null
  const names = new Map(doc.items.map((i) => [i.ticketTypeId, i.name]))
  const lines = new Map<string, CreditLine>()
  const gross = new Map<number, number>()
  let totalCents = 0
  for (const id of ids) {
    const price = prices.get(id)
    if (!price) continue
    const key = `${price.ticketTypeId}:${price.cents}:${price.rateBasisPoints}`
    const line = lines.get(key)
    if (line) line.quantity++
    else lines.set(key, { name: names.get(price.ticketTypeId) ?? 'Ticket', quantity: 1, unitPriceCents: price.cents, ...(price.rateBasisPoints ? { taxRateBasisPoints: price.rateBasisPoints } : {}) })
    gross.set(price.rateBasisPoints, (gross.get(price.rateBasisPoints) ?? 0) + price.cents)
    totalCents += price.cents
  }
  return { lines: [...lines.values()], gross, totalCents }
}

/** What the credit note of a refund says: the part's tickets, or every ticket the parts left. */
export function creditOf(state: OrderState, invoice: InvoiceDoc, parts: readonly RefundPartDoc[], part?: RefundPartDoc): CreditDoc {
  const { doc } = state
  const given = new Set(parts.flatMap((p) => p.ticketIds))
  const ids = part ? part.ticketIds : ticketIdsOf(doc).filter((id) => !given.has(id))
  const taxed = doc.items.some((i) => i.taxRateBasisPoints)
  const priced = creditLines(doc, ids)
  const charged = doc.totalCents > 0 || !!state.settle?.paymentId
  const at = part ? part.at : state.refund!.at
  const reason = part ? part.reason : state.refund?.reason
  const common = { orderId: doc._id, invoiceNumber: invoice.number, ...(part ? { part: part.n } : {}), tickets: ids.length, currency: doc.currency, refundedAt: at, ...(reason ? { reason } : {}) }
  if (priced) {
    const totalCents = part ? part.amountCents : charged ? priced.totalCents : 0
    return { ...common, lines: priced.lines, taxes: taxed && totalCents === priced.totalCents ? taxesFromGross(priced.gross) : [], totalCents }
  }
  // Sold before lines kept their share of a voucher (refunded whole only): its lines and its total.
  const lines = doc.items.map(({ name, quantity, unitPriceCents, taxRateBasisPoints }) => ({ name, quantity, unitPriceCents, ...(taxRateBasisPoints ? { taxRateBasisPoints } : {}) }))
  return { ...common, lines, taxes: taxesOf(doc.items, doc.totalCents), totalCents: doc.totalCents }
}

export function invoiceDocuments({ models, invoices, refunds, payments, catalog, renderer, log }: InvoiceDocumentsDeps) {
  const { Billing } = models

  /** The credit notes of the order's refunds so far, issued now when missing (in the order of the refunds). */
  async function creditNotes(state: OrderState, invoice: InvoiceDoc): Promise<InvoiceDoc[]> {
    const parts = await refunds.partsOf(state.doc._id)
    const notes: InvoiceDoc[] = []
    for (const part of parts) notes.push(await invoices.issueCreditNote(creditNoteId(state.doc._id, part.n), invoice, creditOf(state, invoice, parts, part)))
    if (state.refund) notes.push(await invoices.issueCreditNote(creditNoteId(state.doc._id), invoice, creditOf(state, invoice, parts)))
    return notes
  }

  async function billingOf(orderId: string): Promise<OrderBilling> {
    const [billing, invoice] = await Promise.all([Billing.findById(orderId).lean<BillingDoc>(), invoices.existing(orderId)])
    // Once issued, what the invoice says is what counts.
    const details = invoice ? (invoice.billTo ?? null) : billing ? billToOf(billing) : null
    return { orderId, billing: details, ...(invoice ? { invoiceNumber: invoice.number } : {}), editable: !invoice }
  }

  return {
    creditNotes,
    billingOf,

    /**
     * The billing details of an order that may still get an invoice (reserved, being paid, paid) and
     * has none yet. Of a change and an invoice issued at the same moment, the invoice keeps what it
     * read, and the change is answered 409 unless the invoice reads the same.
     */
    async setBilling(state: OrderState, principal: Principal, body: BillingDetails): Promise<OrderBilling> {
      const details = cleaned(body)
      const status = statusOf(state)
      if (status !== 'reserved' && status !== 'pending' && status !== 'paid')
        throw fail('CONFLICT', `the order is ${status}: it gets no invoice, so it takes no billing details`)
      const orderId = state.doc._id
      const issued = (invoice: InvoiceDoc) =>
        fail('CONFLICT', `invoice ${invoice.number} was issued for this order${invoice.billTo ? ` to ${invoice.billTo.name}` : ''}: its details no longer change`, { invoiceNumber: invoice.number })
      const before = await invoices.existing(orderId)
      if (before) throw issued(before)
      await Billing.replaceOne({ _id: orderId }, { ...details, by: principal.id, at: new Date() }, { upsert: true })
      const after = await invoices.existing(orderId)
      if (after && !sameBillTo(after.billTo, details)) throw issued(after)
      return billingOf(orderId)
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
      if (!note) return null
      const credit = note.credit!
      const charged = state.doc.totalCents > 0 || !!state.settle?.paymentId
      let payment: Awaited<ReturnType<typeof payments.orderPayment>> = null
      if (charged && credit.totalCents > 0) payment = await payments.orderPayment(state.doc._id).catch(() => null)
      const event = await eventToPrint(catalog, state, log, true)
      try {
        const pdf = await renderer.creditNote({
          number: note.number,
          issuedAt: note.issuedAt.toISOString(),
          invoiceNumber: credit.invoiceNumber,
          inFull: !credit.part && !(await refunds.partsOf(state.doc._id)).length,
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
        })
        return { filename: `easypass-credit-note-${note.number}.pdf`, pdf }
      } catch (error) {
        renderFailure(error, state.doc._id, log)
      }
    },
  }
}
export type InvoiceDocuments = ReturnType<typeof invoiceDocuments>
