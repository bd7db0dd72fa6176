// A credit note as a PDF (one A4 page): the document that cancels an invoice, in full or in part,
// when an invoiced order's tickets are refunded. Its own number, the invoice it cancels, the issuer
// and who it is made out to as the invoice says, the tickets taken back with the tax per rate, and
// the amount credited.
import { GREY, openPdf, type TicketFonts } from './render'
import { paper, type BillTo, type PrintedEvent, type PrintedLine, type TaxRow } from './paper'

export interface CreditNoteInput {
  number: string
  issuedAt: string
  /** The invoice it cancels, and whether in full (the whole order refunded at once). */
  invoiceNumber: string
  inFull: boolean
  orderId: string
  issuer: { name: string; address?: string; taxId?: string }
  billTo?: BillTo
  buyerEmail?: string
  event: PrintedEvent | null
  lines: PrintedLine[]
  taxes?: TaxRow[]
  totalCents: number
  currency: string
  refundedAt: string
  reason?: string
  /** The card the money goes back to. */
  cardLast4?: string
}

export function renderCreditNotePdf(fonts: TicketFonts, input: CreditNoteInput): Promise<Buffer> {
  const { doc, text, done } = openPdf(fonts, `Credit note ${input.number}`, input.orderId, true)
  const page = paper(doc, text, fonts, input.currency)
  const { line, row, rule, date } = page

  line('Credit note', 'bold', 24)
  doc.moveDown(0.3)
  line(`Credit note number ${input.number}, issued ${date(input.issuedAt)}`, 'regular', 11, GREY)
  line(`Cancels invoice ${input.invoiceNumber} ${input.inFull ? 'in full' : 'in part'}; order ${input.orderId}`, 'regular', 11, GREY)
  page.customer(input.billTo, input.buyerEmail)
  page.issuer(input.issuer)
  doc.moveDown(1)

  page.event(input.event)
  doc.moveDown(1)

  rule()
  const taxed = !!input.taxes?.length
  page.lines(input.lines, taxed, true)
  // Lines sold before each kept its share of a voucher: the discount, as the invoice had it.
  const listed = input.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0)
  if (listed > input.totalCents) row('Less the discount the order had', page.money(listed - input.totalCents))
  rule()
  row('Total credited', page.minus(input.totalCents), 'bold')
  page.taxes(input.taxes, true)
  doc.moveDown(0.8)

  const tickets = input.lines.reduce((sum, l) => sum + l.quantity, 0)
  line(`Refunded on ${date(input.refundedAt)}${input.reason ? ` (${input.reason})` : ''}: ${tickets === 1 ? 'this ticket is' : `these ${tickets} tickets are`} no longer valid.`)
  if (input.totalCents > 0) line(`The amount goes back to the card it was paid with${input.cardLast4 ? ` (ending ${input.cardLast4})` : ''}.`)
  doc.moveDown(2)
  line(taxed ? 'Amounts include the tax shown.' : 'No tax is included in these amounts.', 'regular', 9, GREY)
  doc.end()
  return done
}
