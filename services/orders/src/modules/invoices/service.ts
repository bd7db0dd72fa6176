// Invoice numbers: one per order, given at its first invoice and the same ever after, and one per
// credit note, all from one sequence without gaps or repeats. The next number is the highest one given
// plus one, inserted with the document's id: a unique index on the number and the `_id` make the
// database the judge. Of two documents drawing at once, one gets the number and the other draws
// again; of two first downloads of one order, one inserts and the other finds it. A number exists
// only once it is stored, so none is lost. A document keeps who issued it and who it is made out to,
// so it reads the same after the issuer's details or the buyer's change.
import { fail, isDuplicateOnly } from '@easypass/kit'
import type { BillingDoc, CreditDoc, InvoiceDoc, Models } from '../../db'
import type { OrderLocks } from '../coordination'

export interface InvoiceIssuer {
  name: string
  address?: string
  taxId?: string
}

/** Draws again this often at most when other invoices keep taking the next number first. */
const ATTEMPTS = 20

/** The credit note of an order's refund part `n`, or of the refund of the rest of it. */
export const creditNoteId = (orderId: string, part?: number) => `${orderId}:credit:${part ?? 'rest'}`

/** The billing details as an invoice keeps them. */
export const billToOf = ({ name, company, address, taxId }: BillingDoc): NonNullable<InvoiceDoc['billTo']> => ({
  name,
  ...(company ? { company } : {}),
  address,
  ...(taxId ? { taxId } : {}),
})

export function invoiceNumbers({ models, numberPrefix, locks }: { models: Pick<Models, 'Invoice' | 'Billing'>; numberPrefix: string; locks: Pick<OrderLocks, 'acquire'> }) {
  const { Invoice, Billing } = models

  /** The document `_id`: the one stored, or a new one made by `make` with the next number. */
  async function draw(_id: string, make: () => Omit<InvoiceDoc, '_id' | 'seq' | 'number' | 'issuedAt'>): Promise<InvoiceDoc> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const existing = await Invoice.findById(_id).lean<InvoiceDoc>()
      if (existing) return existing
      const highest = await Invoice.findOne({}, { seq: 1 }).sort({ seq: -1 }).lean<Pick<InvoiceDoc, 'seq'>>()
      const seq = (highest?.seq ?? 0) + 1
      const doc: InvoiceDoc = { _id, seq, number: `${numberPrefix}${String(seq).padStart(6, '0')}`, ...make(), issuedAt: new Date() }
      try {
        await Invoice.create(doc)
        return doc
      } catch (error) {
        // This number went to another document, or this document to another request: look again.
        if (!isDuplicateOnly(error)) throw error
      }
    }
    throw fail('UNAVAILABLE', 'many invoices are being issued at once; try again in a moment', { retryAfterSeconds: 1 })
  }

  return {
    /** The order's invoice, when it has one. */
    existing: (orderId: string) => Invoice.findById(orderId).lean<InvoiceDoc>(),

    /**
     * The order's invoice: the one it has, or a new one from `issuer`, made out as its billing details
     * say now. Under the order's lock, as changes of the details are: none lands between the read and
     * the invoice.
     */
    async issue(orderId: string, issuer: InvoiceIssuer): Promise<InvoiceDoc> {
      const existing = await Invoice.findById(orderId).lean<InvoiceDoc>()
      if (existing) return existing
      const lock = await locks.acquire(orderId)
      try {
        const billing = await Billing.findById(orderId).lean<BillingDoc>()
        return await draw(orderId, () => ({ issuer, ...(billing ? { billTo: billToOf(billing) } : {}) }))
      } finally {
        await lock.release()
      }
    },

    /** The credit note `_id` of `invoice`'s order: the one issued, or a new one saying `credit`. */
    issueCreditNote(_id: string, invoice: InvoiceDoc, credit: CreditDoc): Promise<InvoiceDoc> {
      return draw(_id, () => ({ issuer: invoice.issuer, ...(invoice.billTo ? { billTo: invoice.billTo } : {}), credit }))
    },
  }
}
export type InvoiceNumbers = ReturnType<typeof invoiceNumbers>
