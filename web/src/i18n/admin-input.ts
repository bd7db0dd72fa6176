import { defineMessages } from '../lib/i18n'

/**
 * What the admin pages' own parsers say about what was typed: numbered seats ("A:10, B:12") and a
 * pasted guest list. The server's rules, which the seating check also applies, come in its words.
 */
export const adminInputText = defineMessages({
  en: {
    seating: {
      backwards: (part: string, from: string, to: string) => `“${part}”: the rows go from ${from} to ${to}, backwards.`,
      notARow: (part: string) => `“${part}” is not a row: write the row and its seats, like A:12 (or A-F:20 for rows A to F).`,
      empty: 'Enter the rows, like A:12, B:14.',
      tooManyRows: (max: number) => `At most ${max} rows.`,
      rowSeats: (row: string, max: number) => `Row ${row}: 1 to ${max} seats.`,
    },
    guests: {
      notAnEmail: (line: number, address: string) => `line ${line}: “${address}” is not an email address`,
      twice: (line: number, address: string, first: number) => `line ${line}: ${address} is on line ${first} already`,
      none: 'enter at least one guest',
      tooMany: (max: number, given: number) => `at most ${max} guests at once, not ${given}`,
    },
    yourTimeZone: 'your time zone',
  },
  de: {
    seating: {
      backwards: (part: string, from: string, to: string) => `„${part}“: Die Reihen gehen rückwärts, von ${from} bis ${to}.`,
      notARow: (part: string) => `„${part}“ ist keine Reihe: Schreiben Sie die Reihe und ihre Plätze, etwa A:12 (oder A-F:20 für die Reihen A bis F).`,
      empty: 'Geben Sie die Reihen ein, etwa A:12, B:14.',
      tooManyRows: (max: number) => `Höchstens ${max} Reihen.`,
      rowSeats: (row: string, max: number) => `Reihe ${row}: 1 bis ${max} Plätze.`,
    },
    guests: {
      notAnEmail: (line: number, address: string) => `Zeile ${line}: „${address}“ ist keine E-Mail-Adresse`,
      twice: (line: number, address: string, first: number) => `Zeile ${line}: ${address} steht schon in Zeile ${first}`,
      none: 'Geben Sie mindestens einen Gast ein',
      tooMany: (max: number, given: number) => `höchstens ${max} Gäste auf einmal, nicht ${given}`,
    },
    yourTimeZone: 'Ihre Zeitzone',
  },
  fr: {
    seating: {
      backwards: (part: string, from: string, to: string) => `« ${part} »\u00a0: les rangs vont de ${from} à ${to}, à rebours.`,
      notARow: (part: string) => `« ${part} » n’est pas un rang\u00a0: écrivez le rang et ses places, par exemple A:12 (ou A-F:20 pour les rangs A à F).`,
      empty: 'Saisissez les rangs, par exemple A:12, B:14.',
      tooManyRows: (max: number) => `${max} rangs au plus.`,
      rowSeats: (row: string, max: number) => `Rang ${row}\u00a0: de 1 à ${max} places.`,
    },
    guests: {
      notAnEmail: (line: number, address: string) => `ligne ${line}\u00a0: « ${address} » n’est pas une adresse e-mail`,
      twice: (line: number, address: string, first: number) => `ligne ${line}\u00a0: ${address} figure déjà à la ligne ${first}`,
      none: 'saisissez au moins un invité',
      tooMany: (max: number, given: number) => `${max} invités au plus à la fois, et non ${given}`,
    },
    yourTimeZone: 'votre fuseau horaire',
  },
})
