import type { Transporter } from 'nodemailer'
import { escapeHtml, type counter, type Logger } from '@easypass/kit'
import { LANGUAGES, type Language } from '@easypass/contracts/languages'

/** An email of auth's own (a reset link, a guest's links): written whole, sent as it is. */
export interface AccountEmail {
  to: string
  subject: string
  text: string
  html: string
}

export interface AccountMailOptions {
  transport?: Transporter
  from: string
  production: boolean
  log: Logger
  retryDelaysMs?: number[]
}

/**
 * Sends auth's emails: through SMTP when `transport` is given, tried up to three times (a minute apart at
 * most). Without it (SMTP_URL unset), a development system writes the links to auth's log instead, so the
 * flow can still be tried locally; a production one writes only that it could not send (never a working
 * link into logs). Never throws: the request that asked was answered before.
 */
export function accountMailer({ transport, from, production, log, retryDelaysMs }: AccountMailOptions, what: string, sent: ReturnType<typeof counter>) {
  const delays = retryDelaysMs ?? [5_000, 60_000]
  return async function send(email: AccountEmail, links: string[]): Promise<void> {
    if (!transport) {
      sent.inc({ status: 'skipped' })
      if (production) log.warn(`${what} asked for, but SMTP_URL is not set: no email sent`)
      else log.info({ to: email.to, ...(links.length === 1 ? { link: links[0] } : { links }) }, `${what} (SMTP_URL is not set, so it is written here instead of emailed)`)
      return
    }
    const message = { from, ...email }
    for (let attempt = 0; ; attempt++) {
      try {
        await transport.sendMail(message)
        sent.inc({ status: 'sent' })
        return
      } catch (error) {
        if (attempt >= delays.length) {
          sent.inc({ status: 'failed' })
          log.error({ err: String(error) }, `${what} email not sent`)
          return
        }
        log.warn({ err: String(error), attempt: attempt + 1 }, `${what} email not sent yet, trying again`)
        await Bun.sleep(delays[attempt]!)
      }
    }
  }
}

/**
 * The body of an email said in each of our languages, English first (for an owner whose language auth
 * does not know): the text with a rule between the languages, the HTML with a `lang` per part; `link`,
 * where it appears, becomes a link in the HTML.
 */
export function inEveryLanguage(lines: Record<Language, string[]>, link?: string) {
  return inLanguages(LANGUAGES.map((lang) => [lang, lines[lang]]), link)
}

/** The body in one language (one auth knows the person reads). */
export function inOneLanguage(language: Language, lines: string[], link?: string) {
  return inLanguages([[language, lines]], link)
}

function inLanguages(parts: Array<readonly [Language, string[]]>, link?: string) {
  const anchor = (line: string) => (link ? line.replace(escapeHtml(link), `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`) : line)
  const text = parts.map(([, lines]) => lines.join('\n\n')).join('\n\n———\n\n')
  const html = `<!doctype html><html lang="${parts[0]![0]}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a2e">
${parts.map(([lang, lines]) => `<div lang="${lang}">${lines.map((line) => `<p>${anchor(escapeHtml(line))}</p>`).join('\n')}</div>`).join('\n<hr>\n')}
</body></html>`
  return { text, html }
}
