import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, tagsOf } from '@easypass/contracts'
import { ACCESS_TOKEN_TTL_SECONDS, authPlugin, type AuthConfig } from '@easypass/kit'
import type { Notification } from '@easypass/contracts/notifications'
import { validId } from '../facts/consumer'
import { sseMessage, type StreamClient, type StreamHub } from './hub'

/** Sends what a reconnecting client missed after the notification it names. */
export type Replay = (userId: string, lastId: string) => Promise<Notification[]>

const encoder = new TextEncoder()

export function streamModule(hub: StreamHub, config: AuthConfig, heartbeatSeconds: number, replay?: Replay, streamLifetimeMs = ACCESS_TOKEN_TTL_SECONDS * 1000) {
  return new Elysia({ name: 'notifications.stream' })
    .use(authPlugin(config))
    .get(
      '/api/notifications/stream',
      ({ principal, request, server }) => {
        const userId = principal!.id
        const lastId = request.headers.get('last-event-id')
        // Bun closes connections idle for 10 s by default; this one is quiet by nature between heartbeats.
        server?.timeout(request, 0)
        let client: StreamClient | undefined
        let heartbeat: Timer | undefined
        let lifetime: Timer | undefined
        const stop = () => {
          if (heartbeat) clearInterval(heartbeat)
          if (lifetime) clearTimeout(lifetime)
          if (client) hub.remove(userId, client)
        }
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            let open = true
            client = {
              send: (chunk) => {
                if (!open) return
                try {
                  controller.enqueue(encoder.encode(chunk))
                } catch {
                  client!.close()
                }
              },
              close: () => {
                if (!open) return
                open = false
                stop()
                try {
                  controller.close()
                } catch {}
              },
            }
            client.send(`retry: 3000\n: connected\n\n`)
            // A client that left while its sign-in was checked: its abort fired before anyone listened.
            if (request.signal.aborted) return client.close()
            hub.add(userId, client)
            // Reconnecting: what came meanwhile, after joining the hub so that nothing falls between the two.
            if (replay && validId(lastId))
              replay(userId, lastId).then(
                (missed) => missed.forEach((n) => client!.send(sseMessage(n))),
                () => {},
              )
            heartbeat = setInterval(() => {
              try {
                client!.send(': heartbeat\n\n')
              } catch {
                client!.close()
              }
            }, heartbeatSeconds * 1000)
            request.signal.addEventListener('abort', () => client!.close(), { once: true })
            // The token that opened it has expired by then: the client reconnects with its current one,
            // so a session ended (signed out, revoked) stops receiving within one token's lifetime.
            // Spread (80–100 % of it): streams opened together do not all come back together.
            lifetime = setTimeout(() => client!.close(), streamLifetimeMs * (0.8 + 0.2 * Math.random()))
          },
          cancel() {
            // The client left: nothing more is written to this stream (a replay may still be on its way).
            client?.close()
          },
        })
        return new Response(body, {
          headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' },
        })
      },
      {
        auth: 'user',
        response: { 200: t.String({ description: 'text/event-stream' }), 401: ErrorResponse, 429: ErrorResponse },
        detail: {
          tags: tagsOf('Notifications'),
          summary: 'My notifications, live (Server-Sent Events)',
          description:
            'Each new notification arrives as `event: notification` with the notification as JSON in `data` (and its id as the event `id`). ' +
            'Reconnecting with `Last-Event-ID` first sends the ones stored since (up to 100; one may come twice, tell them by id). ' +
            'A comment line every 15 seconds keeps the connection open; the stream ends after 15 minutes (reconnect with a current token). All of them are in GET /api/notifications. ' +
            'One address holds at most 50 live streams at once through one gateway replica (429 beyond).',
          security: BEARER,
        },
      },
    )
}
