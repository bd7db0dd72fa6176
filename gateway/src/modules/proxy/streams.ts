import { fail, gauge } from '@easypass/kit'

const openStreams = gauge('gateway_open_streams', 'Event streams this replica is forwarding now')

/**
 * Open event streams per client address (an IPv6 client by its /64, as the rate limits count it) on this replica. A stream is one request for the rate
 * limits but lives for minutes; without a bound, one address could hold thousands of them (a
 * connection here, one upstream, a listener there). Counted in memory: a replica that stops takes
 * its streams, and their counts, with it.
 */
export function streamLimit(perAddress: number) {
  const byAddress = new Map<string, number>()

  /** Takes a place for `ip` (429 when it has none left); the returned function gives it back, once. */
  function open(ip: string): () => void {
    const now = byAddress.get(ip) ?? 0
    if (now >= perAddress)
      throw fail('RATE_LIMITED', `at most ${perAddress} live streams at once from one address: close one first`, { retryAfterSeconds: 30, maxStreams: perAddress })
    byAddress.set(ip, now + 1)
    openStreams.inc()
    let released = false
    return () => {
      if (released) return
      released = true
      openStreams.dec()
      const left = (byAddress.get(ip) ?? 1) - 1
      if (left > 0) byAddress.set(ip, left)
      else byAddress.delete(ip)
    }
  }

  return { open, count: (ip: string) => byAddress.get(ip) ?? 0 }
}
export type StreamLimit = ReturnType<typeof streamLimit>

/** The same answer, whose place is given back when its body ends or fails, or the client leaves. */
export function releasedAtEnd(response: Response, signal: AbortSignal, release: () => void): Response {
  const upstream = response.body
  if (!upstream) {
    release()
    return response
  }
  // Left already (while the upstream answered): its abort has fired, and would not again.
  if (signal.aborted) {
    release()
    void upstream.cancel().catch(() => {})
    return new Response(null, { status: 499 })
  }
  signal.addEventListener('abort', release, { once: true })
  const reader = upstream.getReader()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (!done) return controller.enqueue(value)
        release()
        controller.close()
      } catch (error) {
        release()
        controller.error(error)
      }
    },
    cancel(reason) {
      release()
      return reader.cancel(reason)
    },
  })
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers })
}
