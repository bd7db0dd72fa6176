// A credit note as a PDF (one A4 page): the document that cancels an invoice, in full or in part,
// when an invoiced order's tickets are refunded. Its own number, the invoice it cancels, the issuer
// and who it is made out to as the invoice says, the tickets taken back with the tax per rate, and
// the amount credited.
import { languageOf, sayReason, type Language } from '@easypass/contracts/languages'
import { GREY, openPdf, type TicketFonts } from './render'
import { paper, type BillTo, type PrintedEvent, type PrintedLine, type TaxRow } from './paper'
import { WORDS } from './words'

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
  /** Sold at the door: the money is paid back there, not to a card. */
  paidAtTheDoor?: 'cash' | 'card-terminal'
  /** The language it is printed in (absent: English). */
  language?: Language
  /** Money was given back without tickets before: the tickets' prices are more than they now credit. */
  givenBackBefore?: boolean
}

export function renderCreditNotePdf(fonts: TicketFonts, input: CreditNoteInput): Promise<Buffer> {
  const lang = languageOf(input.language)
  const words = WORDS[lang]
  const { doc, text, done } = openPdf(fonts, words.creditNoteTitle(input.number), input.orderId, true, lang)
  const page = paper(doc, text, fonts, input.currency, lang)
  const { line, row, rule, date } = page

  line(words.creditNote, 'bold', 24)
  doc.moveDown(0.3)
  line(words.creditNoteNumber(input.number, date(input.issuedAt)), 'regular', 11, GREY)
  line(words.cancelsInvoice(input.invoiceNumber, input.inFull, input.orderId), 'regular', 11, GREY)
  page.customer(input.billTo, input.buyerEmail)
  page.issuer(input.issuer)
  doc.moveDown(1)

  page.event(input.event)
  doc.moveDown(1)

  rule()
  const taxed = !!input.taxes?.length
  // Money given back without tickets: a price reduction, a line per tax rate.
  const lines: PrintedLine[] = input.lines.length
    ? input.lines
    : taxed
      ? input.taxes!.map((t) => ({ name: words.priceReduction, quantity: 1, unitPriceCents: t.grossCents, taxRateBasisPoints: t.rateBasisPoints }))
      : [{ name: words.priceReduction, quantity: 1, unitPriceCents: input.totalCents }]
  page.lines(lines, taxed, true)
  // Lines sold before each kept its share of a voucher: the discount, as the invoice had it; or money
  // given back before without tickets, which the tickets' prices no longer count.
  const listed = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0)
  if (listed > input.totalCents) row(input.givenBackBefore ? words.lessGivenBack : words.lessDiscount, page.money(listed - input.totalCents))
  rule()
  row(words.totalCredited, page.minus(input.totalCents), 'bold')
  page.taxes(input.taxes, true)
  doc.moveDown(0.8)

  const tickets = input.lines.reduce((sum, l) => sum + l.quantity, 0)
  line(words.refundedOn(date(input.refundedAt), input.reason && sayReason(input.reason, lang), tickets), 'regular', 11, '#000000', 4)
  if (input.totalCents > 0) line(input.paidAtTheDoor ? words.backAtTheDoor : words.backToCard(input.cardLast4))
  doc.moveDown(2)
  line(words.creditTaxNote(taxed), 'regular', 9, GREY)
  doc.end()
  return done
}
