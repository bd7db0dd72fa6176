import { Elysia, status, t } from 'elysia'
import { BEARER, ErrorResponse, tagsOf } from '@easypass/contracts'
import { NotificationList, NotificationParams, NotificationsQuery } from '@easypass/contracts/notifications'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { InboxService } from './service'

const tags = tagsOf('Notifications')
const security = BEARER

export function inboxModule(inbox: InboxService, config: AuthConfig) {
  return new Elysia({ name: 'notifications.inbox' })
    .use(authPlugin(config))
    .get('/api/notifications', ({ principal, query }) => inbox.list(principal!.id, query), {
      auth: 'user',
      query: NotificationsQuery,
      response: { 200: NotificationList, 400: ErrorResponse, 401: ErrorResponse },
      detail: {
        tags,
        summary: 'My notifications',
        description: 'Newest first: order confirmed, refunded, reservation expired or cancelled. `unread` counts the ones not marked read; `?unread=true` lists only those.',
        security,
      },
    })
    .post(
      '/api/notifications/:id/read',
      async ({ principal, params }) => {
        await inbox.markRead(principal!.id, params.id)
        return status(204, undefined)
      },
      {
        auth: 'user',
        params: NotificationParams,
        response: { 204: t.Void(), 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
        detail: { tags, summary: 'Mark one of my notifications read', description: 'Repeating it changes nothing. Someone else\'s notification → 404.', security },
      },
    )
    .post(
      '/api/notifications/read-all',
      async ({ principal }) => {
        await inbox.markAllRead(principal!.id)
        return status(204, undefined)
      },
      {
        auth: 'user',
        response: { 204: t.Void(), 401: ErrorResponse },
        detail: { tags, summary: 'Mark all my notifications read', security },
      },
    )
}
