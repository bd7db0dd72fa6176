// Every fixed text the PDFs print (tickets, receipts, invoices, credit notes), per language. Values
// come in already formatted (amounts, dates in the same language); the data (titles, names, codes,
// reasons) is printed as it is. English is the original wording: it must not change.
import { formOf } from '@easypass/kit/format'
import type { Language } from '@easypass/contracts/languages'

const NBSP = '\u00a0'

/** ` (reason)` when there is one. */
const why = (reason?: string) => (reason ? ` (${reason})` : '')

const EN = {
  // PDF metadata
  orderSubject: (orderId: string) => `Order ${orderId}`,

  // Tickets
  yourEvent: 'Your event',
  ticketsTitle: (title: string) => `Tickets for ${title}`,
  ticketOf: (n: number, of: number) => `EasyPass e-ticket · ${n} of ${of}`,
  organisedBy: (organizer: string) => `Organised by ${organizer}`,
  ticket: 'Ticket',
  seat: (seat: string) => ` · Seat ${seat}`,
  attendee: (name: string) => `Name: ${name}`,
  /** `at`: when, formatted (empty when the date is unreadable); undefined: not known. */
  checkedIn: (at: string | undefined) => `Already checked in${at !== undefined ? ` at ${at}` : ''}: this code will not admit anyone again.`,
  showAtEntrance: 'Show this page, printed or on screen, at the entrance. Each code admits one person, once: keep it to yourself, as anyone holding it can use it.',
  ticketFooter: (orderId: string, ticketId: string) => `Order ${orderId} · ticket ${ticketId}`,

  // What receipts, invoices and credit notes share
  /** 1900 → "19%", 550 → "5.5%". */
  percent: (basisPoints: number) => `${basisPoints / 100}%`,
  issuedBy: (who: string, taxId?: string) => `Issued by ${who}${taxId ? `; tax number ${taxId}` : ''}`,
  billTo: (who: string) => `Bill to ${who}`,
  customerTaxId: (taxId: string) => `Customer tax number ${taxId}`,
  customer: (email: string) => `Customer ${email}`,
  event: 'Event',
  line: (quantity: number, name: string, unitPrice: string, rate?: string) => `${quantity} × ${name} at ${unitPrice}${rate !== undefined ? ` (${rate} tax)` : ''}`,
  includesTax: (rate: string, tax: string, net: string) => `Includes ${rate} tax ${tax} on ${net} net`,

  // Receipts and invoices
  invoiceTitle: (number: string) => `Invoice ${number}`,
  receiptTitle: (orderId: string) => `Receipt ${orderId}`,
  heading: (invoice: boolean, refunded: boolean) => {
    const kind = invoice ? 'Invoice' : 'Receipt'
    return refunded ? `${kind} (refunded)` : kind
  },
  invoiceNumber: (number: string, issued: string) => `Invoice number ${number}, issued ${issued}`,
  order: (orderId: string) => `Order ${orderId}`,
  receiptNumber: (orderId: string) => `Receipt number ${orderId}`,
  paidOn: (paid: boolean, at: string) => `${paid ? 'Paid' : 'Confirmed'} ${at}`,
  forEventBy: (organizer: string) => `For the event by ${organizer}`,
  soldBy: (organizer: string | undefined): string => (organizer ? `Sold by ${organizer}, through EasyPass` : 'Sold through EasyPass'),
  voucher: (code: string) => `Voucher ${code}`,
  total: 'Total',
  cardEnding: (last4: string) => `ending ${last4}`,
  paidByCard: (card: string, paymentId: string) => `Paid by card${card ? ` (${card})` : ''}; payment ${paymentId}.`,
  free: 'Nothing to pay: these tickets were free.',
  paidAtTheDoor: (how: 'cash' | 'card-terminal'): string => (how === 'cash' ? 'Paid in cash at the door.' : "Paid at the door on the venue's card terminal."),
  refundedAtTheDoor: (amount: string, at: string | undefined, reason?: string) =>
    `Refunded ${amount}${at !== undefined ? ` on ${at}` : ''}, paid back at the door the way it was paid${why(reason)}. The tickets are no longer valid.`,
  backAtTheDoor: 'The amount is paid back at the door, the way it was paid.',
  partRefund: (done: boolean, amount: string, tickets: number, at: string, reason?: string) =>
    tickets === 0
      ? `${done ? 'Refunded' : 'Refund under way:'} ${amount} of the price on ${at}${why(reason)}; the tickets stay valid.`
      : `${done ? 'Refunded' : 'Refund under way:'} ${amount} for ${tickets} ticket${tickets === 1 ? '' : 's'} on ${at}${why(reason)}; ${tickets === 1 ? 'it is' : 'they are'} no longer valid.`,
  givenBack: 'Given back: the tickets are no longer valid.',
  refundRequested: (amount: string, at: string | undefined, reason?: string) =>
    `Refund of ${amount} requested${at !== undefined ? ` on ${at}` : ''}${why(reason)}: it is under way to the same card. The tickets are no longer valid.`,
  refunded: (amount: string, at: string | undefined, reason?: string) =>
    `Refunded ${amount}${at !== undefined ? ` on ${at}` : ''} to the same card${why(reason)}. The tickets are no longer valid.`,
  /** The credit notes that cancel an invoice (one at least), each "number (amount)". */
  creditNotesCancel: (notes: string[], inFull: boolean) =>
    ` ${notes.length === 1 ? 'Credit note' : 'Credit notes'} ${notes.join(', ')} ${notes.length === 1 ? 'cancels' : 'cancel'} this invoice ${inFull ? 'in full' : 'in part'}.`,
  refundCancels: ' The refund cancels this invoice in full.',
  refundsCancel: ' The refunds above cancel this invoice in part.',
  invoiceTaxNote: (taxed: boolean): string => (taxed ? 'Prices include the tax shown.' : 'No tax is included in these prices.'),
  receiptTaxNote: (taxed: boolean) => `Prices include ${taxed ? 'the tax shown' : 'any taxes the organiser charges'}. This receipt is not a tax invoice.`,

  // Credit notes
  creditNoteTitle: (number: string) => `Credit note ${number}`,
  creditNote: 'Credit note',
  creditNoteNumber: (number: string, issued: string) => `Credit note number ${number}, issued ${issued}`,
  cancelsInvoice: (invoice: string, inFull: boolean, orderId: string) => `Cancels invoice ${invoice} ${inFull ? 'in full' : 'in part'}; order ${orderId}`,
  lessDiscount: 'Less the discount the order had',
  lessGivenBack: 'Less what was refunded before without tickets',
  priceReduction: 'Price reduction (the tickets stay valid)',
  totalCredited: 'Total credited',
  refundedOn: (at: string, reason: string | undefined, tickets: number) =>
    tickets === 0 ? `Refunded on ${at}${why(reason)}: the tickets stay valid.` : `Refunded on ${at}${why(reason)}: ${tickets === 1 ? 'this ticket is' : `these ${tickets} tickets are`} no longer valid.`,
  backToCard: (last4?: string) => `The amount goes back to the card it was paid with${last4 ? ` (ending ${last4})` : ''}.`,
  creditTaxNote: (taxed: boolean): string => (taxed ? 'Amounts include the tax shown.' : 'No tax is included in these amounts.'),
}

/** "5,5 %" (a non-breaking space before the sign, as German and French write it). */
const percentIn = (locale: string) => {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 })
  return (basisPoints: number) => `${number.format(basisPoints / 100)}${NBSP}%`
}

const DE: typeof EN = {
  orderSubject: (orderId) => `Bestellung ${orderId}`,

  yourEvent: 'Ihre Veranstaltung',
  ticketsTitle: (title) => `Tickets für ${title}`,
  ticketOf: (n, of) => `EasyPass-E-Ticket · ${n} von ${of}`,
  organisedBy: (organizer) => `Veranstalter: ${organizer}`,
  ticket: 'Ticket',
  seat: (seat) => ` · Platz ${seat}`,
  attendee: (name) => `Name: ${name}`,
  checkedIn: (at) => `Bereits eingelassen${at !== undefined ? ` am ${at}` : ''}: Dieser Code gewährt niemandem mehr Einlass.`,
  showAtEntrance:
    'Zeigen Sie diese Seite ausgedruckt oder auf dem Bildschirm am Einlass vor. Jeder Code gewährt einer Person einmal Einlass: Geben Sie ihn nicht weiter, denn wer ihn hat, kann ihn nutzen.',
  ticketFooter: (orderId, ticketId) => `Bestellung ${orderId} · Ticket ${ticketId}`,

  percent: percentIn('de-DE'),
  issuedBy: (who, taxId) => `Ausgestellt von ${who}${taxId ? `; Steuernummer ${taxId}` : ''}`,
  billTo: (who) => `Rechnung an ${who}`,
  customerTaxId: (taxId) => `Steuernummer des Kunden ${taxId}`,
  customer: (email) => `Kunde ${email}`,
  event: 'Veranstaltung',
  line: (quantity, name, unitPrice, rate) => `${quantity} × ${name} zu ${unitPrice}${rate !== undefined ? ` (${rate} MwSt.)` : ''}`,
  includesTax: (rate, tax, net) => `Enthaltene MwSt. ${rate}: ${tax} auf ${net} netto`,

  invoiceTitle: (number) => `Rechnung ${number}`,
  receiptTitle: (orderId) => `Quittung ${orderId}`,
  heading: (invoice, refunded) => {
    const kind = invoice ? 'Rechnung' : 'Quittung'
    return refunded ? `${kind} (erstattet)` : kind
  },
  invoiceNumber: (number, issued) => `Rechnungsnummer ${number}, ausgestellt am ${issued}`,
  order: (orderId) => `Bestellung ${orderId}`,
  receiptNumber: (orderId) => `Quittungsnummer ${orderId}`,
  paidOn: (paid, at) => `${paid ? 'Bezahlt' : 'Bestätigt'} am ${at}`,
  forEventBy: (organizer) => `Für die Veranstaltung von ${organizer}`,
  soldBy: (organizer) => (organizer ? `Verkauft von ${organizer} über EasyPass` : 'Verkauft über EasyPass'),
  voucher: (code) => `Gutschein ${code}`,
  total: 'Gesamtbetrag',
  cardEnding: (last4) => `endet auf ${last4}`,
  paidByCard: (card, paymentId) => `Mit Karte bezahlt${card ? ` (${card})` : ''}; Zahlung ${paymentId}.`,
  free: 'Nichts zu bezahlen: Diese Tickets waren kostenlos.',
  paidAtTheDoor: (how) => (how === 'cash' ? 'Bar an der Abendkasse bezahlt.' : 'An der Abendkasse am Kartenterminal des Veranstaltungsorts bezahlt.'),
  refundedAtTheDoor: (amount, at, reason) =>
    `${amount}${at !== undefined ? ` am ${at}` : ''} erstattet, an der Abendkasse so zurückgezahlt, wie bezahlt wurde${why(reason)}. Die Tickets sind nicht mehr gültig.`,
  backAtTheDoor: 'Der Betrag wird an der Abendkasse so zurückgezahlt, wie er bezahlt wurde.',
  partRefund: (done, amount, tickets, at, reason) =>
    tickets === 0
      ? `${done ? 'Erstattet:' : 'Erstattung in Bearbeitung:'} ${amount} des Preises am ${at}${why(reason)}; die Tickets bleiben gültig.`
      : `${done ? 'Erstattet:' : 'Erstattung in Bearbeitung:'} ${amount} für ${tickets} ${formOf(tickets, { one: 'Ticket', other: 'Tickets' }, 'de')} am ${at}${why(reason)}; ${formOf(tickets, { one: 'es ist', other: 'sie sind' }, 'de')} nicht mehr gültig.`,
  givenBack: 'Zurückgegeben: Die Tickets sind nicht mehr gültig.',
  refundRequested: (amount, at, reason) =>
    `Erstattung von ${amount} beantragt${at !== undefined ? ` am ${at}` : ''}${why(reason)}: Der Betrag wird auf dieselbe Karte zurückgezahlt. Die Tickets sind nicht mehr gültig.`,
  refunded: (amount, at, reason) =>
    `${amount}${at !== undefined ? ` am ${at}` : ''} auf dieselbe Karte erstattet${why(reason)}. Die Tickets sind nicht mehr gültig.`,
  creditNotesCancel: (notes, inFull) =>
    ` ${formOf(notes.length, { one: 'Gutschrift', other: 'Gutschriften' }, 'de')} ${notes.join(', ')} ${formOf(notes.length, { one: 'storniert', other: 'stornieren' }, 'de')} diese Rechnung ${inFull ? 'vollständig' : 'teilweise'}.`,
  refundCancels: ' Die Erstattung storniert diese Rechnung vollständig.',
  refundsCancel: ' Die obigen Erstattungen stornieren diese Rechnung teilweise.',
  invoiceTaxNote: (taxed) => (taxed ? 'Die Preise enthalten die ausgewiesene MwSt.' : 'In diesen Preisen ist keine MwSt. enthalten.'),
  receiptTaxNote: (taxed) =>
    `Die Preise enthalten ${taxed ? 'die ausgewiesene MwSt.' : 'etwaige Steuern, die der Veranstalter erhebt.'} Diese Quittung ist keine Rechnung im steuerlichen Sinne.`,

  creditNoteTitle: (number) => `Gutschrift ${number}`,
  creditNote: 'Gutschrift',
  creditNoteNumber: (number, issued) => `Gutschriftsnummer ${number}, ausgestellt am ${issued}`,
  cancelsInvoice: (invoice, inFull, orderId) => `Storniert die Rechnung ${invoice} ${inFull ? 'vollständig' : 'teilweise'}; Bestellung ${orderId}`,
  lessDiscount: 'Abzüglich des Rabatts der Bestellung',
  lessGivenBack: 'Abzüglich früherer Erstattungen ohne Tickets',
  priceReduction: 'Preisminderung (die Tickets bleiben gültig)',
  totalCredited: 'Gutgeschriebener Betrag',
  refundedOn: (at, reason, tickets) =>
    tickets === 0
      ? `Erstattet am ${at}${why(reason)}: Die Tickets bleiben gültig.`
      : `Erstattet am ${at}${why(reason)}: ${formOf(tickets, { one: 'Dieses Ticket ist', other: `Diese ${tickets} Tickets sind` }, 'de')} nicht mehr gültig.`,
  backToCard: (last4) => `Der Betrag geht auf die Karte zurück, mit der bezahlt wurde${last4 ? ` (endet auf ${last4})` : ''}.`,
  creditTaxNote: (taxed) => (taxed ? 'Die Beträge enthalten die ausgewiesene MwSt.' : 'In diesen Beträgen ist keine MwSt. enthalten.'),
}

const FR: typeof EN = {
  orderSubject: (orderId) => `Commande ${orderId}`,

  yourEvent: 'Votre événement',
  ticketsTitle: (title) => `Billets pour ${title}`,
  ticketOf: (n, of) => `Billet électronique EasyPass · ${n} sur ${of}`,
  organisedBy: (organizer) => `Organisé par ${organizer}`,
  ticket: 'Billet',
  seat: (seat) => ` · Place ${seat}`,
  attendee: (name) => `Nom${NBSP}: ${name}`,
  checkedIn: (at) => `Entrée déjà validée${at !== undefined ? ` le ${at}` : ''}${NBSP}: ce code ne permet plus à personne d'entrer.`,
  showAtEntrance: `Présentez cette page, imprimée ou sur écran, à l'entrée. Chaque code permet l'entrée d'une seule personne, une seule fois${NBSP}: gardez-le pour vous, car quiconque le détient peut l'utiliser.`,
  ticketFooter: (orderId, ticketId) => `Commande ${orderId} · billet ${ticketId}`,

  percent: percentIn('fr-FR'),
  issuedBy: (who, taxId) => `Émis par ${who}${taxId ? `${NBSP}; identifiant fiscal ${taxId}` : ''}`,
  billTo: (who) => `Facturé à ${who}`,
  customerTaxId: (taxId) => `Identifiant fiscal du client ${taxId}`,
  customer: (email) => `Client ${email}`,
  event: 'Événement',
  line: (quantity, name, unitPrice, rate) => `${quantity} × ${name} à ${unitPrice}${rate !== undefined ? ` (TVA ${rate})` : ''}`,
  includesTax: (rate, tax, net) => `Dont TVA ${rate}${NBSP}: ${tax} sur ${net} HT`,

  invoiceTitle: (number) => `Facture ${number}`,
  receiptTitle: (orderId) => `Reçu ${orderId}`,
  heading: (invoice, refunded) => (invoice ? (refunded ? 'Facture (remboursée)' : 'Facture') : refunded ? 'Reçu (remboursé)' : 'Reçu'),
  invoiceNumber: (number, issued) => `Facture n° ${number}, émise le ${issued}`,
  order: (orderId) => `Commande ${orderId}`,
  receiptNumber: (orderId) => `Reçu n° ${orderId}`,
  paidOn: (paid, at) => `${paid ? 'Payé' : 'Confirmé'} le ${at}`,
  forEventBy: (organizer) => `Pour l'événement organisé par ${organizer}`,
  soldBy: (organizer) => (organizer ? `Vendu par ${organizer}, via EasyPass` : 'Vendu via EasyPass'),
  voucher: (code) => `Code promo ${code}`,
  total: 'Total',
  cardEnding: (last4) => `se terminant par ${last4}`,
  paidByCard: (card, paymentId) => `Payé par carte${card ? ` (${card})` : ''}${NBSP}; paiement ${paymentId}.`,
  free: `Rien à payer${NBSP}: ces billets étaient gratuits.`,
  paidAtTheDoor: (how) => (how === 'cash' ? 'Payé en espèces à la billetterie sur place.' : 'Payé à la billetterie sur place, sur le terminal de paiement du lieu.'),
  refundedAtTheDoor: (amount, at, reason) =>
    `Remboursement de ${amount} effectué${at !== undefined ? ` le ${at}` : ''} à la billetterie sur place, selon le moyen de paiement utilisé${why(reason)}. Les billets ne sont plus valables.`,
  backAtTheDoor: 'Le montant est remboursé à la billetterie sur place, selon le moyen de paiement utilisé.',
  partRefund: (done, amount, tickets, at, reason) =>
    tickets === 0
      ? `${done ? 'Remboursé' : 'Remboursement en cours'}${NBSP}: ${amount} du prix le ${at}${why(reason)}${NBSP}; les billets restent valables.`
      : `${done ? 'Remboursé' : 'Remboursement en cours'}${NBSP}: ${amount} pour ${tickets} ${formOf(tickets, { one: 'billet', other: 'billets' }, 'fr')} le ${at}${why(reason)}${NBSP}; ${formOf(tickets, { one: "il n'est plus valable", other: 'ils ne sont plus valables' }, 'fr')}.`,
  givenBack: `Billets rendus${NBSP}: ils ne sont plus valables.`,
  refundRequested: (amount, at, reason) =>
    `Remboursement de ${amount} demandé${at !== undefined ? ` le ${at}` : ''}${why(reason)}${NBSP}: il est en cours sur la même carte. Les billets ne sont plus valables.`,
  refunded: (amount, at, reason) =>
    `Remboursement de ${amount} effectué${at !== undefined ? ` le ${at}` : ''} sur la même carte${why(reason)}. Les billets ne sont plus valables.`,
  creditNotesCancel: (notes, inFull) =>
    ` ${formOf(notes.length, { one: "L'avoir", other: 'Les avoirs' }, 'fr')} ${notes.join(', ')} ${formOf(notes.length, { one: 'annule', other: 'annulent' }, 'fr')} cette facture ${inFull ? 'en totalité' : 'en partie'}.`,
  refundCancels: ' Le remboursement annule cette facture en totalité.',
  refundsCancel: ' Les remboursements ci-dessus annulent cette facture en partie.',
  invoiceTaxNote: (taxed) => (taxed ? 'Les prix incluent la TVA indiquée.' : "Ces prix n'incluent aucune TVA."),
  receiptTaxNote: (taxed) =>
    `Les prix incluent ${taxed ? 'la TVA indiquée' : "les éventuelles taxes perçues par l'organisateur"}. Ce reçu n'est pas une facture.`,

  creditNoteTitle: (number) => `Avoir ${number}`,
  creditNote: 'Avoir',
  creditNoteNumber: (number, issued) => `Avoir n° ${number}, émis le ${issued}`,
  cancelsInvoice: (invoice, inFull, orderId) => `Annule la facture ${invoice} ${inFull ? 'en totalité' : 'en partie'}${NBSP}; commande ${orderId}`,
  lessDiscount: 'Moins la remise de la commande',
  lessGivenBack: 'Moins les remboursements antérieurs sans billets',
  priceReduction: 'Réduction de prix (les billets restent valables)',
  totalCredited: 'Total crédité',
  refundedOn: (at, reason, tickets) =>
    tickets === 0
      ? `Remboursé le ${at}${why(reason)}${NBSP}: les billets restent valables.`
      : `Remboursé le ${at}${why(reason)}${NBSP}: ${formOf(tickets, { one: "ce billet n'est plus valable", other: `ces ${tickets} billets ne sont plus valables` }, 'fr')}.`,
  backToCard: (last4) => `Le montant est reversé sur la carte utilisée pour le paiement${last4 ? ` (se terminant par ${last4})` : ''}.`,
  creditTaxNote: (taxed) => (taxed ? 'Les montants incluent la TVA indiquée.' : "Ces montants n'incluent aucune TVA."),
}

export type PdfWords = typeof EN
export const WORDS = { en: EN, de: DE, fr: FR } satisfies Record<Language, PdfWords>
