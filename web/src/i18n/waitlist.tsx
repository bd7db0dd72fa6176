import type { ComponentChildren } from 'preact'
import { defineMessages } from '../lib/i18n'

export const waitlistText = defineMessages({
  en: {
    signIn: 'Sign in',
    signInToJoin: (signIn: ComponentChildren) => <>{signIn} to join the waiting list: when tickets come back, the first in line are told.</>,
    joined: 'You are on the waiting list. We will tell you when tickets come back.',
    left: 'You left the waiting list.',
    onList: (since: string) => (
      <>
        <strong>You are on the waiting list</strong> since {since}. When tickets come back, the first in line are told here and by email.
      </>
    ),
    cameBack: (at: string) => `Tickets came back on ${at} and you were told. `,
    invite: 'Join the waiting list: when tickets come back, the first in line are told here and by email, one per ticket.',
    oneMoment: 'One moment…',
    leave: 'Leave the waiting list',
    joinAgain: 'Join the waiting list again',
    join: 'Join the waiting list',
  },
  de: {
    signIn: 'Melden Sie sich an',
    signInToJoin: (signIn: ComponentChildren) => <>{signIn}, um sich auf die Warteliste zu setzen: Wenn wieder Tickets frei werden, erfahren es die Ersten auf der Liste.</>,
    joined: 'Sie stehen auf der Warteliste. Wir sagen Ihnen Bescheid, wenn wieder Tickets frei werden.',
    left: 'Sie haben die Warteliste verlassen.',
    onList: (since: string) => (
      <>
        <strong>Sie stehen auf der Warteliste</strong> seit {since}. Wenn wieder Tickets frei werden, erfahren es die Ersten auf der Liste hier und per E-Mail.
      </>
    ),
    cameBack: (at: string) => `Am ${at} wurden wieder Tickets frei und Sie wurden benachrichtigt. `,
    invite: 'Setzen Sie sich auf die Warteliste: Wenn wieder Tickets frei werden, erfahren es die Ersten auf der Liste hier und per E-Mail, eine Person pro Ticket.',
    oneMoment: 'Einen Moment…',
    leave: 'Warteliste verlassen',
    joinAgain: 'Erneut auf die Warteliste',
    join: 'Auf die Warteliste',
  },
  fr: {
    signIn: 'Connectez-vous',
    signInToJoin: (signIn: ComponentChildren) => <>{signIn} pour rejoindre la liste d’attente : quand des billets se libèrent, les premiers de la liste sont prévenus.</>,
    joined: 'Vous êtes sur la liste d’attente. Nous vous préviendrons quand des billets se libéreront.',
    left: 'Vous avez quitté la liste d’attente.',
    onList: (since: string) => (
      <>
        <strong>Vous êtes sur la liste d’attente</strong> depuis le {since}. Quand des billets se libèrent, les premiers de la liste sont prévenus ici et par e-mail.
      </>
    ),
    cameBack: (at: string) => `Des billets se sont libérés le ${at} et vous avez été prévenu. `,
    invite: 'Rejoignez la liste d’attente : quand des billets se libèrent, les premiers de la liste sont prévenus ici et par e-mail, une personne par billet.',
    oneMoment: 'Un instant…',
    leave: 'Quitter la liste d’attente',
    joinAgain: 'Rejoindre à nouveau la liste d’attente',
    join: 'Rejoindre la liste d’attente',
  },
})
