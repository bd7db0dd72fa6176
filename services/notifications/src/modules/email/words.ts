// The fixed words of the emails, one table per language. German and French must have every key English
// has (the type says so). Values from outside (event titles, names, codes, amounts, dates) come in as
// arguments, already escaped where the words go into HTML: the words themselves hold no markup.
import type { Language } from '@easypass/contracts/languages'
import { countOf, formOf } from '@easypass/kit'

const EN = {
  /** Footer line under an email about an order. */
  whyOrder: 'You receive this email because of an order in your EasyPass account.',
  whyWaitlist: "You receive this email because you joined the event's waiting list on EasyPass.",
  whyOffered: 'You receive this email because an EasyPass customer offered you a ticket.',
  whyPassedOn: 'You receive this email because a ticket was passed on to your EasyPass account.',
  whyHolder: 'You receive this email because you hold a ticket for this event in your EasyPass account.',

  yourEvent: 'your event',
  ticketsFor: (event: string) => `Your tickets for ${event}`,
  ticketFallback: 'Ticket',
  seat: (seat: string) => ` · Seat ${seat}`,
  /** A ticket in the text part: its label and its code. */
  labelled: (label: string, code: string) => `${label}: ${code}`,
  qrAlt: (code: string) => `QR code of ticket ${code}`,
  voucher: (code: string) => `Voucher ${code}`,
  tickets: (n: number) => countOf(n, { one: 'ticket', other: 'tickets' }, 'en'),
  thanksConfirmed: (tickets: string) => `Thank you! Your order is confirmed: ${tickets}.`,
  confirmed: (tickets: string) => `Your order is confirmed: ${tickets}.`,
  extrasFor: (id: string) => `These extras go with your order ${id}: its tickets came in an earlier email.`,
  fromOrganiser: 'From the organiser',
  fromOrganiserLine: 'From the organiser:',
  total: 'Total',
  yourTickets: 'Your tickets',
  yourAnswers: 'Your answers to the organiser',
  forTicket: (n: number) => `Ticket ${n}`,
  yes: 'Yes',
  no: 'No',
  yourTicketsLine: (link: string) => `Your tickets: ${link}`,
  showAtEntrance: 'Show the QR code (or the code under it) at the entrance. Each code lets one person in, once.',
  showAtEntranceLine: 'Your tickets (show the code at the entrance; each lets one person in, once):',
  pdfAttached: 'They are attached as a PDF too, to print.',
  ticketsInAccount: 'Your tickets are waiting in your EasyPass account under your orders.',
  documentAttached: (kind: 'invoice' | 'receipt') => `Your ${kind} is attached.`,
  order: (id: string) => `Order ${id}`,

  ticketsCancelledSubject: (event: string) => `Your tickets for ${event} were cancelled`,
  refundSubject: (event: string, amount: string) => `Refund for ${event}: ${amount}`,
  someCancelled: (n: number) => `${countOf(n, { one: 'ticket', other: 'tickets' }, 'en')} of your order ${n === 1 ? 'was' : 'were'} cancelled`,
  allCancelled: 'Your tickets were cancelled',
  someRefunded: (n: number) => `${countOf(n, { one: 'ticket', other: 'tickets' }, 'en')} of your order ${n === 1 ? 'was' : 'were'} refunded`,
  allRefunded: 'Your order was refunded',
  partRefunded: 'Part of what your order cost was refunded',
  freeCancelled: (event: string) => `Your free tickets for ${event} were cancelled: nothing was paid, so nothing goes back.`,
  /** Without a closing full stop: the HTML goes on with `banksDays`, the text ends it. */
  refunded: (amount: string, event: string) => `We refunded ${amount} for your order for ${event}. It goes back to the card you paid with`,
  banksDays: '; banks usually show it within a few days.',
  /** Bought at the door: paid back there (a whole sentence, with its full stop). */
  refundedAtTheDoor: (amount: string, event: string) => `We refunded ${amount} for your order for ${event}. You bought it at the door: it is paid back to you there, the way you paid.`,
  reason: (reason: string) => `Reason: ${reason}`,
  someNoLongerValid: (n: number) => `The refunded ${n === 1 ? 'ticket is' : 'tickets are'} no longer valid; your other tickets of this order stay valid.`,
  allNoLongerValid: 'The tickets of this order are no longer valid.',
  allStillValid: 'Your tickets stay valid: nothing changes for the event.',
  creditNoteAttached: 'The credit note for your invoice is attached.',

  eventWaitedFor: 'the event you waited for',
  availableSubject: (event: string) => `Tickets are available: ${event}`,
  availableHeading: 'Tickets are available',
  /** `event` as it goes in (escaped and in bold in the HTML). */
  availableLine: (n: number, event: string) =>
    `${n > 0 ? `${countOf(n, { one: 'ticket', other: 'tickets' }, 'en')} can be bought again` : 'Tickets can be bought again'} for ${event}, and you were next on its waiting list.`,
  firstCome: 'First come, first served: they go to whoever buys first.',
  getTickets: 'Get tickets',
  getTicketsLine: (link: string) => `Get tickets: ${link}`,
  offWaitlist: "You are off the waiting list now; join it again on the event's page if these are gone.",

  anEvent: 'an event',
  fromAccount: (email: string) => `The EasyPass account ${email}`,
  aCustomer: 'An EasyPass customer',
  /** What `acceptBy` says when the offer's end is not a date. */
  untilFallback: 'the date the sender set',
  offeredWhat: (ticketTypeName: string | undefined, event: string) => `${ticketTypeName ? `a ${ticketTypeName} ticket` : 'a ticket'} for ${event}`,
  offeredSubject: (what: string) => `A ticket was sent to you: ${what}`,
  offeredHeading: 'A ticket for you',
  /** `when`: the event's date, or '' when unknown. */
  sentYou: (from: string, what: string, when: string) => `${from} sent you ${what}${when ? ` (${when})` : ''}.`,
  acceptTicket: 'Accept the ticket',
  acceptTicketLine: (link: string) => `Accept the ticket: ${link}`,
  acceptBy: (until: string) =>
    `Accept it by ${until}, signed in to your EasyPass account (or a new one). It is then yours, with a code of its own; the sender's copy stops working.`,
  notExpected: 'Did not expect it? Ignore this email: the ticket stays with its sender.',

  eventCancelled: (event: string) => `${event} was cancelled`,
  ticketNoLongerValid: (event: string) => `Your ticket for ${event} is no longer valid`,
  cancelledBuyerRefunded: (event: string) => `${event} was cancelled, and its buyer was refunded.`,
  orderRefundedToBuyer: 'Its order was refunded to its buyer.',
  passedOnNoLongerValid: (event: string, why: string) => `The ticket for ${event} that was passed on to you is no longer valid: ${why}`,
  askBuyer: 'If you paid its buyer for it, ask them for your money back: the refund went to the card they paid with.',

  theOrganiser: 'The organiser',
  wroteToHolders: (from: string, event: string) => `${from} wrote to everyone with a ticket for ${event}:`,
}

export type EmailWords = typeof EN

const DE: EmailWords = {
  whyOrder: 'Sie erhalten diese E-Mail wegen einer Bestellung in Ihrem EasyPass-Konto.',
  whyWaitlist: 'Sie erhalten diese E-Mail, weil Sie sich bei EasyPass auf die Warteliste der Veranstaltung gesetzt haben.',
  whyOffered: 'Sie erhalten diese E-Mail, weil Ihnen eine Kundin oder ein Kunde von EasyPass ein Ticket angeboten hat.',
  whyPassedOn: 'Sie erhalten diese E-Mail, weil ein Ticket an Ihr EasyPass-Konto weitergegeben wurde.',
  whyHolder: 'Sie erhalten diese E-Mail, weil Sie in Ihrem EasyPass-Konto ein Ticket für diese Veranstaltung haben.',

  yourEvent: 'Ihre Veranstaltung',
  ticketsFor: (event) => `Ihre Tickets für ${event}`,
  ticketFallback: 'Ticket',
  seat: (seat) => ` · Platz ${seat}`,
  labelled: (label, code) => `${label}: ${code}`,
  qrAlt: (code) => `QR-Code des Tickets ${code}`,
  voucher: (code) => `Gutschein ${code}`,
  tickets: (n) => countOf(n, { one: 'Ticket', other: 'Tickets' }, 'de'),
  thanksConfirmed: (tickets) => `Vielen Dank! Ihre Bestellung ist bestätigt: ${tickets}.`,
  confirmed: (tickets) => `Ihre Bestellung ist bestätigt: ${tickets}.`,
  extrasFor: (id) => `Diese Zusatzleistungen gehören zu Ihrer Bestellung ${id}; deren Tickets kamen in einer früheren E-Mail.`,
  fromOrganiser: 'Vom Veranstalter',
  fromOrganiserLine: 'Vom Veranstalter:',
  total: 'Gesamt',
  yourTickets: 'Ihre Tickets',
  yourAnswers: 'Ihre Antworten an den Veranstalter',
  forTicket: (n) => `Ticket ${n}`,
  yes: 'Ja',
  no: 'Nein',
  yourTicketsLine: (link) => `Ihre Tickets: ${link}`,
  showAtEntrance: 'Zeigen Sie beim Einlass den QR-Code (oder den Code darunter) vor. Jeder Code gewährt einer Person einmal Einlass.',
  showAtEntranceLine: 'Ihre Tickets (zeigen Sie den Code beim Einlass vor; jeder gewährt einer Person einmal Einlass):',
  pdfAttached: 'Die Tickets sind zum Ausdrucken auch als PDF angehängt.',
  ticketsInAccount: 'Ihre Tickets finden Sie in Ihrem EasyPass-Konto unter Ihren Bestellungen.',
  documentAttached: (kind) => (kind === 'invoice' ? 'Ihre Rechnung ist angehängt.' : 'Ihre Quittung ist angehängt.'),
  order: (id) => `Bestellung ${id}`,

  ticketsCancelledSubject: (event) => `Ihre Tickets für ${event} wurden storniert`,
  refundSubject: (event, amount) => `Erstattung für ${event}: ${amount}`,
  someCancelled: (n) => `${countOf(n, { one: 'Ticket', other: 'Tickets' }, 'de')} Ihrer Bestellung ${formOf(n, { one: 'wurde', other: 'wurden' }, 'de')} storniert`,
  allCancelled: 'Ihre Tickets wurden storniert',
  someRefunded: (n) => `${countOf(n, { one: 'Ticket', other: 'Tickets' }, 'de')} Ihrer Bestellung ${formOf(n, { one: 'wurde', other: 'wurden' }, 'de')} erstattet`,
  allRefunded: 'Ihre Bestellung wurde erstattet',
  partRefunded: 'Ein Teil des Preises Ihrer Bestellung wurde erstattet',
  freeCancelled: (event) => `Ihre kostenlosen Tickets für ${event} wurden storniert: Es wurde nichts bezahlt, daher wird nichts erstattet.`,
  refunded: (amount, event) => `Wir haben ${amount} für Ihre Bestellung für ${event} erstattet. Der Betrag wird der Karte gutgeschrieben, mit der Sie bezahlt haben`,
  banksDays: '; Banken zeigen die Gutschrift meist innerhalb weniger Tage an.',
  refundedAtTheDoor: (amount, event) => `Wir haben ${amount} für Ihre Bestellung für ${event} erstattet. Sie haben an der Abendkasse gekauft: Der Betrag wird Ihnen dort so zurückgezahlt, wie Sie bezahlt haben.`,
  reason: (reason) => `Grund: ${reason}`,
  someNoLongerValid: (n) =>
    `${formOf(n, { one: 'Das erstattete Ticket ist', other: 'Die erstatteten Tickets sind' }, 'de')} nicht mehr gültig; Ihre anderen Tickets dieser Bestellung bleiben gültig.`,
  allNoLongerValid: 'Die Tickets dieser Bestellung sind nicht mehr gültig.',
  allStillValid: 'Ihre Tickets bleiben gültig: für die Veranstaltung ändert sich nichts.',
  creditNoteAttached: 'Die Gutschrift zu Ihrer Rechnung ist angehängt.',

  eventWaitedFor: 'die Veranstaltung auf Ihrer Warteliste',
  availableSubject: (event) => `Tickets verfügbar: ${event}`,
  availableHeading: 'Tickets sind verfügbar',
  availableLine: (n, event) =>
    `${n > 0 ? `Für ${event} ${formOf(n, { one: 'kann', other: 'können' }, 'de')} wieder ${countOf(n, { one: 'Ticket', other: 'Tickets' }, 'de')}` : `Für ${event} können wieder Tickets`} gekauft werden, und Sie waren auf der Warteliste als Nächstes an der Reihe.`,
  firstCome: 'Es gilt: Wer zuerst kauft, bekommt die Tickets.',
  getTickets: 'Tickets kaufen',
  getTicketsLine: (link) => `Tickets kaufen: ${link}`,
  offWaitlist: 'Sie stehen jetzt nicht mehr auf der Warteliste; tragen Sie sich auf der Seite der Veranstaltung erneut ein, falls diese Tickets schon vergriffen sind.',

  anEvent: 'eine Veranstaltung',
  fromAccount: (email) => `Das EasyPass-Konto ${email}`,
  aCustomer: 'Eine Kundin oder ein Kunde von EasyPass',
  untilFallback: 'zum vom Absender festgelegten Datum',
  offeredWhat: (ticketTypeName, event) => `${ticketTypeName ? `ein Ticket „${ticketTypeName}“` : 'ein Ticket'} für ${event}`,
  offeredSubject: (what) => `Ihnen wurde ein Ticket gesendet: ${what}`,
  offeredHeading: 'Ein Ticket für Sie',
  sentYou: (from, what, when) => `${from} hat Ihnen ${what}${when ? ` (${when})` : ''} gesendet.`,
  acceptTicket: 'Ticket annehmen',
  acceptTicketLine: (link) => `Ticket annehmen: ${link}`,
  acceptBy: (until) =>
    `Nehmen Sie es bis ${until} an; melden Sie sich dazu in Ihrem EasyPass-Konto an (oder legen Sie ein neues an). Dann gehört es Ihnen, mit einem eigenen Code; die Kopie des Absenders ist dann ungültig.`,
  notExpected: 'Sie haben es nicht erwartet? Ignorieren Sie diese E-Mail: Das Ticket bleibt beim Absender.',

  eventCancelled: (event) => `${event} wurde abgesagt`,
  ticketNoLongerValid: (event) => `Ihr Ticket für ${event} ist nicht mehr gültig`,
  cancelledBuyerRefunded: (event) => `${event} wurde abgesagt, und der Käufer hat sein Geld erstattet bekommen.`,
  orderRefundedToBuyer: 'Die Bestellung wurde dem Käufer erstattet.',
  passedOnNoLongerValid: (event, why) => `Das an Sie weitergegebene Ticket für ${event} ist nicht mehr gültig: ${why}`,
  askBuyer: 'Falls Sie dem Käufer dafür etwas bezahlt haben, bitten Sie ihn um Ihr Geld: Die Erstattung ging auf die Karte, mit der er bezahlt hat.',

  theOrganiser: 'Der Veranstalter',
  wroteToHolders: (from, event) => `${from} hat an alle mit einem Ticket für ${event} geschrieben:`,
}

const FR: EmailWords = {
  whyOrder: 'Vous recevez cet e-mail en raison d’une commande dans votre compte EasyPass.',
  whyWaitlist: 'Vous recevez cet e-mail parce que vous avez rejoint la liste d’attente de l’événement sur EasyPass.',
  whyOffered: 'Vous recevez cet e-mail parce qu’un client EasyPass vous a proposé un billet.',
  whyPassedOn: 'Vous recevez cet e-mail parce qu’un billet a été transmis à votre compte EasyPass.',
  whyHolder: 'Vous recevez cet e-mail parce que vous avez un billet pour cet événement dans votre compte EasyPass.',

  yourEvent: 'votre événement',
  ticketsFor: (event) => `Vos billets pour ${event}`,
  ticketFallback: 'Billet',
  seat: (seat) => ` · Place ${seat}`,
  labelled: (label, code) => `${label}\u00a0: ${code}`,
  qrAlt: (code) => `Code QR du billet ${code}`,
  voucher: (code) => `Code promo ${code}`,
  tickets: (n) => countOf(n, { one: 'billet', other: 'billets' }, 'fr'),
  thanksConfirmed: (tickets) => `Merci\u00a0! Votre commande est confirmée\u00a0: ${tickets}.`,
  confirmed: (tickets) => `Votre commande est confirmée\u00a0: ${tickets}.`,
  extrasFor: (id) => `Ces options accompagnent votre commande ${id}\u00a0; ses billets sont arrivés dans un e-mail précédent.`,
  fromOrganiser: 'De la part de l’organisateur',
  fromOrganiserLine: 'De la part de l’organisateur\u00a0:',
  total: 'Total',
  yourTickets: 'Vos billets',
  yourAnswers: 'Vos réponses à l’organisateur',
  forTicket: (n) => `Billet ${n}`,
  yes: 'Oui',
  no: 'Non',
  yourTicketsLine: (link) => `Vos billets\u00a0: ${link}`,
  showAtEntrance: 'Présentez le code QR (ou le code en dessous) à l’entrée. Chaque code permet à une personne d’entrer, une seule fois.',
  showAtEntranceLine: 'Vos billets (présentez le code à l’entrée\u00a0; chacun permet à une personne d’entrer, une seule fois)\u00a0:',
  pdfAttached: 'Les billets sont aussi joints en PDF, pour les imprimer.',
  ticketsInAccount: 'Vos billets vous attendent dans votre compte EasyPass, sous vos commandes.',
  documentAttached: (kind) => (kind === 'invoice' ? 'Votre facture est jointe.' : 'Votre reçu est joint.'),
  order: (id) => `Commande ${id}`,

  ticketsCancelledSubject: (event) => `Vos billets pour ${event} ont été annulés`,
  refundSubject: (event, amount) => `Remboursement pour ${event}\u00a0: ${amount}`,
  someCancelled: (n) =>
    `${countOf(n, { one: 'billet', other: 'billets' }, 'fr')} de votre commande ${formOf(n, { one: 'a été annulé', other: 'ont été annulés' }, 'fr')}`,
  allCancelled: 'Vos billets ont été annulés',
  someRefunded: (n) =>
    `${countOf(n, { one: 'billet', other: 'billets' }, 'fr')} de votre commande ${formOf(n, { one: 'a été remboursé', other: 'ont été remboursés' }, 'fr')}`,
  allRefunded: 'Votre commande a été remboursée',
  partRefunded: 'Une partie du prix de votre commande a été remboursée',
  freeCancelled: (event) => `Vos billets gratuits pour ${event} ont été annulés\u00a0: rien n’a été payé, donc rien n’est remboursé.`,
  refunded: (amount, event) => `Nous avons remboursé ${amount} pour votre commande pour ${event}. Le montant est recrédité sur la carte utilisée pour le paiement`,
  banksDays: '\u00a0; les banques l’affichent généralement sous quelques jours.',
  refundedAtTheDoor: (amount, event) => `Nous avons remboursé ${amount} pour votre commande pour ${event}. Vous l’avez achetée sur place\u00a0: le montant vous est rendu à la billetterie, selon le moyen de paiement utilisé.`,
  reason: (reason) => `Motif\u00a0: ${reason}`,
  someNoLongerValid: (n) =>
    `${formOf(n, { one: 'Le billet remboursé n’est plus valable', other: 'Les billets remboursés ne sont plus valables' }, 'fr')}\u00a0; vos autres billets de cette commande restent valables.`,
  allNoLongerValid: 'Les billets de cette commande ne sont plus valables.',
  allStillValid: 'Vos billets restent valables\u00a0: rien ne change pour l’événement.',
  creditNoteAttached: 'L’avoir correspondant à votre facture est joint.',

  eventWaitedFor: 'l’événement que vous attendiez',
  availableSubject: (event) => `Billets disponibles\u00a0: ${event}`,
  availableHeading: 'Des billets sont disponibles',
  availableLine: (n, event) =>
    `${
      n > 0
        ? `${countOf(n, { one: 'billet', other: 'billets' }, 'fr')} ${formOf(n, { one: 'peut de nouveau être acheté', other: 'peuvent de nouveau être achetés' }, 'fr')}`
        : 'Des billets peuvent de nouveau être achetés'
    } pour ${event}, et vous étiez en tête de sa liste d’attente.`,
  firstCome: 'Premier arrivé, premier servi\u00a0: les billets reviennent aux premiers acheteurs.',
  getTickets: 'Obtenir des billets',
  getTicketsLine: (link) => `Obtenir des billets\u00a0: ${link}`,
  offWaitlist: 'Vous n’êtes plus sur la liste d’attente\u00a0; inscrivez-vous de nouveau sur la page de l’événement si ces billets sont déjà partis.',

  anEvent: 'un événement',
  fromAccount: (email) => `Le compte EasyPass ${email}`,
  aCustomer: 'Un client EasyPass',
  untilFallback: 'à la date fixée par l’expéditeur',
  offeredWhat: (ticketTypeName, event) => `${ticketTypeName ? `un billet «\u00a0${ticketTypeName}\u00a0»` : 'un billet'} pour ${event}`,
  offeredSubject: (what) => `Un billet vous a été envoyé\u00a0: ${what}`,
  offeredHeading: 'Un billet pour vous',
  sentYou: (from, what, when) => `${from} vous a envoyé ${what}${when ? ` (${when})` : ''}.`,
  acceptTicket: 'Accepter le billet',
  acceptTicketLine: (link) => `Accepter le billet\u00a0: ${link}`,
  acceptBy: (until) =>
    `Acceptez-le au plus tard ${until}, en vous connectant à votre compte EasyPass (ou à un nouveau compte). Il est alors à vous, avec son propre code\u00a0; la copie de l’expéditeur ne fonctionne plus.`,
  notExpected: 'Vous ne l’attendiez pas\u00a0? Ignorez cet e-mail\u00a0: le billet reste à son expéditeur.',

  eventCancelled: (event) => `${event} a été annulé`,
  ticketNoLongerValid: (event) => `Votre billet pour ${event} n’est plus valable`,
  cancelledBuyerRefunded: (event) => `${event} a été annulé et son acheteur a été remboursé.`,
  // Follows a colon (`passedOnNoLongerValid`): lower case in French.
  orderRefundedToBuyer: 'sa commande a été remboursée à son acheteur.',
  passedOnNoLongerValid: (event, why) => `Le billet pour ${event} qui vous a été transmis n’est plus valable\u00a0: ${why}`,
  askBuyer: 'Si vous avez payé ce billet à son acheteur, demandez-lui de vous rembourser\u00a0: le remboursement est allé sur la carte avec laquelle il a payé.',

  theOrganiser: 'L’organisateur',
  wroteToHolders: (from, event) => `${from} a écrit à tous les détenteurs d’un billet pour ${event}\u00a0:`,
}

export const EMAIL_WORDS = { en: EN, de: DE, fr: FR } satisfies Record<Language, EmailWords>
