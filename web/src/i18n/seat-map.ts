import { defineMessages } from '../lib/i18n'

/** Why a seat cannot be pressed: taken by someone else, or the order already has the most it may. */
type SeatState = 'taken' | 'limited' | undefined

export const seatMapText = defineMessages({
  en: {
    legend: (name: string) => `Choose your ${name} seats`,
    help: 'Front of the hall at the top. Pick seats, or choose a number above for the best seats left. Arrow keys move between seats.',
    picked: (seats: string[]) => `Picked: ${seats.join(', ')}.`,
    nonePicked: 'No seats picked.',
    most: (max: number) => ` That is the most for one order (${max}).`,
    stage: 'Stage',
    row: (label: string) => `Row ${label}`,
    seat: (row: string, n: number, state: SeatState, max: number) => `Row ${row}, seat ${n}${state === 'taken' ? ', taken' : state === 'limited' ? ', at most ' + max + ' per order' : ''}`,
  },
  de: {
    legend: (name: string) => `Wählen Sie Ihre Plätze: ${name}`,
    help: 'Die Bühne ist oben. Wählen Sie Plätze oder oben eine Anzahl für die besten noch freien Plätze. Mit den Pfeiltasten wechseln Sie zwischen den Plätzen.',
    picked: (seats: string[]) => `Gewählt: ${seats.join(', ')}.`,
    nonePicked: 'Keine Plätze gewählt.',
    most: (max: number) => ` Das ist das Maximum für eine Bestellung (${max}).`,
    stage: 'Bühne',
    row: (label: string) => `Reihe ${label}`,
    seat: (row: string, n: number, state: SeatState, max: number) => `Reihe ${row}, Platz ${n}${state === 'taken' ? ', belegt' : state === 'limited' ? `, höchstens ${max} pro Bestellung` : ''}`,
  },
  fr: {
    legend: (name: string) => `Choisissez vos places : ${name}`,
    help: 'La scène est en haut. Choisissez des places, ou indiquez un nombre ci-dessus pour les meilleures places restantes. Les touches fléchées permettent de passer d’une place à l’autre.',
    picked: (seats: string[]) => `Choisies : ${seats.join(', ')}.`,
    nonePicked: 'Aucune place choisie.',
    most: (max: number) => ` C’est le maximum pour une commande (${max}).`,
    stage: 'Scène',
    row: (label: string) => `Rang ${label}`,
    seat: (row: string, n: number, state: SeatState, max: number) => `Rang ${row}, place ${n}${state === 'taken' ? ', prise' : state === 'limited' ? `, ${max} au maximum par commande` : ''}`,
  },
})
