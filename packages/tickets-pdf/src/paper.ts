// What receipts, invoices and credit notes write alike on their one A4 page: lines that never run
// over their room, rows with the amount on the right, rules, the event, who a document is made out
// to, and the lines sold (or taken back) with the tax per rate.
import { formatDate, formatMoney } from '@easypass/kit'
import { GREY, PAGE, type TicketFonts } from './render'

type PdfDoc = PDFKit.PDFDocument

export interface PrintedEvent {
  title?: string
  startsAt?: string
  venue?: { name?: string; address?: string; city?: string }
  organizer?: string
}
export interface BillTo {
  name: string
  company?: string
  address: string
  taxId?: string
}
export interface PrintedLine {
  name: string
  quantity: number
  unitPriceCents: number
  taxRateBasisPoints?: number
}
export interface TaxRow {
  rateBasisPoints: number
  netCents: number
  taxCents: number
  grossCents: number
}

/** 1900 → "19%", 550 → "5.5%". */
const percent = (basisPoints: number) => `${basisPoints / 100}%`

export function paper(doc: PdfDoc, text: (value: string) => string, fonts: TicketFonts, currency: string) {
  const width = PAGE.width - 2 * PAGE.margin
  const money = (cents: number) => formatMoney(cents, currency)
  // The minus sign is not in the built-in fonts' Latin-1.
  const minus = (cents: number) => `${fonts.unicode ? '−' : '-'}${money(cents)}`
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
  // A long name is shortened, never the price after it.
  const short = (name: string) => (name.length > 48 ? `${name.slice(0, 47)}…` : name)
  const date = (iso: string) => formatDate(iso) ?? iso

  return {
    money,
    minus,
    line,
    row,
    rule,
    date,

    /** Who issued it (name, address, tax number), in grey under the title. */
    issuer(issuer: { name: string; address?: string; taxId?: string }) {
      const { name, address, taxId } = issuer
      line(`Issued by ${[name, address].filter(Boolean).join(', ')}${taxId ? `; tax number ${taxId}` : ''}`, 'regular', 11, GREY)
    },

    /** Who it is made out to: the billing details given, else the buyer's email. */
    customer(billTo: BillTo | undefined, buyerEmail: string | undefined) {
      if (billTo) {
        const who = [billTo.name, billTo.company].filter(Boolean).join(', ')
        line(`Bill to ${who}`, 'regular', 11, GREY)
        line(billTo.address.split('\n').join(', '), 'regular', 11, GREY)
        if (billTo.taxId) line(`Customer tax number ${billTo.taxId}`, 'regular', 11, GREY)
      } else if (buyerEmail) line(`Customer ${buyerEmail}`, 'regular', 11, GREY)
    },

    /** The event's title, date and place. */
    event(event: PrintedEvent | null) {
      line(event?.title?.trim() || 'Event', 'bold', 15)
      const when = event?.startsAt ? formatDate(event.startsAt) : undefined
      if (when) line(when)
      const venue = event?.venue
      const place = venue ? [venue.name, venue.address, venue.city].map((p) => p?.trim()).filter(Boolean).join(', ') : ''
      if (place) line(place)
    },

    /** One row per line (20 at most: a page), each amount with a minus when `negative` (a credit note). */
    lines(lines: readonly PrintedLine[], taxed: boolean, negative = false) {
      for (const item of lines.slice(0, 20)) {
        const amount = item.quantity * item.unitPriceCents
        row(`${item.quantity} × ${short(item.name)} at ${money(item.unitPriceCents)}${taxed ? ` (${percent(item.taxRateBasisPoints ?? 0)} tax)` : ''}`, negative ? minus(amount) : money(amount))
      }
    },

    /** What the total includes per rate. */
    taxes(taxes: readonly TaxRow[] | undefined, negative = false) {
      for (const tax of taxes ?? [])
        row(`Includes ${percent(tax.rateBasisPoints)} tax ${money(tax.taxCents)} on ${money(tax.netCents)} net`, negative ? minus(tax.grossCents) : money(tax.grossCents))
    },
  }
}
