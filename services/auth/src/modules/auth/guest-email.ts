import { counter, countOf, escapeHtml } from '@easypass/kit'
import { DEFAULT_LANGUAGE, isLanguage, type Language } from '@easypass/contracts/languages'
import { accountMailer, type AccountMailOptions } from './mailer'

const sent = counter('auth_guest_link_emails_total', 'Emails with links back to what a guest bought, by outcome', ['status'])

/** One way back: a guest session of this address, opened by `link`, begun on `since`. */
export interface GuestLink {
  link: string
  since: Date
}

export interface GuestMailer {
  /** Sends the links to `to`, in `language` (absent: English); never throws (the caller has already answered). */
  send(to: string, links: GuestLink[], validMinutes: number, language?: Language): Promise<void>
}

const NBSP = '\u00a0'

// Plain text per language (nothing in them to escape for HTML but the name and the dates' words).
const EN = {
  subject: 'Your EasyPass tickets',
  hello: 'Hello,',
  asked: 'Someone, hopefully you, asked for a link to the tickets bought as a guest with this address.',
  open: (minutes: number, links: number) =>
    links === 1 ? `Open this link within ${minutes} minutes to see them (it works once):` : `This address bought as a guest ${links} times. Open a link within ${minutes} minutes to see what was bought then (each works once):`,
  since: (date: string) => `Bought from ${date}`,
  sinceLine: (date: string) => `Bought from ${date}:`,
  copy: 'Or copy this address into your browser:',
  ignore: 'If you did not ask for it, ignore this email: nobody can open the tickets without it.',
}

const WORDS = {
  en: EN,
  de: {
    subject: 'Ihre EasyPass-Tickets',
    hello: 'Hallo,',
    asked: 'Jemand, hoffentlich Sie, hat einen Link zu den Tickets angefordert, die mit dieser Adresse als Gast gekauft wurden.',
    open: (minutes, links) =>
      links === 1
        ? `Öffnen Sie diesen Link innerhalb von ${countOf(minutes, { one: 'Minute', other: 'Minuten' }, 'de')}, um sie zu sehen (er funktioniert nur einmal):`
        : `Mit dieser Adresse wurde ${links}-mal als Gast gekauft. Öffnen Sie einen Link innerhalb von ${countOf(minutes, { one: 'Minute', other: 'Minuten' }, 'de')}, um zu sehen, was damals gekauft wurde (jeder funktioniert nur einmal):`,
    since: (date) => `Gekauft ab ${date}`,
    sinceLine: (date) => `Gekauft ab ${date}:`,
    copy: 'Oder kopieren Sie diese Adresse in Ihren Browser:',
    ignore: 'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ohne sie kann niemand die Tickets öffnen.',
  },
  fr: {
    subject: 'Vos billets EasyPass',
    hello: 'Bonjour,',
    asked: "Quelqu'un, vous sans doute, a demandé un lien vers les billets achetés en tant qu'invité avec cette adresse.",
    open: (minutes, links) =>
      links === 1
        ? `Ouvrez ce lien dans un délai de ${countOf(minutes, { one: 'minute', other: 'minutes' }, 'fr')} pour les voir (il ne fonctionne qu'une fois)${NBSP}:`
        : `Cette adresse a acheté ${links} fois en tant qu'invité. Ouvrez un lien dans un délai de ${countOf(minutes, { one: 'minute', other: 'minutes' }, 'fr')} pour voir ce qui a été acheté alors (chacun ne fonctionne qu'une fois)${NBSP}:`,
    since: (date) => `Achats à partir du ${date}`,
    sinceLine: (date) => `Achats à partir du ${date}${NBSP}:`,
    copy: `Ou copiez cette adresse dans votre navigateur${NBSP}:`,
    ignore: `Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail${NBSP}: personne ne peut ouvrir les billets sans lui.`,
  },
} satisfies Record<Language, typeof EN>

/** The email in `language` (absent or unknown: English), one link per guest session, newest first. */
export function renderGuestLinkEmail(links: GuestLink[], validMinutes: number, language?: Language) {
  const lang = isLanguage(language) ? language : DEFAULT_LANGUAGE
  const w: typeof EN = WORDS[lang]
  const day = (date: Date) => new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(date)
  const text = [w.hello, '', w.asked, w.open(validMinutes, links.length), '', ...links.flatMap((l) => [w.sinceLine(day(l.since)), l.link, '']), w.ignore].join('\n')
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a2e">
<p>${w.hello}</p>
<p>${w.asked} ${w.open(validMinutes, links.length)}</p>
${links
  .map(
    (l) => `<p><a href="${escapeHtml(l.link)}" style="display:inline-block;padding:10px 18px;background:#4338ca;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(w.since(day(l.since)))}</a><br>
<span style="font-size:13px;color:#555">${w.copy} ${escapeHtml(l.link)}</span></p>`,
  )
  .join('\n')}
<p>${w.ignore}</p>
</body></html>`
  return { subject: w.subject, text, html }
}

/** The guest links' email, sent by `accountMailer` (SMTP, or auth's log in development). */
export function guestMailer(opts: AccountMailOptions): GuestMailer {
  const send = accountMailer(opts, 'guest link', sent)
  return {
    send: (to, links, validMinutes, language) => send({ to, ...renderGuestLinkEmail(links, validMinutes, language) }, links.map((l) => l.link)),
  }
}
