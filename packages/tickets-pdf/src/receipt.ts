// A paid order's receipt as a PDF (one A4 page): who sold what to whom, for how much, and how it was
// paid (and refunded), with the tax its prices include per rate. With an invoice (an issuer is
// configured) it is the invoice: its number, the issuer and their tax number, who it is made out to,
// and the credit notes that cancel it; otherwise it says it is not one.
import { GREY, openPdf, type TicketFonts } from './render'
import { paper, type BillTo, type PrintedEvent, type PrintedLine, type TaxRow } from './paper'

export interface ReceiptInput {
  orderId: string
  /** When it was paid (or confirmed, when free). */
  paidAt?: string
  buyerEmail?: string
  event: PrintedEvent | null
  items: PrintedLine[]
  /** The tax the total includes, per rate (none: no line carries a rate). */
  taxes?: TaxRow[]
  /** The order's invoice number, who issues it and who it is made out to (absent: the buyer, by email). */
  invoice?: { number: string; issuedAt: string; issuer: { name: string; address?: string; taxId?: string }; billTo?: BillTo }
  /** The invoice's credit notes so far (its refunds), by number. */
  creditNotes?: Array<{ number: string; totalCents: number }>
  currency: string
  voucher?: { code: string; discountCents: number }
  totalCents: number
  payment?: { brand?: string; last4?: string; paymentId: string }
  /** `done`: the money is back (payments says so); otherwise it is under way. */
  refund?: { amountCents: number; done?: boolean; at?: string; reason?: string }
  /** Tickets given back on their own while the order stands (`done`: the money is back). */
  partRefunds?: Array<{ tickets: number; amountCents: number; done: boolean; at: string; reason?: string }>
}

export function renderReceiptPdf(fonts: TicketFonts, input: ReceiptInput): Promise<Buffer> {
  const invoice = input.invoice
  const { doc, text, done } = openPdf(fonts, invoice ? `Invoice ${invoice.number}` : `Receipt ${input.orderId}`, input.orderId, true)
  const page = paper(doc, text, fonts, input.currency)
  const { money, line, row, rule, date } = page

  const refunded = !!input.refund
  const kind = invoice ? 'Invoice' : 'Receipt'
  line(refunded ? `${kind} (refunded)` : kind, 'bold', 24)
  doc.moveDown(0.3)
  if (invoice) {
    line(`Invoice number ${invoice.number}, issued ${date(invoice.issuedAt)}`, 'regular', 11, GREY)
    line(`Order ${input.orderId}`, 'regular', 11, GREY)
  } else line(`Receipt number ${input.orderId}`, 'regular', 11, GREY)
  if (input.paidAt) line(`${input.payment ? 'Paid' : 'Confirmed'} ${date(input.paidAt)}`, 'regular', 11, GREY)
  page.customer(invoice?.billTo, input.buyerEmail)
  const organizer = input.event?.organizer?.trim()
  if (invoice) {
    page.issuer(invoice.issuer)
    if (organizer) line(`For the event by ${organizer}`, 'regular', 11, GREY)
  } else line(organizer ? `Sold by ${organizer}, through EasyPass` : 'Sold through EasyPass', 'regular', 11, GREY)
  doc.moveDown(1)

  page.event(input.event)
  doc.moveDown(1)

  rule()
  const taxed = !!input.taxes?.length
  page.lines(input.items, taxed)
  if (input.voucher) row(`Voucher ${input.voucher.code}`, page.minus(input.voucher.discountCents))
  rule()
  row('Total', money(input.totalCents), 'bold')
  page.taxes(input.taxes)
  doc.moveDown(0.8)

  if (input.payment) {
    const card = [input.payment.brand, input.payment.last4 ? `ending ${input.payment.last4}` : ''].filter(Boolean).join(' ')
    line(`Paid by card${card ? ` (${card})` : ''}; payment ${input.payment.paymentId}.`)
  }
  else if (input.totalCents === 0) line('Nothing to pay: these tickets were free.')
  for (const part of input.partRefunds ?? []) {
    doc.moveDown(0.5)
    const what = `${part.tickets} ticket${part.tickets === 1 ? '' : 's'}`
    line(`${part.done ? 'Refunded' : 'Refund under way:'} ${money(part.amountCents)} for ${what} on ${date(part.at)}${part.reason ? ` (${part.reason})` : ''}; ${part.tickets === 1 ? 'it is' : 'they are'} no longer valid.`, 'bold')
  }
  if (input.refund && !input.payment) {
    doc.moveDown(0.5)
    line('Given back: the tickets are no longer valid.', 'bold')
  } else if (input.refund && !input.refund.done) {
    doc.moveDown(0.5)
    line(`Refund of ${money(input.refund.amountCents)} requested${input.refund.at ? ` on ${date(input.refund.at)}` : ''}${input.refund.reason ? ` (${input.refund.reason})` : ''}: it is under way to the same card. The tickets are no longer valid.`, 'bold')
  } else if (input.refund) {
    doc.moveDown(0.5)
    line(`Refunded ${money(input.refund.amountCents)}${input.refund.at ? ` on ${date(input.refund.at)}` : ''} to the same card${input.refund.reason ? ` (${input.refund.reason})` : ''}. The tickets are no longer valid.`, 'bold')
  }
  doc.moveDown(2)
  if (invoice) {
    const notes = input.creditNotes ?? []
    const cancelled = notes.length
      ? ` ${notes.length === 1 ? 'Credit note' : 'Credit notes'} ${notes.map((n) => `${n.number} (${money(n.totalCents)})`).join(', ')} ${notes.length === 1 ? 'cancels' : 'cancel'} this invoice ${refunded ? 'in full' : 'in part'}.`
      : refunded
        ? ' The refund cancels this invoice in full.'
        : input.partRefunds?.length
          ? ' The refunds above cancel this invoice in part.'
          : ''
    line(`${taxed ? 'Prices include the tax shown.' : 'No tax is included in these prices.'}${cancelled}`, 'regular', 9, GREY)
  } else line(`Prices include ${taxed ? 'the tax shown' : 'any taxes the organiser charges'}. This receipt is not a tax invoice.`, 'regular', 9, GREY)
  doc.end()
  return done
}
