import type { Transporter } from 'nodemailer'
import type { counter, Logger } from '@easypass/kit'

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
