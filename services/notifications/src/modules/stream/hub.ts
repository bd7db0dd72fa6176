import { gauge, type Logger } from '@easypass/kit'

const clientsGauge = gauge('notifications_stream_clients', 'Open notification streams on this replica')

export interface StreamClient {
  send(chunk: string): void
  close(): void
}

/** One notification as an SSE message; its id is what the client sends back as Last-Event-ID. */
export const sseMessage = (notification: { id?: string }) => `id: ${notification.id ?? ''}\nevent: notification\ndata: ${JSON.stringify(notification)}\n\n`

/**
 * The open SSE streams of this replica, by user. Every replica hears every
 * `notifications.created.<userId>` signal and writes it to its own clients of that user.
 */
export function streamHub(log: Logger, maxPerUser = 10) {
  const clients = new Map<string, Set<StreamClient>>()

  function add(userId: string, client: StreamClient) {
    let set = clients.get(userId)
    if (!set) clients.set(userId, (set = new Set()))
    // A runaway client opening stream after stream pushes out its own oldest one, nobody else's.
    if (set.size >= maxPerUser) {
      const oldest = set.values().next().value!
      remove(userId, oldest)
      oldest.close()
    }
    set.add(client)
    clientsGauge.inc()
  }

  function remove(userId: string, client: StreamClient) {
    const set = clients.get(userId)
    if (!set?.delete(client)) return
    clientsGauge.dec()
    if (!set.size) clients.delete(userId)
  }

  function deliver(userId: string, notification: { id?: string }) {
    const set = clients.get(userId)
    if (!set) return
    const chunk = sseMessage(notification)
    for (const client of set) {
      try {
        client.send(chunk)
      } catch (error) {
        log.debug({ err: String(error) }, 'dropping a closed stream')
        remove(userId, client)
      }
    }
  }

  /** Ends every stream; with `spreadMs`, each at a random moment within it, so that clients do not all come back at once. */
  function closeAll(spreadMs = 0) {
    for (const [userId, set] of clients)
      for (const client of [...set]) {
        const end = () => (remove(userId, client), client.close())
        if (spreadMs > 0) setTimeout(end, Math.random() * spreadMs).unref?.()
        else end()
      }
  }

  return { add, remove, deliver, closeAll, count: () => [...clients.values()].reduce((n, s) => n + s.size, 0) }
}
export type StreamHub = ReturnType<typeof streamHub>
