import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, describe, uuid } from '../lib/api'
import { clockTime, when, withSeat } from '../lib/format'
import { t, useT } from '../lib/i18n'
import { doorText, type Verdict } from '../i18n/door'
import { useTitle, useUnmounted } from '../lib/hooks'
import type { Order, Ticket } from '../lib/types'
import { Link } from '../lib/router'
import { useSession } from '../lib/session'
import { AdminPage, EventPicker } from './shared'
import { BoxOffice } from './box-office'
import { addPending, canHash, codeHash, dropPending, noteAdmitted, PENDING_STORAGE_KEY, storedAdmitted, storedList, storedPending, storeList, type DoorList, type PendingScan } from './door-list'

/** How often the door's offline list is downloaded again while the network is up, and how often scans made offline are sent. */
const LIST_EVERY_MS = 120_000
const SEND_EVERY_MS = 5_000
/** How long sending one of them may take before it is tried again in the next round (under its key). */
const SEND_WAIT_MS = 10_000
/** How long a scan waits for the server (when the door has an offline list). */
const SCAN_WAIT_MS = 4_000
/**
 * A scan that got no answer in time may still be decided by the server (an order busy with a refund is
 * answered "scan again" within two seconds, but a slow server can take longer): the offline list decides
 * only when the browser knows it is offline, or when the scan before also went unanswered within this long.
 */
const NO_ANSWER_WINDOW_MS = 30_000
/**
 * A list older than this is said to be old, and decides nothing: the server keeps buyers from refunding
 * or passing tickets on for 6 hours after a door took the list (DOORS_OPEN_MS in orders).
 */
const OLD_LIST_MS = 6 * 3_600_000

/** The event this door admits to, kept for the next visit of this browser (a door scans for one event all night). */
const DOOR_KEY = 'easypass.checkin.event'
const savedDoor = () => {
  try {
    return localStorage.getItem(DOOR_KEY) ?? ''
  } catch {
    return ''
  }
}

interface Scan {
  id: number
  code: string
  verdict: Verdict
  detail: string
  at: string
  /** An extra (parking, a T-shirt) checked: not admission by itself. */
  extra?: boolean
}

/** The verdict's headline; a checked extra's says so in place of ADMITTED: nobody gets in on a parking space. */
const headlineOf = (m: (typeof doorText)['en'], s: Pick<Scan, 'verdict' | 'extra'>) =>
  s.extra && (s.verdict === 'admitted' || s.verdict === 'offline') ? m.extraHeadline[s.verdict] : m.headline[s.verdict]

/**
 * A scan whose answer was lost is sent again under its Idempotency-Key when the code is read again
 * within this long (the server then answers that scan's 200 again); later, a read is a new scan.
 */
const LOST_SCAN_MS = 60_000
/** A code admitted here and read again within this long is the same scan, not a second person. */
const REPEAT_MS = 1_500

export default function CheckIn() {
  const user = useSession()?.user
  const m = useT(doorText)
  useTitle(m.pageTitle(user?.role === 'admin'))
  // Door staff given some events pick among theirs (the API refuses the others).
  const myEvents = user?.role === 'staff' ? user.events : undefined
  const [code, setCode] = useState('')
  const [last, setLast] = useState<Scan>()
  const [history, setHistory] = useState<Scan[]>([])
  // Codes sent or waiting, in order: a scan made while another is checked waits for its turn.
  const queue = useRef<string[]>([])
  const [waiting, setWaiting] = useState<string[]>([])
  const draining = useRef(false)
  // Codes whose last scan got no answer (it may have checked the ticket in): that scan's key and when it was sent.
  const unanswered = useRef(new Map<string, { key: string; at: number }>())
  /** When the last scan went unanswered within SCAN_WAIT_MS (0: the last one was answered). */
  const lastNoAnswer = useRef(0)
  const seq = useRef(0)
  const lastAdmitted = useRef<{ code: string; at: number } | undefined>(undefined)
  const gone = useUnmounted()
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.focus(), [])
  // A door saved on this device for an event not (or no longer) theirs is not kept.
  const [door, setDoor] = useState(() => (myEvents && !myEvents.includes(savedDoor()) ? '' : savedDoor()))
  const doorRef = useRef(door)
  doorRef.current = door
  // The door's offline list, and the scans admitted against it that the server does not have yet
  // (kept in this browser's storage, which every tab of the door shares: read again before each change).
  const [list, setList] = useState<DoorList | undefined>(() => (door ? storedList(door) : undefined))
  const listRef = useRef(list)
  listRef.current = list
  const [listKept, setListKept] = useState(true)
  const [pending, setPending] = useState<PendingScan[]>(storedPending)
  const [conflicts, setConflicts] = useState<Scan[]>([])
  const showPending = (next: PendingScan[]) => setPending(next)
  useEffect(() => {
    // Another tab of this door queued or sent a scan.
    const changed = (e: StorageEvent) => e.key === PENDING_STORAGE_KEY && showPending(storedPending())
    addEventListener('storage', changed)
    return () => removeEventListener('storage', changed)
  }, [])
  useEffect(() => {
    setList(door ? storedList(door) : undefined)
    if (!door) return
    const download = async () => {
      try {
        const fresh = await api<DoorList>(`/events/${door}/door-list`)
        const kept = storeList(fresh)
        if (doorRef.current !== door) return
        setList(fresh)
        setListKept(kept)
      } catch {
        // Offline (or the server busy): the list kept here goes on serving.
      }
    }
    void download()
    const timer = setInterval(download, LIST_EVERY_MS)
    // Back online: the list is brought up to date at once, not at the next round.
    addEventListener('online', download)
    return () => {
      clearInterval(timer)
      removeEventListener('online', download)
    }
  }, [door])
  /** A code let in at this door (online, offline, or sent since): a copy of it is ALREADY USED offline. */
  const noteLetIn = async (eventId: string | undefined, value: string, at: string) => {
    if (eventId && canHash()) noteAdmitted(eventId, await codeHash(value), at)
  }
  // Scans made offline are sent in the order they were made, each under its own key (and with its own
  // time), once the network is back. An answer about the ticket ends a scan; anything else (no network,
  // the server busy, a session to renew, a limit) keeps it for the next round.
  const sending = useRef(false)
  const sendPending = async () => {
    if (sending.current) return
    sending.current = true
    // Scans of a door this account does not work (another member of staff signed in on this browser): kept for one who does.
    const notMine = new Set<string>()
    try {
      for (;;) {
        const p = storedPending().find((q) => !notMine.has(q.key))
        if (!p || gone.current) break
        try {
          // Bounded: a request that hangs (a network that takes it and never answers) must not stop the sending for good.
          await api('/checkins', { body: { code: p.code, eventId: p.eventId, scannedAt: p.at }, idempotencyKey: p.key, signal: AbortSignal.timeout(SEND_WAIT_MS) })
          await noteLetIn(p.eventId, p.code, p.at)
        } catch (err) {
          const status = err instanceof ApiError ? err.status : 0
          const details = err instanceof ApiError ? (err.details as { checkedInAt?: string; ticketId?: string; wrongEvent?: boolean; notYourEvent?: boolean } | undefined) : undefined
          // The door's event is not this account's (another member of staff signed in on this browser):
          // kept for one who works it, and the scans after it are sent meanwhile.
          if (status === 403 && details?.notYourEvent) {
            notMine.add(p.key)
            continue
          }
          // A 403 about the ticket's event (door staff given other events) is an answer about the ticket;
          // any other 403 (the role gone) keeps the scan for whoever signs in next.
          if (status === 0 || status === 401 || (status === 403 && !details?.wrongEvent) || status === 429 || status >= 500) break
          // Refused after they were let in (another door admitted the code first, or it was refunded
          // meanwhile): said, for the door to look into.
          const verdict: Verdict =
            status === 409 || status === 403 ? (details?.wrongEvent ? 'wrong' : details?.checkedInAt || details?.ticketId ? 'used' : 'invalid') : status === 410 ? 'refunded' : status === 404 ? 'unknown' : 'invalid'
          const words = t(doorText)
          setConflicts((c) => [{ id: ++seq.current, code: p.code, verdict, detail: words.admittedOfflineThen(when(p.at), words.serverWords(describe(err))), at: p.at }, ...c])
        }
        showPending(dropPending(p.key))
      }
    } finally {
      sending.current = false
    }
  }
  useEffect(() => {
    void sendPending()
    const timer = setInterval(() => void sendPending(), SEND_EVERY_MS)
    const online = () => void sendPending()
    addEventListener('online', online)
    return () => {
      clearInterval(timer)
      removeEventListener('online', online)
    }
  }, [])
  const chooseDoor = (eventId: string) => {
    setDoor(eventId)
    try {
      localStorage.setItem(DOOR_KEY, eventId)
    } catch {}
    input.current?.focus()
  }

  const check = async (value: string): Promise<Scan> => {
    // In the language of the moment the scan is made (the page may change it between two scans).
    const m = t(doorText)
    const scan = (verdict: Verdict, detail: string, extra = false): Scan => ({ id: ++seq.current, code: value, verdict, detail, at: new Date().toISOString(), ...(extra ? { extra } : {}) })
    // The scan whose answer was lost, sent again under its key: if it did check the ticket in, the
    // server answers 200 again; a check-in by another scan (another door, a copy of the code) is 409.
    const lost = unanswered.current.get(value)
    const resent = lost !== undefined && Date.now() - lost.at < LOST_SCAN_MS
    const key = resent ? lost.key : uuid()
    const hasList = Boolean(listRef.current && listRef.current.eventId === doorRef.current)
    const wait = hasList ? AbortSignal.timeout(SCAN_WAIT_MS) : undefined
    try {
      const eventId = doorRef.current
      // A door that gets no answer in a few seconds has no network to speak of: the offline list decides
      // (the scan, if it arrives after all, is the same scan when its key is sent again).
      const r = await api<{ ticket?: Ticket; order?: Order; firstScan?: boolean }>('/checkins', {
        body: { code: value, ...(eventId ? { eventId } : {}) },
        idempotencyKey: key,
        ...(wait ? { signal: wait } : {}),
      })
      lastNoAnswer.current = 0
      unanswered.current.delete(value)
      await noteLetIn(eventId, value, new Date().toISOString())
      const item = r.order?.items.find((i) => i.ticketTypeId === r.ticket?.ticketTypeId)
      // An extra (parking, a T-shirt) is handed over or let through where it is for: it is not admission by itself.
      const typeName = r.ticket?.ticketTypeName ?? item?.name ?? m.validTicket
      const type = item?.addOn ? m.extra(typeName) : typeName
      // Where to send them: the seat, when the ticket has one.
      const name = withSeat(type, r.ticket ?? {})
      // The name the buyer put on the ticket comes first: the door may compare it with an ID.
      const detail = [r.ticket?.attendeeName, name, r.order?.eventTitle].filter(Boolean).join(' · ')
      return scan('admitted', detail, !!item?.addOn)
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0
      // No network, or the gateway finding orders away (502, 504, or its own 503 naming the upstream it
      // could not reach; orders' own "busy, scan again" 503 names none): the door's list decides. No
      // answer in time, while the browser says it is online: only when the scan before went unanswered too.
      const timedOut = wait?.aborted === true && navigator.onLine !== false
      const noAnswerBefore = lastNoAnswer.current
      if (timedOut) lastNoAnswer.current = Date.now()
      else if (status !== 0) lastNoAnswer.current = 0
      const gatewayFoundNone = status === 503 && err instanceof ApiError && !!(err.details as { upstream?: unknown } | undefined)?.upstream
      const unreachable = timedOut ? Date.now() - noAnswerBefore < NO_ANSWER_WINDOW_MS : status === 0 || status === 502 || status === 504 || gatewayFoundNone
      if (timedOut && !unreachable) {
        unanswered.current.set(value, { key, at: resent ? lost.at : Date.now() })
        return scan('error', m.noAnswer)
      }
      const offline = unreachable && canHash() && listRef.current && listRef.current.eventId === doorRef.current ? listRef.current : undefined
      // Past 6 hours the server lets buyers refund and pass tickets on again: such a list no longer decides.
      // (Ten minutes early: this browser's clock may be behind the server's.)
      if (offline && Date.now() - Date.parse(offline.at) >= OLD_LIST_MS - 10 * 60_000) {
        unanswered.current.set(value, { key, at: resent ? lost.at : Date.now() })
        return scan('error', m.listTooOld(m.offlineListOf(when(offline.at))))
      }
      if (offline) {
        // The scan is kept to be sent (under its key) later.
        unanswered.current.delete(value)
        const hash = await codeHash(value)
        const known = offline.tickets.find((t) => t.hash === hash)
        const from = m.offlineListOf(when(offline.at))
        if (!known) return scan('unlisted', m.notIn(from))
        const same = (code: string) => code.toUpperCase() === value.toUpperCase()
        const before = known.checkedInAt ?? storedPending().find((p) => p.eventId === offline.eventId && same(p.code))?.at ?? storedAdmitted(offline.eventId)[hash]
        if (before) return scan('used', m.firstScannedIn(when(before), from))
        const at = new Date().toISOString()
        showPending(addPending({ code: value, key, eventId: offline.eventId, at }))
        noteAdmitted(offline.eventId, hash, at)
        const knownName = known.ticketTypeName ?? m.validTicket
        const type = withSeat(known.addOn ? m.extra(knownName) : knownName, known)
        return scan('offline', [known.attendeeName, type].filter(Boolean).join(' · '), !!known.addOn)
      }
      if (status === 0 || status >= 500) {
        // The check-in may have happened without its answer reaching us: its key is sent again with the next read.
        unanswered.current.set(value, { key, at: resent ? lost.at : Date.now() })
        return scan('error', describe(err))
      }
      unanswered.current.delete(value)
      const details = err instanceof ApiError ? (err.details as { checkedInAt?: string; ticketId?: string; wrongEvent?: boolean; eventTitle?: string; passedOn?: boolean } | undefined) : undefined
      // 409 is a ticket of another event, or a repeated scan when it names the first one; otherwise the order is not paid.
      // 403 with `wrongEvent`: a ticket of an event whose door this worker was not given.
      const verdict: Verdict =
        status === 409 || (status === 403 && details?.wrongEvent) ? (details?.wrongEvent ? 'wrong' : details?.checkedInAt || details?.ticketId ? 'used' : 'invalid') : status === 410 ? (details?.passedOn ? 'replaced' : 'refunded') : status === 404 ? 'unknown' : 'error'
      if (verdict === 'wrong') return scan(verdict, details?.eventTitle ? m.ticketFor(details.eventTitle) : m.serverWords(describe(err)))
      return scan(verdict, verdict === 'used' && details?.checkedInAt ? m.firstScanned(when(details.checkedInAt)) : m.serverWords(describe(err)))
    }
  }

  /** Checks the queued codes one at a time, in the order they were scanned. */
  const drain = async () => {
    if (draining.current) return
    draining.current = true
    while (queue.current.length && !gone.current) {
      let result: Scan
      try {
        result = await check(queue.current[0]!)
      } catch (err) {
        // Never expected (check answers every failure): the scan says so, and the next ones still run.
        result = { id: ++seq.current, code: queue.current[0]!, verdict: 'error', detail: describe(err), at: new Date().toISOString() }
      }
      queue.current.shift()
      if (gone.current) break
      setWaiting([...queue.current])
      if (result.verdict === 'admitted' || result.verdict === 'offline') lastAdmitted.current = { code: result.code, at: Date.now() }
      setLast(result)
      setHistory((h) => [result, ...h].slice(0, 20))
    }
    draining.current = false
  }

  const scan = (e: Event) => {
    e.preventDefault()
    const value = code.trim()
    if (!value) return
    // The same code read twice (a scanner's double read, a double Enter) while it is still being
    // checked, or just after it was admitted here, is one scan: a second one would say ALREADY USED
    // about the person who was just let in.
    const justAdmitted = lastAdmitted.current?.code === value && Date.now() - lastAdmitted.current.at < REPEAT_MS
    if (queue.current.includes(value) || justAdmitted) {
      setCode((c) => (c.trim() === value ? '' : c))
      input.current?.focus()
      return
    }
    queue.current.push(value)
    setWaiting([...queue.current])
    // Ready for the next scan straight away (a USB scanner types the code and presses Enter); only the
    // code taken is cleared, never something typed since.
    setCode((c) => (c.trim() === value ? '' : c))
    input.current?.focus()
    void drain()
  }

  return (
    <AdminPage title={m.title} sub={m.sub}>
      <div class="toolbar">
        {/* Events on now or still to come (an event that ended has no door). */}
        <EventPicker
          label={m.doorAdmits}
          name="door"
          value={door}
          onValue={chooseDoor}
          anyLabel={myEvents ? m.anyOfYours : m.anyEvent}
          status="published"
          only={myEvents}
        />
        {door && (
          <p class="small">
            {m.noCode} <Link href={`/admin/events/${door}/attendees`}>{m.findGuest}</Link>
          </p>
        )}
      </div>
      <p class="small muted" data-offline-list={list && door ? list.tickets.length : 0}>
        {!door
          ? m.offlineNeedsDoor
          : !canHash()
            ? m.offlineNeedsHttps
            : list?.cancelled
              ? m.listCancelled
              : list
              ? m.offlineList(list.tickets.length, Date.now() - Date.parse(list.at) > OLD_LIST_MS ? m.listOld(when(list.at)) : m.listAt(clockTime(list.at)))
              : m.noList}
        {list && !listKept ? m.listNotKept : ''}
      </p>
      <p class="small" data-pending={pending.length}>
        {pending.length ? m.pending(pending.length) : ''}
      </p>
      {conflicts.length > 0 && (
        <section aria-labelledby="conflicts-title" class="card" role="alert">
          <h2 id="conflicts-title">{m.conflictsTitle}</h2>
          <ul class="scan-history">
            {conflicts.map((c) => (
              <li key={c.id} data-conflict={c.code}>
                <span class={`badge verdict-badge-${c.verdict}`}>{m.headline[c.verdict]}</span> <code>{c.code}</code> · {c.detail}
              </li>
            ))}
          </ul>
        </section>
      )}
      <form class="checkin-form" onSubmit={scan}>
        <label for="checkin-code">{m.codeLabel}</label>
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
          <button type="submit" class="button" disabled={!code.trim()}>
            {m.checkIn}
          </button>
        </div>
      </form>
      {waiting.length > 0 && (
        <p class="muted small">
          {m.checking} <code>{waiting[0]}</code>…{waiting.length > 1 ? m.moreWaiting(waiting.length - 1) : ''}
        </p>
      )}
      <div id="checkin-result" class="checkin-result-region" role="status" aria-live="assertive">
        {last && (
          <div class={`verdict verdict-${last.verdict}`} data-verdict={last.verdict}>
            <p class="verdict-headline">{headlineOf(m, last)}</p>
            <p class="verdict-advice">{last.extra ? m.extraAdvice : m.advice[last.verdict]}</p>
            <p class="verdict-detail">
              <code>{last.code}</code>
              {last.detail ? ` · ${last.detail}` : ''}
            </p>
          </div>
        )}
      </div>
      {door && (
        <details class="card door-sales">
          <summary>{m.sellAtDoor}</summary>
          <BoxOffice key={door} eventId={door} />
        </details>
      )}
      {history.length > 1 && (
        <section aria-labelledby="history-title">
          <h2 id="history-title">{m.recent}</h2>
          <ol class="scan-history">
            {history.slice(1).map((s) => (
              <li key={s.id}>
                <span class={`badge verdict-badge-${s.verdict}`}>{headlineOf(m, s)}</span> <code>{s.code}</code> · {when(s.at)}
              </li>
            ))}
          </ol>
        </section>
      )}
    </AdminPage>
  )
}
