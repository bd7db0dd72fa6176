// A paid order's receipt as a PDF (one A4 page): who sold what to whom, for how much, and how it was
// paid (and refunded), with the tax its prices include per rate. With an invoice (an issuer is
// configured) it is the invoice: its number, the issuer and their tax number; otherwise it says it
// is not one.
import { formatDate, formatMoney } from '@easypass/kit'
import { GREY, openPdf, PAGE, type TicketFonts } from './render'

export interface ReceiptInput {
  orderId: string
  /** When it was paid (or confirmed, when free). */
  paidAt?: string
  buyerEmail?: string
  event: { title?: string; startsAt?: string; venue?: { name?: string; address?: string; city?: string }; organizer?: string } | null
  items: Array<{ name: string; quantity: number; unitPriceCents: number; taxRateBasisPoints?: number }>
  /** The tax the total includes, per rate (none: no line carries a rate). */
  taxes?: Array<{ rateBasisPoints: number; netCents: number; taxCents: number; grossCents: number }>
  /** The order's invoice number and who issues it. */
  invoice?: { number: string; issuedAt: string; issuer: { name: string; address?: string; taxId?: string } }
  currency: string
  voucher?: { code: string; discountCents: number }
  totalCents: number
  payment?: { brand?: string; last4?: string; paymentId: string }
  /** `done`: the money is back (payments says so); otherwise it is under way. */
  refund?: { amountCents: number; done?: boolean; at?: string; reason?: string }
  /** Tickets given back on their own while the order stands (`done`: the money is back). */
  partRefunds?: Array<{ tickets: number; amountCents: number; done: boolean; at: string; reason?: string }>
}

/** 1900 → "19%", 550 → "5.5%". */
export const percent = (basisPoints: number) => `${basisPoints / 100}%`

export function renderReceiptPdf(fonts: TicketFonts, input: ReceiptInput): Promise<Buffer> {
  const invoice = input.invoice
  const { doc, text, done } = openPdf(fonts, invoice ? `Invoice ${invoice.number}` : `Receipt ${input.orderId}`, input.orderId, true)
  const width = PAGE.width - 2 * PAGE.margin
  const money = (cents: number) => formatMoney(cents, input.currency)
  const line = (value: string, font: 'regular' | 'bold' = 'regular', size = 11, color = '#000000') => {
    doc.font(font).fontSize(size).fillColor(color).text(text(value), PAGE.margin, doc.y, { width, height: doc.currentLineHeight(true) * 2, ellipsis: true })
  }
  /** A row: the label on the left, the amount on the right, on one line. */
  const row = (label: string, amount: string, font: 'regular' | 'bold' = 'regular') => {
    const y = doc.y
    doc.font(font).fontSize(11).fillColor('#000000')
    doc.text(text(label), PAGE.margin, y, { width: width - 120, height: doc.currentLineHeight(true), ellipsis: true })
    doc.text(text(amount), PAGE.margin + width - 120, y, { width: 120, align: 'right' })
    doc.y = y + doc.currentLineHeight(true) + 4
  }
  const rule = () => {
    doc.moveTo(PAGE.margin, doc.y).lineTo(PAGE.margin + width, doc.y).strokeColor('#d0d7de').lineWidth(1).stroke()
    doc.y += 6
  }

  const refunded = !!input.refund
  const kind = invoice ? 'Invoice' : 'Receipt'
  line(refunded ? `${kind} (refunded)` : kind, 'bold', 24)
  doc.moveDown(0.3)
  if (invoice) {
    line(`Invoice number ${invoice.number}, issued ${formatDate(invoice.issuedAt) ?? invoice.issuedAt}`, 'regular', 11, GREY)
    line(`Order ${input.orderId}`, 'regular', 11, GREY)
  } else line(`Receipt number ${input.orderId}`, 'regular', 11, GREY)
  if (input.paidAt) line(`${input.payment ? 'Paid' : 'Confirmed'} ${formatDate(input.paidAt) ?? input.paidAt}`, 'regular', 11, GREY)
  if (input.buyerEmail) line(`Customer ${input.buyerEmail}`, 'regular', 11, GREY)
  const organizer = input.event?.organizer?.trim()
  if (invoice) {
    const { name, address, taxId } = invoice.issuer
    line(`Issued by ${[name, address].filter(Boolean).join(', ')}${taxId ? `; tax number ${taxId}` : ''}`, 'regular', 11, GREY)
    if (organizer) line(`For the event by ${organizer}`, 'regular', 11, GREY)
  } else line(organizer ? `Sold by ${organizer}, through EasyPass` : 'Sold through EasyPass', 'regular', 11, GREY)
  doc.moveDown(1)

  line(input.event?.title?.trim() || 'Event', 'bold', 15)
  const when = input.event?.startsAt ? formatDate(input.event.startsAt) : undefined
  if (when) line(when)
  const venue = input.event?.venue
  const place = venue ? [venue.name, venue.address, venue.city].map((p) => p?.trim()).filter(Boolean).join(', ') : ''
  if (place) line(place)
  doc.moveDown(1)

  rule()
  // A long name is shortened, never the price after it.
  const short = (name: string) => (name.length > 48 ? `${name.slice(0, 47)}…` : name)
  const taxed = !!input.taxes?.length
  for (const item of input.items.slice(0, 20))
    row(`${item.quantity} × ${short(item.name)} at ${money(item.unitPriceCents)}${taxed ? ` (${percent(item.taxRateBasisPoints ?? 0)} tax)` : ''}`, money(item.quantity * item.unitPriceCents))
  // The minus sign is not in the built-in fonts' Latin-1.
  if (input.voucher) row(`Voucher ${input.voucher.code}`, `${fonts.unicode ? '−' : '-'}${money(input.voucher.discountCents)}`)
  rule()
  row('Total', money(input.totalCents), 'bold')
  for (const tax of input.taxes ?? []) row(`Includes ${percent(tax.rateBasisPoints)} tax ${money(tax.taxCents)} on ${money(tax.netCents)} net`, money(tax.grossCents))
  doc.moveDown(0.8)

  if (input.payment) {
    const card = [input.payment.brand, input.payment.last4 ? `ending ${input.payment.last4}` : ''].filter(Boolean).join(' ')
    line(`Paid by card${card ? ` (${card})` : ''}; payment ${input.payment.paymentId}.`)
  }
  else if (input.totalCents === 0) line('Nothing to pay: these tickets were free.')
  for (const part of input.partRefunds ?? []) {
    doc.moveDown(0.5)
    const what = `${part.tickets} ticket${part.tickets === 1 ? '' : 's'}`
    const when = formatDate(part.at) ?? part.at
    line(`${part.done ? 'Refunded' : 'Refund under way:'} ${money(part.amountCents)} for ${what} on ${when}${part.reason ? ` (${part.reason})` : ''}; ${part.tickets === 1 ? 'it is' : 'they are'} no longer valid.`, 'bold')
  }
  if (input.refund && !input.payment) {
    doc.moveDown(0.5)
    line('Given back: the tickets are no longer valid.', 'bold')
  } else if (input.refund && !input.refund.done) {
    doc.moveDown(0.5)
    line(`Refund of ${money(input.refund.amountCents)} requested${input.refund.at ? ` on ${formatDate(input.refund.at) ?? input.refund.at}` : ''}${input.refund.reason ? ` (${input.refund.reason})` : ''}: it is under way to the same card. The tickets are no longer valid.`, 'bold')
  } else if (input.refund) {
    doc.moveDown(0.5)
    line(`Refunded ${money(input.refund.amountCents)}${input.refund.at ? ` on ${formatDate(input.refund.at) ?? input.refund.at}` : ''} to the same card${input.refund.reason ? ` (${input.refund.reason})` : ''}. The tickets are no longer valid.`, 'bold')
  }
  doc.moveDown(2)
  const inPart = !refunded && !!input.partRefunds?.length
  if (invoice) line(`${taxed ? 'Prices include the tax shown.' : 'No tax is included in these prices.'}${refunded ? ' The refund cancels this invoice in full.' : inPart ? ' The refunds above cancel this invoice in part.' : ''}`, 'regular', 9, GREY)
  else line(`Prices include ${taxed ? 'the tax shown' : 'any taxes the organiser charges'}. This receipt is not a tax invoice.`, 'regular', 9, GREY)
  doc.end()
  return done
}
