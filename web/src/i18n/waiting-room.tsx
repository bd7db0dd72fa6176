import { count, defineMessages } from '../lib/i18n'

export const waitingRoomText = defineMessages({
  en: {
    yourTurn: (until: string) => `It is your turn: pick your tickets and buy before ${until}.`,
    turnEnded: 'Your turn to buy has ended. Join the line again for a new place.',
    inLine: (position: string) => `You are in the line: number ${position}.`,
    roomTitle: 'This sale goes through a waiting room.',
    roomIntro: (from: string | undefined) => `Join the line to get your place: buyers are let in in the order they joined${from ? `, from ${from}` : ''}.`,
    waiting: (n: number) => `${count(n, { one: 'person is', other: 'people are' })} waiting.`,
    nobodyWaiting: 'Nobody is waiting now.',
    place: (position: string, ahead: number) => (
      <>
        You are number <strong>{position}</strong> in the line{ahead ? `, ${count(ahead, { one: 'person', other: 'people' })} ahead of you` : ''}.
      </>
    ),
    startsMoving: (at: string) => `The line starts moving ${at}. `,
    aboutMinutes: (n: number) => `About ${count(n, { one: 'minute', other: 'minutes' })} to go. `,
    aboutSeconds: (n: number) => `About ${count(n, { one: 'second', other: 'seconds' })} to go. `,
    keepOpen: 'Keep this page open: it lets you in by itself, and your turn starts when the line reaches you.',
    joining: 'Joining…',
    joinAgain: 'Join the line again',
    join: 'Join the line',
    signInToJoin: 'Sign in to join the line',
  },
  de: {
    yourTurn: (until: string) => `Sie sind an der Reihe: Wählen Sie Ihre Tickets und kaufen Sie bis ${until}.`,
    turnEnded: 'Ihre Zeit zum Kaufen ist abgelaufen. Stellen Sie sich erneut an, um einen neuen Platz zu erhalten.',
    inLine: (position: string) => `Sie sind in der Warteschlange: Nummer ${position}.`,
    roomTitle: 'Dieser Verkauf läuft über einen Warteraum.',
    roomIntro: (from: string | undefined) => `Stellen Sie sich an, um Ihren Platz zu erhalten: Käufer werden in der Reihenfolge eingelassen, in der sie sich angestellt haben${from ? `, ab ${from}` : ''}.`,
    waiting: (n: number) => `${count(n, { one: 'Person wartet', other: 'Personen warten' })}.`,
    nobodyWaiting: 'Gerade wartet niemand.',
    place: (position: string, ahead: number) => (
      <>
        Sie haben die Nummer <strong>{position}</strong> in der Warteschlange{ahead ? `, ${count(ahead, { one: 'Person', other: 'Personen' })} vor Ihnen` : ''}.
      </>
    ),
    startsMoving: (at: string) => `Die Warteschlange setzt sich am ${at} in Bewegung. `,
    aboutMinutes: (n: number) => `Noch etwa ${count(n, { one: 'Minute', other: 'Minuten' })}. `,
    aboutSeconds: (n: number) => `Noch etwa ${count(n, { one: 'Sekunde', other: 'Sekunden' })}. `,
    keepOpen: 'Lassen Sie diese Seite geöffnet: Sie werden automatisch eingelassen, und Ihre Zeit zum Kaufen beginnt, sobald die Warteschlange Sie erreicht.',
    joining: 'Wird angestellt…',
    joinAgain: 'Erneut anstellen',
    join: 'In die Warteschlange',
    signInToJoin: 'Anmelden und anstellen',
  },
  fr: {
    yourTurn: (until: string) => `C’est votre tour : choisissez vos billets et achetez avant le ${until}.`,
    turnEnded: 'Votre tour pour acheter est terminé. Rejoignez à nouveau la file pour obtenir une nouvelle place.',
    inLine: (position: string) => `Vous êtes dans la file : numéro ${position}.`,
    roomTitle: 'Cette vente passe par une salle d’attente.',
    roomIntro: (from: string | undefined) => `Rejoignez la file pour obtenir votre place : les acheteurs entrent dans l’ordre d’arrivée${from ? `, à partir du ${from}` : ''}.`,
    waiting: (n: number) => `${count(n, { one: 'personne attend', other: 'personnes attendent' })}.`,
    nobodyWaiting: 'Personne n’attend pour le moment.',
    place: (position: string, ahead: number) => (
      <>
        Vous êtes numéro <strong>{position}</strong> dans la file{ahead ? `, ${count(ahead, { one: 'personne', other: 'personnes' })} devant vous` : ''}.
      </>
    ),
    startsMoving: (at: string) => `La file commence à avancer le ${at}. `,
    aboutMinutes: (n: number) => `Encore environ ${count(n, { one: 'minute', other: 'minutes' })} d’attente. `,
    aboutSeconds: (n: number) => `Encore environ ${count(n, { one: 'seconde', other: 'secondes' })} d’attente. `,
    keepOpen: 'Gardez cette page ouverte : elle vous fait entrer d’elle-même, et votre tour commence quand la file arrive jusqu’à vous.',
    joining: 'Inscription…',
    joinAgain: 'Rejoindre à nouveau la file',
    join: 'Rejoindre la file',
    signInToJoin: 'Se connecter pour rejoindre la file',
  },
})
