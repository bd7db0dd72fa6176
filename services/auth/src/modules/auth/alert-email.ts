// The email an account's owner gets when wrong two-step codes reach the account's limit: a code is asked
// for only after the right password (or a password link from the owner's mailbox), so whoever typed them
// has one of those. Auth does not know the owner's language (the requests came from whoever typed them),
// so it says it in each of ours.
import { counter } from '@easypass/kit'
import { LANGUAGES, type Language } from '@easypass/contracts/languages'
import { accountMailer, inEveryLanguage, type AccountMailOptions } from './mailer'

const sent = counter('auth_code_limit_alerts_total', 'Emails telling an owner that wrong two-step codes reached the limit, by outcome', ['status'])

const NBSP = '\u00a0'

const WORDS: Record<Language, { subject: string; lines: (wrong: number, link: string) => string[] }> = {
  en: {
    subject: 'Security alert',
    lines: (wrong, link) => [
      'Hello,',
      `someone got past your EasyPass password (or opened a password link sent to you) and then typed ${wrong} wrong codes of your authenticator app within the hour. Codes for your account are refused until the hour is over.`,
      `If this was not you, someone else knows your password: choose a new one now (it signs you out everywhere): ${link}`,
      'If it was you, nothing more is needed: wait for the hour to end, and check the clock of your phone.',
    ],
  },
  de: {
    subject: 'Sicherheitswarnung',
    lines: (wrong, link) => [
      'Hallo,',
      `jemand ist an Ihrem EasyPass-Passwort vorbeigekommen (oder hat einen Ihnen gesendeten Passwort-Link geöffnet) und hat dann innerhalb einer Stunde ${wrong} falsche Codes Ihrer Authenticator-App eingegeben. Codes für Ihr Konto werden abgelehnt, bis die Stunde um ist.`,
      `Wenn Sie das nicht waren, kennt jemand anderes Ihr Passwort: Legen Sie jetzt ein neues fest (damit werden Sie überall abgemeldet): ${link}`,
      'Wenn Sie es waren, ist nichts weiter nötig: Warten Sie, bis die Stunde um ist, und prüfen Sie die Uhr Ihres Telefons.',
    ],
  },
  fr: {
    subject: 'Alerte de sécurité',
    lines: (wrong, link) => [
      'Bonjour,',
      `quelqu'un a passé votre mot de passe EasyPass (ou ouvert un lien de mot de passe qui vous a été envoyé) puis a saisi ${wrong} codes erronés de votre application d'authentification en moins d'une heure. Les codes de votre compte sont refusés jusqu'à la fin de l'heure.`,
      `Si ce n'était pas vous, quelqu'un d'autre connaît votre mot de passe${NBSP}: choisissez-en un nouveau maintenant (cela vous déconnecte partout)${NBSP}: ${link}`,
      `Si c'était vous, il n'y a rien d'autre à faire${NBSP}: attendez la fin de l'heure et vérifiez l'horloge de votre téléphone.`,
    ],
  },
}

/** The alert, in every language we write (English first); `link` is where a new password is asked for. */
export function renderCodeLimitAlert(wrong: number, link: string) {
  const subject = `EasyPass: ${LANGUAGES.map((lang) => WORDS[lang].subject).join(' / ')}`
  return { subject, ...inEveryLanguage({ en: WORDS.en.lines(wrong, link), de: WORDS.de.lines(wrong, link), fr: WORDS.fr.lines(wrong, link) }) }
}

export interface AlertMailer {
  /** Never throws: the refusal the alert is about was answered already. */
  codeLimitReached(to: string, wrong: number): Promise<void>
}

export function alertMailer(opts: AccountMailOptions, publicUrl: string): AlertMailer {
  const send = accountMailer(opts, 'two-step code limit alert', sent)
  const link = `${publicUrl.replace(/\/+$/, '')}/forgot-password`
  return {
    codeLimitReached: (to, wrong) => send({ to, ...renderCodeLimitAlert(wrong, link) }, []),
  }
}
