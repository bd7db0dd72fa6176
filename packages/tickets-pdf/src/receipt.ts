// A paid order's receipt as a PDF (one A4 page): who sold what to whom, for how much, and how it was
// paid (and refunded), with the tax its prices include per rate. With an invoice (an issuer is
// configured) it is the invoice: its number, the issuer and their tax number, who it is made out to,
// and the credit notes that cancel it; otherwise it says it is not one.
import { languageOf, sayReason, type Language } from '@easypass/contracts/languages'
import { GREY, openPdf, type TicketFonts } from './render'
import { paper, type BillTo, type PrintedEvent, type PrintedLine, type TaxRow } from './paper'
import { WORDS } from './words'

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
  /** Sold at the door and paid there this way (no card payment): its refund is paid back there too. */
  paidAtTheDoor?: 'cash' | 'card-terminal'
  /** `done`: the money is back (payments says so); otherwise it is under way. */
  refund?: { amountCents: number; done?: boolean; at?: string; reason?: string }
  /** Tickets given back on their own while the order stands (`done`: the money is back). */
  partRefunds?: Array<{ tickets: number; amountCents: number; done: boolean; at: string; reason?: string }>
  /** The language it is printed in (absent: English). */
  language?: Language
}

export function renderReceiptPdf(fonts: TicketFonts, input: ReceiptInput): Promise<Buffer> {
  const invoice = input.invoice
  const lang = languageOf(input.language)
  const words = WORDS[lang]
  const { doc, text, done } = openPdf(fonts, invoice ? words.invoiceTitle(invoice.number) : words.receiptTitle(input.orderId), input.orderId, true, lang)
  const page = paper(doc, text, fonts, input.currency, lang)
  const { money, line, row, rule, date } = page

  const refunded = !!input.refund
  line(words.heading(!!invoice, refunded), 'bold', 24)
  doc.moveDown(0.3)
  if (invoice) {
    line(words.invoiceNumber(invoice.number, date(invoice.issuedAt)), 'regular', 11, GREY)
    line(words.order(input.orderId), 'regular', 11, GREY)
  } else line(words.receiptNumber(input.orderId), 'regular', 11, GREY)
  if (input.paidAt) line(words.paidOn(!!input.payment, date(input.paidAt)), 'regular', 11, GREY)
  page.customer(invoice?.billTo, input.buyerEmail)
  const organizer = input.event?.organizer?.trim()
  if (invoice) {
    page.issuer(invoice.issuer)
    if (organizer) line(words.forEventBy(organizer), 'regular', 11, GREY)
  } else line(words.soldBy(organizer), 'regular', 11, GREY)
  doc.moveDown(1)

  page.event(input.event)
  doc.moveDown(1)

  rule()
  const taxed = !!input.taxes?.length
  page.lines(input.items, taxed)
  if (input.voucher) row(words.voucher(input.voucher.code), page.minus(input.voucher.discountCents))
  rule()
  row(words.total, money(input.totalCents), 'bold')
  page.taxes(input.taxes)
  doc.moveDown(0.8)

  if (input.payment) {
    const card = [input.payment.brand, input.payment.last4 ? words.cardEnding(input.payment.last4) : ''].filter(Boolean).join(' ')
    line(words.paidByCard(card, input.payment.paymentId))
  }
  else if (input.paidAtTheDoor) line(words.paidAtTheDoor(input.paidAtTheDoor))
  else if (input.totalCents === 0) line(words.free)
  for (const part of input.partRefunds ?? []) {
    doc.moveDown(0.5)
    line(words.partRefund(part.done, money(part.amountCents), part.tickets, date(part.at), part.reason && sayReason(part.reason, lang)), 'bold', 11, '#000000', 4)
  }
  const refundAt = input.refund?.at ? date(input.refund.at) : undefined
  if (input.refund && input.paidAtTheDoor && input.refund.amountCents > 0) {
    doc.moveDown(0.5)
    line(words.refundedAtTheDoor(money(input.refund.amountCents), refundAt, input.refund.reason && sayReason(input.refund.reason, lang)), 'bold', 11, '#000000', 4)
  } else if (input.refund && !input.payment) {
    doc.moveDown(0.5)
    line(words.givenBack, 'bold')
  } else if (input.refund && !input.refund.done) {
    doc.moveDown(0.5)
    line(words.refundRequested(money(input.refund.amountCents), refundAt, input.refund.reason && sayReason(input.refund.reason, lang)), 'bold', 11, '#000000', 4)
  } else if (input.refund) {
    doc.moveDown(0.5)
    line(words.refunded(money(input.refund.amountCents), refundAt, input.refund.reason && sayReason(input.refund.reason, lang)), 'bold', 11, '#000000', 4)
  }
  doc.moveDown(2)
  if (invoice) {
    const notes = input.creditNotes ?? []
    const cancelled = notes.length
      ? words.creditNotesCancel(notes.map((n) => `${n.number} (${money(n.totalCents)})`), refunded)
      : refunded
        ? words.refundCancels
        : input.partRefunds?.length
          ? words.refundsCancel
          : ''
    line(`${words.invoiceTaxNote(taxed)}${cancelled}`, 'regular', 9, GREY)
  } else line(words.receiptTaxNote(taxed), 'regular', 9, GREY)
  doc.end()
  return done
}
