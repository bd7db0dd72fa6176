// Invoice numbers: one per order, given at its first invoice and the same ever after, from one
// sequence without gaps or repeats. The next number is the highest one given plus one, inserted with
// the order's id: a unique index on the number and the `_id` make the database the judge. Of two
// orders drawing at once, one gets the number and the other draws again; of two first downloads of
// one order, one inserts and the other finds it. A number exists only once it is stored, so none is
// lost. The invoice keeps who issued it, so it reads the same after the issuer's details change.
import { fail, isDuplicateOnly } from '@easypass/kit'
import type { InvoiceDoc, Models } from '../../db'

export interface InvoiceIssuer {
  name: string
  address?: string
  taxId?: string
}

/** Draws again this often at most when other invoices keep taking the next number first. */
const ATTEMPTS = 20

export function invoiceNumbers({ models, numberPrefix }: { models: Pick<Models, 'Invoice'>; numberPrefix: string }) {
  const { Invoice } = models
  return {
    /** The order's invoice, when it has one. */
    existing: (orderId: string) => Invoice.findById(orderId).lean<InvoiceDoc>(),

    /** The order's invoice: the one it has, or a new one from `issuer` with the next number. */
    async issue(orderId: string, issuer: InvoiceIssuer): Promise<InvoiceDoc> {
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        const existing = await Invoice.findById(orderId).lean<InvoiceDoc>()
        if (existing) return existing
        const highest = await Invoice.findOne({}, { seq: 1 }).sort({ seq: -1 }).lean<Pick<InvoiceDoc, 'seq'>>()
        const seq = (highest?.seq ?? 0) + 1
        const doc: InvoiceDoc = { _id: orderId, seq, number: `${numberPrefix}${String(seq).padStart(6, '0')}`, issuer, issuedAt: new Date() }
        try {
          await Invoice.create(doc)
          return doc
        } catch (error) {
          // This number went to another order, or this order's invoice to another request: look again.
          if (!isDuplicateOnly(error)) throw error
        }
      }
      throw fail('UNAVAILABLE', 'many invoices are being issued at once; try again in a moment', { retryAfterSeconds: 1 })
    },
  }
}
export type InvoiceNumbers = ReturnType<typeof invoiceNumbers>
