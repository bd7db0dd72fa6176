import { counter, countOf, escapeHtml } from '@easypass/kit'
import { accountMailer, type AccountMailOptions } from './mailer'
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '@easypass/contracts/languages'

const sent = counter('auth_password_reset_emails_total', 'Password reset emails, by outcome', ['status'])

export interface ResetMailer {
  /** Sends the link to `to`, in `language` (absent: English); never throws (the caller has already answered the request). */
  send(to: string, name: string, link: string, validMinutes: number, language?: Language): Promise<void>
}

const NBSP = '\u00a0'

// The email's fixed texts per language (plain text, nothing in them to escape for HTML). English is
// the original wording: it must not change.
const EN = {
  subject: 'Reset your EasyPass password',
  hello: (name: string) => `Hello ${name},`,
  asked: 'Someone, hopefully you, asked to reset the password of your EasyPass account.',
  open: (minutes: number) => `Open this link within ${minutes} minutes to choose a new password (it works once):`,
  button: 'Choose a new password',
  copy: 'Or copy this address into your browser:',
  ignore: 'If you did not ask for it, ignore this email: your password stays as it is.',
  signsOut: 'Setting a new password signs you out on every device.',
}

const WORDS = {
  en: EN,
  de: {
    subject: 'Ihr EasyPass-Passwort zurücksetzen',
    hello: (name) => `Hallo ${name},`,
    asked: 'Jemand, hoffentlich Sie, hat angefordert, das Passwort Ihres EasyPass-Kontos zurückzusetzen.',
    open: (minutes) => `Öffnen Sie diesen Link innerhalb von ${countOf(minutes, { one: 'Minute', other: 'Minuten' }, 'de')}, um ein neues Passwort festzulegen (er funktioniert nur einmal):`,
    button: 'Neues Passwort festlegen',
    copy: 'Oder kopieren Sie diese Adresse in Ihren Browser:',
    ignore: 'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.',
    signsOut: 'Wenn Sie ein neues Passwort festlegen, werden Sie auf allen Geräten abgemeldet.',
  },
  fr: {
    subject: 'Réinitialisez votre mot de passe EasyPass',
    hello: (name) => `Bonjour ${name},`,
    asked: "Quelqu'un, vous sans doute, a demandé à réinitialiser le mot de passe de votre compte EasyPass.",
    open: (minutes) => `Ouvrez ce lien dans un délai de ${countOf(minutes, { one: 'minute', other: 'minutes' }, 'fr')} pour choisir un nouveau mot de passe (il ne fonctionne qu'une fois)${NBSP}:`,
    button: 'Choisir un nouveau mot de passe',
    copy: `Ou copiez cette adresse dans votre navigateur${NBSP}:`,
    ignore: `Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail${NBSP}: votre mot de passe reste inchangé.`,
    signsOut: 'Choisir un nouveau mot de passe vous déconnecte de tous vos appareils.',
  },
} satisfies Record<Language, typeof EN>

/** The email in `language` (absent or unknown: English). */
export function renderResetEmail(name: string, link: string, validMinutes: number, language?: Language) {
  const lang = isLanguage(language) ? language : DEFAULT_LANGUAGE
  const w: typeof EN = WORDS[lang]
  const subject = w.subject
  const text = [
    w.hello(name),
    '',
    w.asked,
    w.open(validMinutes),
    '',
    link,
    '',
    w.ignore,
    w.signsOut,
  ].join('\n')
  // English keeps its original `<html>`; the others say which language they are in.
  const html = `<!doctype html><html${lang === 'en' ? '' : ` lang="${lang}"`}><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a2e">
<p>${w.hello(escapeHtml(name))}</p>
<p>${w.asked} ${w.open(validMinutes)}</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 18px;background:#4338ca;color:#fff;border-radius:6px;text-decoration:none">${w.button}</a></p>
<p style="font-size:13px;color:#555">${w.copy} ${escapeHtml(link)}</p>
<p>${w.ignore} ${w.signsOut}</p>
</body></html>`
  return { subject, text, html }
}

/** The reset link's email, sent by `accountMailer` (SMTP, or auth's log in development). */
export function resetMailer(opts: AccountMailOptions): ResetMailer {
  const send = accountMailer(opts, 'password reset link', sent)
  return {
    send: (to, name, link, validMinutes, language) => send({ to, ...renderResetEmail(name, link, validMinutes, language) }, [link]),
  }
}
