import type { Transporter } from 'nodemailer'
import { counter, escapeHtml, type Logger } from '@easypass/kit'

const sent = counter('auth_password_reset_emails_total', 'Password reset emails, by outcome', ['status'])

export interface ResetMailer {
  /** Sends the link to `to`; never throws (the caller has already answered the request). */
  send(to: string, name: string, link: string, validMinutes: number): Promise<void>
}

export function renderResetEmail(name: string, link: string, validMinutes: number) {
  const subject = 'Reset your EasyPass password'
  const text = [
    `Hello ${name},`,
    '',
    'Someone, hopefully you, asked to reset the password of your EasyPass account.',
    `Open this link within ${validMinutes} minutes to choose a new password (it works once):`,
    '',
    link,
    '',
    'If you did not ask for it, ignore this email: your password stays as it is.',
    'Setting a new password signs you out on every device.',
  ].join('\n')
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a2e">
<p>Hello ${escapeHtml(name)},</p>
<p>Someone, hopefully you, asked to reset the password of your EasyPass account. Open this link within ${validMinutes} minutes to choose a new password (it works once):</p>
<p><a href="${escapeHtml(link)}" style="display:inline-block;padding:10px 18px;background:#4338ca;color:#fff;border-radius:6px;text-decoration:none">Choose a new password</a></p>
<p style="font-size:13px;color:#555">Or copy this address into your browser: ${escapeHtml(link)}</p>
<p>If you did not ask for it, ignore this email: your password stays as it is. Setting a new password signs you out on every device.</p>
</body></html>`
  return { subject, text, html }
}

/**
 * Through SMTP when `transport` is given, tried up to three times (a minute apart at most). Without it
 * (SMTP_URL unset), a development system writes the link to auth's log instead, so a reset can still be
 * tried locally; a production one writes only that it could not send (never a working link into logs).
 */
export function resetMailer(opts: { transport?: Transporter; from: string; production: boolean; log: Logger; retryDelaysMs?: number[] }): ResetMailer {
  const { transport, from, production, log } = opts
  const delays = opts.retryDelaysMs ?? [5_000, 60_000]
  return {
    async send(to, name, link, validMinutes) {
      if (!transport) {
        sent.inc({ status: 'skipped' })
        if (production) log.warn('password reset asked for, but SMTP_URL is not set: no email sent')
        else log.info({ to, link }, 'password reset link (SMTP_URL is not set, so it is written here instead of emailed)')
        return
      }
      const message = { from, to, ...renderResetEmail(name, link, validMinutes) }
      for (let attempt = 0; ; attempt++) {
        try {
          await transport.sendMail(message)
          sent.inc({ status: 'sent' })
          return
        } catch (error) {
          if (attempt >= delays.length) {
            sent.inc({ status: 'failed' })
            log.error({ err: String(error) }, 'password reset email not sent')
            return
          }
          log.warn({ err: String(error), attempt: attempt + 1 }, 'password reset email not sent yet, trying again')
          await Bun.sleep(delays[attempt]!)
        }
      }
    },
  }
}
