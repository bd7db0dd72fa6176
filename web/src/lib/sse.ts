// Server-Sent Events. Public streams (availability) use EventSource. Streams that need the user's
// token cannot: EventSource sends no headers, and a token in the URL ends up in logs. Those are read
// with fetch and a stream reader, with the Authorization header, reconnecting with backoff.
import { freshAccessToken, refreshSession } from './session'

export interface StreamMessage {
  event: string
  data: string
  id?: string
}

export type StreamState = 'connecting' | 'open' | 'retrying' | 'closed'

/** Splits an SSE byte stream into messages (the WHATWG event-stream format). */
export function eventStreamParser(onMessage: (m: StreamMessage) => void) {
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | undefined
  return (chunk: string) => {
    buffer += chunk
    let nl: number
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + (buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? 2 : 1))
      if (line === '') {
        if (data.length) onMessage({ event: event || 'message', data: data.join('\n'), id })
        event = ''
        data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
      else if (field === 'id') id = value
    }
  }
}

/**
 * A stream that says nothing for this long (the server writes a heartbeat every 15 s) is taken for dead:
 * after a network change or a laptop's sleep a read can wait for ever on a connection that is gone.
 */
export const STREAM_SILENCE_MS = 45_000

/** Follows an authenticated SSE stream until the returned function is called. */
export function followAuthedStream(path: string, onMessage: (m: StreamMessage) => void, onState?: (s: StreamState) => void): () => void {
  const controller = new AbortController()
  let lastId: string | undefined
  let failures = 0

  const run = async () => {
    while (!controller.signal.aborted) {
      onState?.(failures ? 'retrying' : 'connecting')
      // This connection: ended by the caller, by silence, or by the browser coming back online (the old
      // one may be half-open); the next one resumes from the last id.
      const attempt = new AbortController()
      const endAttempt = () => attempt.abort()
      controller.signal.addEventListener('abort', endAttempt)
      addEventListener('online', endAttempt)
      let silence: ReturnType<typeof setTimeout> | undefined
      const heard = () => {
        clearTimeout(silence)
        silence = setTimeout(endAttempt, STREAM_SILENCE_MS)
      }
      try {
        // Silence counts from the start: a connection that hangs before its first byte is ended too.
        heard()
        let token = await freshAccessToken()
        if (!token) break
        const open = (t: string) =>
          fetch(`/api${path}`, {
            headers: { accept: 'text/event-stream', authorization: `Bearer ${t}`, ...(lastId ? { 'last-event-id': lastId } : {}) },
            signal: attempt.signal,
            cache: 'no-store',
          })
        let response = await open(token)
        if (response.status === 401) {
          const next = await refreshSession(token)
          if (!next) break
          token = next.accessToken
          response = await open(token)
        }
        if (response.status === 401 || response.status === 403) break
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`)
        onState?.('open')
        failures = 0
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
        const parse = eventStreamParser((m) => {
          if (m.id) lastId = m.id
          onMessage(m)
        })
        heard()
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          heard()
          parse(value)
        }
      } catch {
        // Dropped, refused or gone silent: retried below with backoff.
      } finally {
        clearTimeout(silence)
        controller.signal.removeEventListener('abort', endAttempt)
        removeEventListener('online', endAttempt)
      }
      if (controller.signal.aborted) break
      failures++
      onState?.('retrying')
      await new Promise((r) => setTimeout(r, Math.min(15_000, 1_000 * 2 ** Math.min(failures - 1, 4))))
    }
    onState?.('closed')
  }
  void run()
  return () => controller.abort()
}

/** Follows a public SSE stream with EventSource; `onOpen` runs on every (re)connect so callers can resync. */
export function followPublicStream(path: string, onMessage: (m: StreamMessage) => void, onOpen?: () => void, onState?: (s: StreamState) => void): () => void {
  const source = new EventSource(`/api${path}`)
  const handle = (e: MessageEvent) => onMessage({ event: e.type, data: String(e.data), id: e.lastEventId || undefined })
  let opened = false
  source.onopen = () => {
    onState?.('open')
    if (opened) onOpen?.()
    opened = true
  }
  source.onerror = () => onState?.(source.readyState === EventSource.CLOSED ? 'closed' : 'retrying')
  source.onmessage = handle
  return () => source.close()
}

export function parseJson<T>(data: string): T | undefined {
  try {
    return JSON.parse(data) as T
  } catch {
    return undefined
  }
}
