import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, describe } from '../lib/api'
import { when } from '../lib/format'
import { useTitle } from '../lib/hooks'
import type { Order, Ticket } from '../lib/types'
import { AdminPage } from './shared'

type Verdict = 'admitted' | 'used' | 'refunded' | 'invalid' | 'unknown' | 'error'

interface Scan {
  code: string
  verdict: Verdict
  detail: string
  at: string
}

const HEADLINE: Record<Verdict, string> = {
  admitted: 'ADMITTED',
  used: 'ALREADY USED',
  refunded: 'REFUNDED',
  invalid: 'NOT VALID',
  unknown: 'UNKNOWN',
  error: 'NOT CHECKED',
}

const ADVICE: Record<Verdict, string> = {
  admitted: 'Let them in.',
  used: 'This ticket was scanned before. Do not admit again.',
  refunded: 'This ticket was refunded and is not valid.',
  invalid: 'This ticket is not paid for. Do not admit.',
  unknown: 'No ticket has this code. Check it was typed correctly.',
  error: 'The scan could not be checked. Try again.',
}

export default function CheckIn() {
  useTitle('Admin · Check-in')
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [last, setLast] = useState<Scan>()
  const [history, setHistory] = useState<Scan[]>([])
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.focus(), [])

  const scan = async (e: Event) => {
    e.preventDefault()
    const value = code.trim()
    if (!value || busy) return
    setBusy(true)
    let result: Scan
    try {
      const r = await api<{ ticket?: Ticket; order?: Order; firstScan?: boolean }>('/checkins', { body: { code: value } })
      const name = r.ticket?.ticketTypeName ?? r.order?.items.find((i) => i.ticketTypeId === r.ticket?.ticketTypeId)?.name ?? 'Valid ticket'
      result = { code: value, verdict: 'admitted', detail: r.order?.eventTitle ? `${name} · ${r.order.eventTitle}` : name, at: new Date().toISOString() }
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0
      const details = err instanceof ApiError ? (err.details as { checkedInAt?: string; ticketId?: string } | undefined) : undefined
      // 409 is a repeated scan when it names the first one; otherwise the order is not paid.
      const verdict: Verdict =
        status === 409 ? (details?.checkedInAt || details?.ticketId ? 'used' : 'invalid') : status === 410 ? 'refunded' : status === 404 ? 'unknown' : 'error'
      const detail = verdict === 'used' && details?.checkedInAt ? `First scanned ${when(details.checkedInAt)}` : describe(err)
      result = { code: value, verdict, detail, at: new Date().toISOString() }
    }
    setLast(result)
    setHistory((h) => [result, ...h].slice(0, 20))
    setCode('')
    setBusy(false)
    // Ready for the next scan straight away (a USB scanner types the code and presses Enter).
    input.current?.focus()
  }

  return (
    <AdminPage title="Check-in" sub="Scan a ticket's QR code with a USB scanner or type its code, then press Enter.">
      <form class="checkin-form" onSubmit={scan}>
        <label for="checkin-code">Ticket code</label>
        <div class="checkin-row">
          <input
            id="checkin-code"
            ref={input}
            name="code"
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellcheck={false}
            autoFocus
            aria-describedby="checkin-result"
          />
          <button type="submit" class="button" disabled={busy || !code.trim()}>
            {busy ? 'Checking…' : 'Check in'}
          </button>
        </div>
      </form>
      <div id="checkin-result" class="checkin-result-region" role="status" aria-live="assertive">
        {last && (
          <div class={`verdict verdict-${last.verdict}`} data-verdict={last.verdict}>
            <p class="verdict-headline">{HEADLINE[last.verdict]}</p>
            <p class="verdict-advice">{ADVICE[last.verdict]}</p>
            <p class="verdict-detail">
              <code>{last.code}</code> · {last.detail}
            </p>
          </div>
        )}
      </div>
      {history.length > 1 && (
        <section aria-labelledby="history-title">
          <h2 id="history-title">Recent scans</h2>
          <ol class="scan-history">
            {history.slice(1).map((s) => (
              <li key={s.at + s.code}>
                <span class={`badge verdict-badge-${s.verdict}`}>{HEADLINE[s.verdict]}</span> <code>{s.code}</code> · {when(s.at)}
              </li>
            ))}
          </ol>
        </section>
      )}
    </AdminPage>
  )
}
