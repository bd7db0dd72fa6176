// The email a guest gets before their unused guest account is deleted (GUEST_NOTICE_DAYS ahead): what
// goes, what stays (the tickets keep working), and how to keep it (come back by a link, or keep it as an
// account). In the language of the guest's newest order (orders says it); without one, in English,
// German and French, one after the other.
import { counter } from '@easypass/kit'
import { LANGUAGES, type Language } from '@easypass/contracts/languages'
import { accountMailer, inEveryLanguage, inOneLanguage, type AccountMailOptions } from './mailer'

const sent = counter('auth_guest_notice_emails_total', 'Emails telling a guest their unused guest account will be deleted, by outcome', ['status'])

const NBSP = '\u00a0'

const WORDS: Record<Language, { subject: string; body: (day: string, tickets: string) => string[] }> = {
  en: {
    subject: 'Your EasyPass guest account will be deleted',
    body: (day, tickets) => [
      'Hello,',
      `You bought tickets at EasyPass as a guest with this address. Nobody has used that guest account for a long time, so it will be deleted on ${day}, with your name and this address.`,
      'Your orders and tickets stay: the tickets in your emails keep working.',
      `To keep the account, come back before then: ask for a link at ${tickets} and open it (you can also keep your tickets in an account with a password there).`,
    ],
  },
  de: {
    subject: 'Ihr EasyPass-Gastkonto wird gelöscht',
    body: (day, tickets) => [
      'Hallo,',
      `Sie haben mit dieser Adresse als Gast Tickets bei EasyPass gekauft. Dieses Gastkonto wurde lange nicht genutzt und wird daher am ${day} gelöscht, mit Ihrem Namen und dieser Adresse.`,
      'Ihre Bestellungen und Tickets bleiben: Die Tickets in Ihren E-Mails gelten weiter.',
      `Um das Konto zu behalten, kommen Sie vorher zurück: Fordern Sie unter ${tickets} einen Link an und öffnen Sie ihn (dort können Sie Ihre Tickets auch in einem Konto mit Passwort behalten).`,
    ],
  },
  fr: {
    subject: 'Votre compte invité EasyPass sera supprimé',
    body: (day, tickets) => [
      'Bonjour,',
      `Vous avez acheté des billets sur EasyPass en tant qu'invité avec cette adresse. Ce compte invité n'a pas servi depuis longtemps${NBSP}: il sera supprimé le ${day}, avec votre nom et cette adresse.`,
      `Vos commandes et vos billets restent${NBSP}: les billets de vos e-mails restent valables.`,
      `Pour garder le compte, revenez avant cette date${NBSP}: demandez un lien sur ${tickets} et ouvrez-le (vous pouvez aussi y garder vos billets dans un compte avec mot de passe).`,
    ],
  },
}

/** The notice: the day the account goes, and where to ask for a link back (`<publicUrl>/tickets`); in `language`, or in every one. */
export function renderGuestNoticeEmail(deleteOn: Date, publicUrl: string, language?: Language) {
  const tickets = `${publicUrl.replace(/\/+$/, '')}/tickets`
  const lines = (lang: Language) => WORDS[lang].body(new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(deleteOn), tickets)
  if (language) return { subject: WORDS[language].subject, ...inOneLanguage(language, lines(language), tickets) }
  return { subject: LANGUAGES.map((lang) => WORDS[lang].subject).join(' / '), ...inEveryLanguage({ en: lines('en'), de: lines('de'), fr: lines('fr') }, tickets) }
}

export interface GuestNoticeMailer {
  /** Never throws. */
  send(to: string, deleteOn: Date, language?: Language): Promise<void>
}

export function guestNoticeMailer(opts: AccountMailOptions, publicUrl: string): GuestNoticeMailer {
  const send = accountMailer(opts, 'guest deletion notice', sent)
  return { send: (to, deleteOn, language) => send({ to, ...renderGuestNoticeEmail(deleteOn, publicUrl, language) }, []) }
}
