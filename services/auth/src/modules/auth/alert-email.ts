// The email an account's owner gets when wrong two-step codes reach the account's limit: a code is asked
// for only after the right password (or a password link from the owner's mailbox), so whoever typed them
// has one of those. Auth does not know the owner's language (the requests came from whoever typed them),
// so it says it in each of ours.
import { counter } from '@easypass/kit'
import { LANGUAGES, type Language } from '@easypass/contracts/languages'
import { accountMailer, inEveryLanguage, type AccountMailOptions } from './mailer'

const sent = counter('auth_code_limit_alerts_total', 'Emails telling an owner that wrong two-step codes reached the limit, by outcome', ['status'])

const twoFactorNoticed = counter('auth_two_factor_on_emails_total', 'Emails telling an owner that two-step sign-in was turned on, by outcome', ['status'])

const twoFactorOffNoticed = counter('auth_two_factor_off_emails_total', 'Emails telling an owner that two-step sign-in was turned off (by them or by an admin), by outcome', ['status'])

const passkeysNoticed = counter('auth_passkey_notice_emails_total', 'Emails telling an owner that a passkey was added, or that an admin removed theirs, by outcome', ['status'])

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

const PASSKEY_WORDS: Record<Language, { subject: string; lines: (name: string, account: string, reset: string) => string[] }> = {
  en: {
    subject: 'A passkey was added',
    lines: (name, account, reset) => [
      'Hello,',
      `a passkey ("${name}") was added to your EasyPass account. It signs in without your password.`,
      `If this was you, nothing more is needed. If it was not, someone knows your password: remove the passkey on your account page (${account}) and choose a new password (${reset}).`,
    ],
  },
  de: {
    subject: 'Ein Passkey wurde hinzugefügt',
    lines: (name, account, reset) => [
      'Hallo,',
      `zu Ihrem EasyPass-Konto wurde ein Passkey („${name}“) hinzugefügt. Er meldet Sie ohne Ihr Passwort an.`,
      `Wenn Sie das waren, ist nichts weiter nötig. Wenn nicht, kennt jemand Ihr Passwort: Entfernen Sie den Passkey auf Ihrer Kontoseite (${account}) und legen Sie ein neues Passwort fest (${reset}).`,
    ],
  },
  fr: {
    subject: 'Une clé d’accès a été ajoutée',
    lines: (name, account, reset) => [
      'Bonjour,',
      `une clé d’accès («${NBSP}${name}${NBSP}») a été ajoutée à votre compte EasyPass. Elle permet de se connecter sans votre mot de passe.`,
      `Si c’était vous, il n’y a rien d’autre à faire. Sinon, quelqu’un connaît votre mot de passe${NBSP}: supprimez la clé d’accès sur la page de votre compte (${account}) et choisissez un nouveau mot de passe (${reset}).`,
    ],
  },
}

const REMOVED_WORDS: Record<Language, { subject: string; lines: (count: number, account: string) => string[] }> = {
  en: {
    subject: 'Your passkeys were removed',
    lines: (count, account) => [
      'Hello,',
      `an EasyPass admin removed ${count === 1 ? 'the passkey' : `the ${count} passkeys`} of your account, and signed out every device signed in with ${count === 1 ? 'it' : 'them'}. Sign in with your password; you can add a passkey again on your account page (${account}).`,
      'If you did not ask for this, write to us.',
    ],
  },
  de: {
    subject: 'Ihre Passkeys wurden entfernt',
    lines: (count, account) => [
      'Hallo,',
      `ein EasyPass-Administrator hat ${count === 1 ? 'den Passkey' : `die ${count} Passkeys`} Ihres Kontos entfernt und jedes damit angemeldete Gerät abgemeldet. Melden Sie sich mit Ihrem Passwort an; auf Ihrer Kontoseite (${account}) können Sie wieder einen Passkey hinzufügen.`,
      'Wenn Sie das nicht veranlasst haben, schreiben Sie uns.',
    ],
  },
  fr: {
    subject: 'Vos clés d’accès ont été supprimées',
    lines: (count, account) => [
      'Bonjour,',
      `un administrateur d’EasyPass a supprimé ${count === 1 ? 'la clé d’accès' : `les ${count} clés d’accès`} de votre compte et déconnecté chaque appareil connecté avec ${count === 1 ? 'elle' : 'elles'}. Connectez-vous avec votre mot de passe${NBSP}; vous pouvez de nouveau ajouter une clé d’accès sur la page de votre compte (${account}).`,
      `Si vous ne l’avez pas demandé, écrivez-nous.`,
    ],
  },
}

const TWO_FACTOR_ON_WORDS: Record<Language, { subject: string; lines: (account: string) => string[] }> = {
  en: {
    subject: 'Two-step sign-in was turned on',
    lines: (account) => [
      'Hello,',
      `two-step sign-in was turned on for your EasyPass account: signing in now takes a code from an authenticator app as well as the password, and every device that was signed in was signed out.`,
      `If this was you, nothing more is needed (keep your recovery codes safe). If it was not, someone knows your password and holds the app: write to us at once, so that an admin turns it off for you, then choose a new password on your account page (${account}).`,
    ],
  },
  de: {
    subject: 'Die Anmeldung in zwei Schritten wurde eingeschaltet',
    lines: (account) => [
      'Hallo,',
      `für Ihr EasyPass-Konto wurde die Anmeldung in zwei Schritten eingeschaltet: Die Anmeldung verlangt jetzt neben dem Passwort einen Code aus einer Authenticator-App, und jedes angemeldete Gerät wurde abgemeldet.`,
      `Wenn Sie das waren, ist nichts weiter nötig (bewahren Sie Ihre Wiederherstellungscodes sicher auf). Wenn nicht, kennt jemand Ihr Passwort und hat die App: Schreiben Sie uns sofort, damit ein Administrator sie für Sie ausschaltet, und legen Sie dann auf Ihrer Kontoseite (${account}) ein neues Passwort fest.`,
    ],
  },
  fr: {
    subject: 'La connexion en deux étapes a été activée',
    lines: (account) => [
      'Bonjour,',
      `la connexion en deux étapes a été activée sur votre compte EasyPass${NBSP}: la connexion demande maintenant un code d’une application d’authentification en plus du mot de passe, et chaque appareil connecté a été déconnecté.`,
      `Si c’était vous, il n’y a rien d’autre à faire (gardez vos codes de récupération en lieu sûr). Sinon, quelqu’un connaît votre mot de passe et détient l’application${NBSP}: écrivez-nous tout de suite, pour qu’un administrateur la désactive pour vous, puis choisissez un nouveau mot de passe sur la page de votre compte (${account}).`,
    ],
  },
}

const TWO_FACTOR_OFF_WORDS: Record<Language, { subject: string; lines: (byAdmin: boolean, account: string, reset: string) => string[] }> = {
  en: {
    subject: 'Two-step sign-in was turned off',
    lines: (byAdmin, account, reset) => [
      'Hello,',
      byAdmin
        ? 'an EasyPass admin turned two-step sign-in off for your account (as is done when a phone and its recovery codes are lost): signing in now takes your password alone.'
        : 'two-step sign-in was turned off for your EasyPass account, with your password and a code: signing in now takes your password alone.',
      `If you did not ask for this, someone knows your password: choose a new one now (${reset}), then turn two-step sign-in on again on your account page (${account}).`,
    ],
  },
  de: {
    subject: 'Die Anmeldung in zwei Schritten wurde ausgeschaltet',
    lines: (byAdmin, account, reset) => [
      'Hallo,',
      byAdmin
        ? 'ein Administrator von EasyPass hat die Anmeldung in zwei Schritten für Ihr Konto ausgeschaltet (wie es geschieht, wenn ein Telefon und seine Wiederherstellungscodes verloren sind): Die Anmeldung verlangt jetzt nur noch Ihr Passwort.'
        : 'für Ihr EasyPass-Konto wurde die Anmeldung in zwei Schritten mit Ihrem Passwort und einem Code ausgeschaltet: Die Anmeldung verlangt jetzt nur noch Ihr Passwort.',
      `Wenn Sie das nicht veranlasst haben, kennt jemand Ihr Passwort: Legen Sie jetzt ein neues fest (${reset}) und schalten Sie die Anmeldung in zwei Schritten auf Ihrer Kontoseite (${account}) wieder ein.`,
    ],
  },
  fr: {
    subject: 'La connexion en deux étapes a été désactivée',
    lines: (byAdmin, account, reset) => [
      'Bonjour,',
      byAdmin
        ? `un administrateur d’EasyPass a désactivé la connexion en deux étapes de votre compte (comme on le fait quand un téléphone et ses codes de récupération sont perdus)${NBSP}: la connexion ne demande plus que votre mot de passe.`
        : `la connexion en deux étapes de votre compte EasyPass a été désactivée avec votre mot de passe et un code${NBSP}: la connexion ne demande plus que votre mot de passe.`,
      `Si vous ne l’avez pas demandé, quelqu’un connaît votre mot de passe${NBSP}: choisissez-en un nouveau maintenant (${reset}), puis réactivez la connexion en deux étapes sur la page de votre compte (${account}).`,
    ],
  },
}

/** The owner told that two-step sign-in was turned off, in every language. */
export function renderTwoFactorOff(byAdmin: boolean, account: string, reset: string) {
  const subject = `EasyPass: ${LANGUAGES.map((lang) => TWO_FACTOR_OFF_WORDS[lang].subject).join(' / ')}`
  return { subject, ...inEveryLanguage({ en: TWO_FACTOR_OFF_WORDS.en.lines(byAdmin, account, reset), de: TWO_FACTOR_OFF_WORDS.de.lines(byAdmin, account, reset), fr: TWO_FACTOR_OFF_WORDS.fr.lines(byAdmin, account, reset) }) }
}

/** The owner told that two-step sign-in was turned on, in every language (whoever did it chose the page's). */
export function renderTwoFactorOn(account: string) {
  const subject = `EasyPass: ${LANGUAGES.map((lang) => TWO_FACTOR_ON_WORDS[lang].subject).join(' / ')}`
  return { subject, ...inEveryLanguage({ en: TWO_FACTOR_ON_WORDS.en.lines(account), de: TWO_FACTOR_ON_WORDS.de.lines(account), fr: TWO_FACTOR_ON_WORDS.fr.lines(account) }) }
}

/** The owner told that an admin removed their passkeys, in every language (an admin's request says nothing of theirs). */
export function renderPasskeysRemoved(count: number, account: string) {
  const subject = `EasyPass: ${LANGUAGES.map((lang) => REMOVED_WORDS[lang].subject).join(' / ')}`
  return { subject, ...inEveryLanguage({ en: REMOVED_WORDS.en.lines(count, account), de: REMOVED_WORDS.de.lines(count, account), fr: REMOVED_WORDS.fr.lines(count, account) }) }
}

/** The owner told of a new passkey, in every language (whoever added it chose the page's). */
export function renderPasskeyAdded(name: string, account: string, reset: string) {
  const subject = `EasyPass: ${LANGUAGES.map((lang) => PASSKEY_WORDS[lang].subject).join(' / ')}`
  return { subject, ...inEveryLanguage({ en: PASSKEY_WORDS.en.lines(name, account, reset), de: PASSKEY_WORDS.de.lines(name, account, reset), fr: PASSKEY_WORDS.fr.lines(name, account, reset) }) }
}

/** The alert, in every language we write (English first); `link` is where a new password is asked for. */
export function renderCodeLimitAlert(wrong: number, link: string) {
  const subject = `EasyPass: ${LANGUAGES.map((lang) => WORDS[lang].subject).join(' / ')}`
  return { subject, ...inEveryLanguage({ en: WORDS.en.lines(wrong, link), de: WORDS.de.lines(wrong, link), fr: WORDS.fr.lines(wrong, link) }) }
}

export interface AlertMailer {
  /** Never throws: the refusal the alert is about was answered already. */
  codeLimitReached(to: string, wrong: number): Promise<void>
  /** Never throws: the passkey is added already. */
  passkeyAdded(to: string, name: string): Promise<void>
  /** Never throws: the passkeys are removed already. */
  passkeysRemoved(to: string, count: number): Promise<void>
  /** Never throws: two-step sign-in is on already. */
  twoFactorOn(to: string): Promise<void>
  /** Never throws: two-step sign-in is off already. */
  twoFactorOff(to: string, byAdmin: boolean): Promise<void>
}

export function alertMailer(opts: AccountMailOptions, publicUrl: string): AlertMailer {
  const send = accountMailer(opts, 'two-step code limit alert', sent)
  const sendPasskey = accountMailer(opts, 'passkey notice', passkeysNoticed)
  const sendTwoFactorOn = accountMailer(opts, 'two-step sign-in notice', twoFactorNoticed)
  const sendTwoFactorOff = accountMailer(opts, 'two-step sign-in off notice', twoFactorOffNoticed)
  const site = publicUrl.replace(/\/+$/, '')
  const link = `${site}/forgot-password`
  return {
    codeLimitReached: (to, wrong) => send({ to, ...renderCodeLimitAlert(wrong, link) }, []),
    passkeyAdded: (to, name) => sendPasskey({ to, ...renderPasskeyAdded(name, `${site}/account`, link) }, []),
    passkeysRemoved: (to, count) => sendPasskey({ to, ...renderPasskeysRemoved(count, `${site}/account`) }, []),
    twoFactorOn: (to) => sendTwoFactorOn({ to, ...renderTwoFactorOn(`${site}/account`) }, []),
    twoFactorOff: (to, byAdmin) => sendTwoFactorOff({ to, ...renderTwoFactorOff(byAdmin, `${site}/account`, link) }, []),
  }
}
