// The words of the in-app notifications, one table per language. German and French must have every key
// English has (the type says so). Values (event titles, addresses, amounts, times) come in as arguments.
import type { Language } from '@easypass/contracts/languages'
import { countOf, formOf } from '@easypass/kit'

const EN = {
  complimentaryTitle: (event: string | undefined) => (event ? `Complimentary tickets for ${event}` : 'Complimentary tickets given'),
  complimentaryBody: (n: number, to: string) => `${countOf(n, { one: 'complimentary ticket', other: 'complimentary tickets' }, 'en')} given to ${to}: the tickets went to that address.`,
  paidTitle: (event: string | undefined) => (event ? `Your tickets for ${event}` : 'Your tickets are ready'),
  /** `emailed`: the confirmation is on its way by email too. */
  paidBody: (n: number, amount: string, emailed: boolean) =>
    `Order confirmed: ${countOf(n, { one: 'ticket', other: 'tickets' }, 'en')}, ${amount}. Your tickets are in your orders${emailed ? ' and on their way to your inbox' : ''}.`,
  cancelledTitle: (event: string | undefined) => `${event ?? 'An event'} was cancelled`,
  refundTitle: (event: string | undefined) => `Refund for ${event ?? 'your order'}`,
  orderRefundedBody: (amount: string) => `Your order was refunded: ${amount} goes back to your card. Its tickets are no longer valid.`,
  /** Money given back without tickets (an organiser's goodwill refund). */
  amountRefundedBody: (amount: string) => `Part of what your order cost was refunded: ${amount} goes back to your card. Your tickets stay valid.`,
  ticketsRefundedBody: (n: number, amount: string) =>
    `${n === 1 ? '1 ticket' : `${n} tickets`} of your order ${n === 1 ? 'was' : 'were'} refunded: ${amount} goes back to your card. ${n === 1 ? 'It is' : 'They are'} no longer valid; your other tickets stay valid.`,
  holdTitle: (event: string | undefined) => `Your hold${event ? ` for ${event}` : ''} ends soon`,
  /** `amount` undefined: the tickets are free. `until`: a time of day, when known. */
  holdBody: (amount: string | undefined, until: string | undefined) =>
    `${amount === undefined ? 'Confirm your free tickets' : `Pay ${amount}`}${until ? ` by ${until}` : ' soon'} to keep them; after that they are released to other buyers.`,
  expiredTitle: 'Your reservation expired',
  expiredBody: (event: string | undefined) => `The tickets you held${event ? ` for ${event}` : ''} were released because the order was not paid in time.`,
  orderCancelledTitle: 'Order cancelled',
  /** `reason`: the system's own words (the event was removed, the tickets withdrawn), as given. */
  orderCancelledBody: (event: string | undefined, reason: string | undefined) =>
    reason
      ? `Your reservation${event ? ` for ${event}` : ''} was cancelled: ${reason}. Its tickets were released and nothing stays charged.`
      : `Your reservation${event ? ` for ${event}` : ''} was cancelled and its tickets were released. Nothing was charged.`,
  availableTitle: (event: string | undefined) => `Tickets are available${event ? ` for ${event}` : ''}`,
  availableBody: (n: number) =>
    `${n > 0 ? `${countOf(n, { one: 'ticket', other: 'tickets' }, 'en')} can be bought again` : 'Tickets can be bought again'} and you were next on the waiting list. First come, first served: get yours now.`,
  transferredTitle: (event: string | undefined) => `Your ticket${event ? ` for ${event}` : ''} was accepted`,
  transferredBody: (to: string | undefined) =>
    `${to ? `The ticket you offered to ${to} was accepted` : 'The ticket you passed on was accepted'}. It is theirs now, with a new code: your copy no longer opens the door.`,
  heldNoLongerValidTitle: (event: string | undefined) => `Your ticket${event ? ` for ${event}` : ''} is no longer valid`,
  heldCancelledBody: 'The ticket passed on to you is no longer valid: its buyer was refunded.',
  heldRefundedBody: 'Its order was refunded to its buyer, so the ticket passed on to you no longer opens the door.',
}

export type FactWords = typeof EN

const DE: FactWords = {
  complimentaryTitle: (event) => (event ? `Freikarten für ${event}` : 'Freikarten vergeben'),
  complimentaryBody: (n, to) => `${countOf(n, { one: 'Freikarte', other: 'Freikarten' }, 'de')} an ${to} vergeben: Die Tickets gingen an diese Adresse.`,
  paidTitle: (event) => (event ? `Ihre Tickets für ${event}` : 'Ihre Tickets sind bereit'),
  paidBody: (n, amount, emailed) =>
    `Bestellung bestätigt: ${countOf(n, { one: 'Ticket', other: 'Tickets' }, 'de')}, ${amount}. Ihre Tickets finden Sie unter Ihren Bestellungen${emailed ? ', und sie sind auf dem Weg in Ihr Postfach' : ''}.`,
  cancelledTitle: (event) => (event ? `${event} wurde abgesagt` : 'Eine Veranstaltung wurde abgesagt'),
  refundTitle: (event) => (event ? `Erstattung für ${event}` : 'Erstattung für Ihre Bestellung'),
  orderRefundedBody: (amount) => `Ihre Bestellung wurde erstattet: ${amount} werden Ihrer Karte gutgeschrieben. Ihre Tickets sind nicht mehr gültig.`,
  amountRefundedBody: (amount) => `Ein Teil des Preises Ihrer Bestellung wurde erstattet: ${amount} werden Ihrer Karte gutgeschrieben. Ihre Tickets bleiben gültig.`,
  ticketsRefundedBody: (n, amount) =>
    `${countOf(n, { one: 'Ticket', other: 'Tickets' }, 'de')} Ihrer Bestellung ${formOf(n, { one: 'wurde', other: 'wurden' }, 'de')} erstattet: ${amount} werden Ihrer Karte gutgeschrieben. ${formOf(n, { one: 'Dieses Ticket ist', other: 'Diese Tickets sind' }, 'de')} nicht mehr gültig; Ihre anderen Tickets bleiben gültig.`,
  holdTitle: (event) => `Ihre Reservierung${event ? ` für ${event}` : ''} läuft bald ab`,
  holdBody: (amount, until) =>
    `${amount === undefined ? 'Bestätigen Sie Ihre kostenlosen Tickets' : `Bezahlen Sie ${amount}`}${until ? ` bis ${until}` : ' in Kürze'}, um ${amount === undefined ? 'sie' : 'Ihre Tickets'} zu behalten; danach werden sie für andere Käufer freigegeben.`,
  expiredTitle: 'Ihre Reservierung ist abgelaufen',
  expiredBody: (event) => `Die für Sie reservierten Tickets${event ? ` für ${event}` : ''} wurden freigegeben, weil die Bestellung nicht rechtzeitig bezahlt wurde.`,
  orderCancelledTitle: 'Bestellung storniert',
  orderCancelledBody: (event, reason) =>
    reason
      ? `Ihre Reservierung${event ? ` für ${event}` : ''} wurde storniert: ${reason}. Die Tickets wurden freigegeben, und Ihnen wird nichts berechnet.`
      : `Ihre Reservierung${event ? ` für ${event}` : ''} wurde storniert und die Tickets wurden freigegeben. Es wurde nichts berechnet.`,
  availableTitle: (event) => (event ? `Tickets für ${event} verfügbar` : 'Tickets verfügbar'),
  availableBody: (n) =>
    `${n > 0 ? `${countOf(n, { one: 'Ticket', other: 'Tickets' }, 'de')} ${formOf(n, { one: 'kann', other: 'können' }, 'de')} wieder gekauft werden` : 'Tickets können wieder gekauft werden'}, und Sie waren auf der Warteliste als Nächstes an der Reihe. Wer zuerst kauft, bekommt sie: Sichern Sie sich jetzt Ihre Tickets.`,
  transferredTitle: (event) => `Ihr Ticket${event ? ` für ${event}` : ''} wurde angenommen`,
  transferredBody: (to) =>
    `${to ? `Das Ticket, das Sie ${to} angeboten haben, wurde angenommen` : 'Das Ticket, das Sie weitergegeben haben, wurde angenommen'}. Es gehört jetzt der anderen Person, mit einem neuen Code: Ihre Kopie gewährt keinen Einlass mehr.`,
  heldNoLongerValidTitle: (event) => `Ihr Ticket${event ? ` für ${event}` : ''} ist nicht mehr gültig`,
  heldCancelledBody: 'Das an Sie weitergegebene Ticket ist nicht mehr gültig: Der Käufer hat sein Geld erstattet bekommen.',
  heldRefundedBody: 'Die Bestellung wurde dem Käufer erstattet, daher gewährt das an Sie weitergegebene Ticket keinen Einlass mehr.',
}

const FR: FactWords = {
  complimentaryTitle: (event) => (event ? `Billets offerts pour ${event}` : 'Billets offerts'),
  complimentaryBody: (n, to) => `${countOf(n, { one: 'billet offert', other: 'billets offerts' }, 'fr')} à ${to}\u00a0: les billets ont été envoyés à cette adresse.`,
  paidTitle: (event) => (event ? `Vos billets pour ${event}` : 'Vos billets sont prêts'),
  paidBody: (n, amount, emailed) =>
    `Commande confirmée\u00a0: ${countOf(n, { one: 'billet', other: 'billets' }, 'fr')}, ${amount}. Vos billets sont dans vos commandes${emailed ? ' et en route vers votre boîte de réception' : ''}.`,
  cancelledTitle: (event) => (event ? `${event} a été annulé` : 'Un événement a été annulé'),
  refundTitle: (event) => (event ? `Remboursement pour ${event}` : 'Remboursement de votre commande'),
  orderRefundedBody: (amount) => `Votre commande a été remboursée\u00a0: ${amount} sont recrédités sur votre carte. Les billets de cette commande ne sont plus valables.`,
  amountRefundedBody: (amount) => `Une partie du prix de votre commande a été remboursée\u00a0: ${amount} sont recrédités sur votre carte. Vos billets restent valables.`,
  ticketsRefundedBody: (n, amount) =>
    `${countOf(n, { one: 'billet', other: 'billets' }, 'fr')} de votre commande ${formOf(n, { one: 'a été remboursé', other: 'ont été remboursés' }, 'fr')}\u00a0: ${amount} sont recrédités sur votre carte. ${formOf(n, { one: 'Il n’est plus valable', other: 'Ils ne sont plus valables' }, 'fr')}\u00a0; vos autres billets restent valables.`,
  holdTitle: (event) => `Votre réservation${event ? ` pour ${event}` : ''} expire bientôt`,
  holdBody: (amount, until) =>
    `${amount === undefined ? 'Confirmez vos billets gratuits' : `Payez ${amount}`}${until ? ` avant ${until}` : ' rapidement'} ${amount === undefined ? 'pour les garder' : 'pour garder vos billets'}\u00a0; passé ce délai, ils seront remis en vente.`,
  expiredTitle: 'Votre réservation a expiré',
  expiredBody: (event) => `Les billets que vous aviez réservés${event ? ` pour ${event}` : ''} ont été libérés, car la commande n’a pas été payée à temps.`,
  orderCancelledTitle: 'Commande annulée',
  orderCancelledBody: (event, reason) =>
    reason
      ? `Votre réservation${event ? ` pour ${event}` : ''} a été annulée\u00a0: ${reason}. Ses billets ont été libérés et rien ne vous est facturé.`
      : `Votre réservation${event ? ` pour ${event}` : ''} a été annulée et ses billets ont été libérés. Rien n’a été facturé.`,
  availableTitle: (event) => `Des billets sont disponibles${event ? ` pour ${event}` : ''}`,
  availableBody: (n) =>
    `${
      n > 0
        ? `${countOf(n, { one: 'billet', other: 'billets' }, 'fr')} ${formOf(n, { one: 'peut de nouveau être acheté', other: 'peuvent de nouveau être achetés' }, 'fr')}`
        : 'Des billets peuvent de nouveau être achetés'
    } et vous étiez en tête de la liste d’attente. Premier arrivé, premier servi\u00a0: réservez les vôtres dès maintenant.`,
  transferredTitle: (event) => `Votre billet${event ? ` pour ${event}` : ''} a été accepté`,
  transferredBody: (to) =>
    `${to ? `Le billet que vous avez proposé à ${to} a été accepté` : 'Le billet que vous avez transmis a été accepté'}. Il appartient désormais à cette personne, avec un nouveau code\u00a0: votre copie ne permet plus d’entrer.`,
  heldNoLongerValidTitle: (event) => `Votre billet${event ? ` pour ${event}` : ''} n’est plus valable`,
  heldCancelledBody: 'Le billet qui vous a été transmis n’est plus valable\u00a0: son acheteur a été remboursé.',
  heldRefundedBody: 'Sa commande a été remboursée à son acheteur\u00a0: le billet qui vous a été transmis ne permet donc plus d’entrer.',
}

export const FACT_WORDS = { en: EN, de: DE, fr: FR } satisfies Record<Language, FactWords>
