// Live data: ticket availability of an event (public SSE stream, polling when the stream is refused)
// and the signed-in user's notifications (authenticated stream).
import { useEffect, useRef, useState } from 'preact/hooks'
import { api } from './api'
import { followAuthedStream, followPublicStream, parseJson, type StreamState } from './sse'
import type { Availability, EventItem, Notification, NotificationList } from './types'

// ---------- events, cached for pages that only need a title ----------
const eventCache = new Map<string, Promise<EventItem>>()

export function getEvent(id: string): Promise<EventItem> {
  let p = eventCache.get(id)
  if (!p) {
    p = api<EventItem>(`/events/${id}`)
    p.catch(() => eventCache.delete(id))
    eventCache.set(id, p)
  }
  return p
}

export function forgetEvent(id: string) {
  eventCache.delete(id)
}

// ---------- availability ----------

/** The newer of two availability snapshots (by `seq`): stream messages and fetches may cross. */
export function newer(prev: Availability | undefined, next: Availability): Availability {
  return prev && prev.eventId === next.eventId && prev.seq > next.seq ? prev : next
}

export interface LiveAvailability {
  availability: Availability | undefined
  error: unknown
  state: StreamState | 'polling'
  refresh: () => void
}

/**
 * Availability of an event, kept current by its SSE stream (`stream`; polling every 10 s when the stream
 * is refused) or by polling (`poll`: for pages showing many events, as browsers allow only ~6
 * connections per host over HTTP/1.1 and every stream holds one).
 */
export function useAvailability(eventId: string | undefined, mode: 'stream' | 'poll' = 'stream'): LiveAvailability {
  const [availability, setAvailability] = useState<Availability>()
  const [error, setError] = useState<unknown>()
  const [state, setState] = useState<LiveAvailability['state']>('connecting')
  const [tick, setTick] = useState(0)
  // Streams refused in a row (a replica full of streams, too many from this address): each waits longer.
  const refusals = useRef(0)

  useEffect(() => {
    if (!eventId) return
    let stopped = false
    let poll: ReturnType<typeof setInterval> | undefined
    let retry: ReturnType<typeof setTimeout> | undefined
    const fetchNow = () =>
      api<Availability>(`/events/${eventId}/availability`).then(
        (a) => {
          if (stopped) return
          setAvailability((prev) => newer(prev, a))
          setError(undefined)
        },
        (e) => !stopped && setError(e),
      )
    void fetchNow()
    const startPolling = () => {
      if (poll) return
      setState('polling')
      poll = setInterval(fetchNow, 10_000)
    }
    if (mode === 'poll') {
      startPolling()
      return () => {
        stopped = true
        clearInterval(poll)
      }
    }
    const stop = followPublicStream(
      `/events/${eventId}/availability/stream`,
      (m) => {
        const a = parseJson<Availability>(m.data)
        if (!a || !Array.isArray(a.ticketTypes) || a.eventId.toLowerCase() !== eventId.toLowerCase()) return
        setAvailability((prev) => newer(prev, a))
        // Live numbers arriving answer for a fetch that failed before the stream was up.
        setError(undefined)
      },
      () => void fetchNow(),
      (s) => {
        if (s === 'closed') {
          // Polled meanwhile, and the stream asked for again later (5 s, then twice as long each time, spread), so that a
          // refusal during an on-sale does not leave the page polling for the rest of the visit.
          startPolling()
          const wait = Math.min(120_000, 5_000 * 2 ** refusals.current) * (0.5 + Math.random())
          refusals.current++
          if (!retry) retry = setTimeout(() => !stopped && setTick((t) => t + 1), wait)
        } else {
          if (s === 'open') refusals.current = 0
          setState(s)
        }
      },
    )
    return () => {
      stopped = true
      stop()
      if (poll) clearInterval(poll)
      if (retry) clearTimeout(retry)
    }
  }, [eventId, mode, tick])

  // The component may stay mounted for another event: never hand out the previous event's numbers.
  const mine = availability && eventId && availability.eventId.toLowerCase() === eventId.toLowerCase() ? availability : undefined
  return { availability: mine, error, state, refresh: () => setTick((t) => t + 1) }
}

// ---------- notifications ----------

interface NotificationState {
  items: Notification[]
  unread: number
  error: unknown
  loading: boolean
}

let notificationState: NotificationState = { items: [], unread: 0, error: undefined, loading: false }
const notificationListeners = new Set<() => void>()
let stopNotifications: (() => void) | undefined
let notificationUser: string | undefined
let onArrival: ((n: Notification) => void) | undefined

function setNotifications(patch: Partial<NotificationState>) {
  notificationState = { ...notificationState, ...patch }
  for (const l of notificationListeners) l()
}

function merge(a: Notification[], b: Notification[]) {
  const byId = new Map<string, Notification>()
  for (const n of [...a, ...b]) byId.set(n.id, { ...byId.get(n.id), ...n })
  return [...byId.values()].sort((x, y) => y.createdAt.localeCompare(x.createdAt))
}

function loadNotifications(userId: string) {
  return api<NotificationList>('/notifications?limit=50').then(
    (r) => {
      if (notificationUser !== userId) return
      setNotifications({ items: merge(notificationState.items, r.items), unread: r.unread, loading: false, error: undefined })
    },
    (error) => notificationUser === userId && setNotifications({ error, loading: false }),
  )
}

/** Marks every notification read (when the user looks at them). */
export async function markNotificationsRead() {
  if (!notificationState.unread) return
  const readAt = new Date().toISOString()
  setNotifications({ unread: 0, items: notificationState.items.map((n) => ({ ...n, readAt: n.readAt ?? readAt })) })
  await api('/notifications/read-all', { method: 'POST' }).catch(() => {})
}

/** Starts (or stops, when signed out) loading and following the signed-in user's notifications. */
export function syncNotifications(userId: string | undefined, arrival?: (n: Notification) => void) {
  onArrival = arrival
  if (userId === notificationUser) return
  stopNotifications?.()
  stopNotifications = undefined
  notificationUser = userId
  setNotifications({ items: [], unread: 0, error: undefined, loading: !!userId })
  if (!userId) return
  void loadNotifications(userId)
  stopNotifications = followAuthedStream(
    '/notifications/stream',
    (m) => {
      if (m.event !== 'notification' || notificationUser !== userId) return
      const n = parseJson<Notification>(m.data)
      if (!n?.id || notificationState.items.some((x) => x.id === n.id)) return
      setNotifications({ items: merge(notificationState.items, [n]), unread: notificationState.unread + (n.readAt ? 0 : 1) })
      onArrival?.(n)
    },
    (state) => {
      // Whatever was made before the stream was open (between the first load and the first connection,
      // or while it reconnected) is in the list, which is the truth: read it again once following.
      if (state === 'open') void loadNotifications(userId)
    },
  )
}

export function useNotifications(): NotificationState & { reload: () => void } {
  const [, force] = useState(0)
  useEffect(() => {
    const l = () => force((n) => n + 1)
    notificationListeners.add(l)
    return () => void notificationListeners.delete(l)
  }, [])
  return {
    ...notificationState,
    reload: () => {
      if (!notificationUser) return
      setNotifications({ loading: true, error: undefined })
      void loadNotifications(notificationUser)
    },
  }
}
