import { count, defineMessages } from '../lib/i18n'

/**
 * A purchase's refusals that name what was refused (a ticket type sold out, a seat taken, a limit), in
 * the reader's words: the server writes them in English and says what it refused in `details`, which
 * these are worded from (`wordRefusal`).
 */
export const refusalText = defineMessages({
  en: {
    soldOut: (name: string) => `“${name}” is sold out.`,
    onlyLeft: (n: number, name: string) => `Only ${n} “${name}” left.`,
    poolLeft: (n: number, pool: string, names: string, asked: number) => `Only ${count(n, { one: 'ticket is', other: 'tickets are' })} left of “${pool}”, which ${names} share: not ${asked}.`,
    seatsTaken: (seats: string[], name: string) => (seats.length === 1 ? `Seat ${seats[0]} of “${name}” is taken.` : `Seats ${seats.join(', ')} of “${name}” are taken.`),
    atMost: (n: number, name: string) => `At most ${n} “${name}” per order.`,
    salesOpen: (name: string, at: string) => `Sales of “${name}” open on ${at}.`,
    salesClosed: (name: string, at: string) => `Sales of “${name}” closed on ${at}.`,
    unpaidHolds: (n: number) => `You already hold ${count(n, { one: 'unpaid order', other: 'unpaid orders' })} for this event: pay or cancel one of them first.`,
    and: 'and',
    quote: (name: string) => `“${name}”`,
  },
  de: {
    soldOut: (name: string) => `„${name}“ ist ausverkauft.`,
    onlyLeft: (n: number, name: string) => `Von „${name}“ sind nur noch ${n} übrig.`,
    poolLeft: (n: number, pool: string, names: string, asked: number) => `Von „${pool}“, das sich ${names} teilen, sind nur noch ${count(n, { one: 'Ticket', other: 'Tickets' })} übrig, nicht ${asked}.`,
    seatsTaken: (seats: string[], name: string) => (seats.length === 1 ? `Platz ${seats[0]} von „${name}“ ist vergeben.` : `Die Plätze ${seats.join(', ')} von „${name}“ sind vergeben.`),
    atMost: (n: number, name: string) => `Höchstens ${n} × „${name}“ pro Bestellung.`,
    salesOpen: (name: string, at: string) => `Der Verkauf von „${name}“ beginnt am ${at}.`,
    salesClosed: (name: string, at: string) => `Der Verkauf von „${name}“ endete am ${at}.`,
    unpaidHolds: (n: number) => `Sie halten schon ${count(n, { one: 'unbezahlte Bestellung', other: 'unbezahlte Bestellungen' })} für diese Veranstaltung: Bezahlen oder stornieren Sie zuerst eine davon.`,
    and: 'und',
    quote: (name: string) => `„${name}“`,
  },
  fr: {
    soldOut: (name: string) => `«\u00a0${name}\u00a0» est complet.`,
    onlyLeft: (n: number, name: string) => `Il ne reste que ${n} «\u00a0${name}\u00a0».`,
    poolLeft: (n: number, pool: string, names: string, asked: number) => `Il ne reste que ${count(n, { one: 'billet', other: 'billets' })} de «\u00a0${pool}\u00a0», que ${names} se partagent\u00a0: pas ${asked}.`,
    seatsTaken: (seats: string[], name: string) => (seats.length === 1 ? `La place ${seats[0]} de «\u00a0${name}\u00a0» est prise.` : `Les places ${seats.join(', ')} de «\u00a0${name}\u00a0» sont prises.`),
    atMost: (n: number, name: string) => `${n} «\u00a0${name}\u00a0» au maximum par commande.`,
    salesOpen: (name: string, at: string) => `La vente de «\u00a0${name}\u00a0» ouvre le ${at}.`,
    salesClosed: (name: string, at: string) => `La vente de «\u00a0${name}\u00a0» a fermé le ${at}.`,
    unpaidHolds: (n: number) => `Vous avez déjà ${count(n, { one: 'commande non payée', other: 'commandes non payées' })} pour cet événement\u00a0: payez ou annulez d’abord l’une d’elles.`,
    and: 'et',
    quote: (name: string) => `«\u00a0${name}\u00a0»`,
  },
})
