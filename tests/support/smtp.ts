// A test SMTP server: just enough of one to receive what nodemailer sends (no TLS, no auth), so that
// tests can count the emails the system really sent.
import { afterAll } from 'bun:test'
import { restartedWith } from './system'

export interface Received {
  from: string
  to: string[]
  data: string
}

/**
 * Listens on a free port; `received` fills as messages arrive. `behaviour` can be changed at any time:
 * `refuse` answers the end of a message's data with that reply instead of taking it (and is called for
 * every message: return null to take it); `delayMs` holds the answer back, as a slow server does;
 * `greet` can turn a connection away at once.
 */
export function smtpServer() {
  const received: Received[] = []
  const behaviour: { refuse?: (data: string) => string | null; delayMs?: number; greet?: () => string | null } = {}
  /** Every message's data as it ended, taken or refused. */
  const attempts: string[] = []
  type State = { buffer: string; inData: boolean; from: string; to: string[] }
  const server = Bun.listen<State>({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      open(socket) {
        socket.data = { buffer: '', inData: false, from: '', to: [] }
        // A server turning the connection away (`greet` returns its reply, e.g. 554): it says so and hangs up.
        const refusal = behaviour.greet?.() ?? null
        if (refusal) {
          socket.write(`${refusal}\r\n`)
          socket.end()
          return
        }
        socket.write('220 test-smtp ESMTP ready\r\n')
      },
      data(socket, chunk) {
        const s = socket.data
        s.buffer += Buffer.from(chunk).toString('latin1')
        for (;;) {
          if (s.inData) {
            const end = s.buffer.indexOf('\r\n.\r\n')
            if (end < 0) return
            const data = s.buffer.slice(0, end).replace(/^\.\./gm, '.')
            s.buffer = s.buffer.slice(end + 5)
            const message = { from: s.from, to: s.to, data }
            s.inData = false
            s.from = ''
            s.to = []
            attempts.push(data)
            const refusal = behaviour.refuse?.(data) ?? null
            const answer = () => {
              if (refusal) return void socket.write(`${refusal}\r\n`)
              received.push(message)
              socket.write('250 2.0.0 queued\r\n')
            }
            if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs)
            else answer()
            continue
          }
          const eol = s.buffer.indexOf('\r\n')
          if (eol < 0) return
          const line = s.buffer.slice(0, eol)
          s.buffer = s.buffer.slice(eol + 2)
          const verb = line.slice(0, 4).toUpperCase()
          if (verb === 'EHLO' || verb === 'HELO') socket.write('250 test-smtp\r\n')
          else if (verb === 'MAIL') (s.from = /<([^>]*)>/.exec(line)?.[1] ?? ''), socket.write('250 2.1.0 ok\r\n')
          else if (verb === 'RCPT') (s.to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''), socket.write('250 2.1.5 ok\r\n'))
          else if (verb === 'DATA') (s.inData = true), socket.write('354 end with <CRLF>.<CRLF>\r\n')
          else if (verb === 'RSET') (s.from = ''), (s.to = []), socket.write('250 ok\r\n')
          else if (verb === 'NOOP') socket.write('250 ok\r\n')
          else if (verb === 'QUIT') (socket.write('221 bye\r\n'), socket.end())
          else socket.write('502 not implemented\r\n')
        }
      },
    },
  })
  return { port: server.port, received, attempts, behaviour, stop: () => server.stop(true) }
}

/** The readable text of a MIME message: every part decoded (quoted-printable or base64). */
export function decodeMime(raw: string): string {
  const parts = raw.split(/\r\n--[^\r\n]+\r\n/)
  return parts
    .map((part) => {
      const split = part.indexOf('\r\n\r\n')
      if (split < 0) return part
      const headers = part.slice(0, split)
      const body = part.slice(split + 4)
      const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase()
      let decoded = body
      if (encoding === 'base64') decoded = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      else if (encoding === 'quoted-printable')
        decoded = Buffer.from(
          body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8')
      return `${headers}\r\n\r\n${decoded}`
    })
    .join('\n')
}

/**
 * For the tests of a file (or of the `describe` it is called in): a test SMTP server, and `service`
 * restarted to send through it (with `env` as well) before them; afterwards the service as it was.
 */
export function mailingThroughTestSmtp(service: string, env: Record<string, string> = {}) {
  const smtp = smtpServer()
  restartedWith([service], { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, ...env })
  afterAll(() => smtp.stop())
  return smtp
}
