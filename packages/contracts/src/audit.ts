// The audit log (gateway): every change an admin or door worker asked for, who asked and how it ended.
import { t, type Static } from 'elysia'

/** A Redis stream id: the entry's time in milliseconds and a sequence number. */
const streamId = (description?: string) => t.String({ pattern: '^[0-9]{1,20}-[0-9]{1,20}$', examples: ['1764900000000-0'], ...(description ? { description } : {}) })

export const AuditQuery = t.Object({
  actor: t.Optional(t.String({ maxLength: 254, description: "an account's id, or part of its email address" })),
  path: t.Optional(t.String({ maxLength: 300, pattern: '^/api/', description: 'changes of paths that start with this, e.g. `/api/events/665f1c2b9d3e4a0012345678`' })),
  failed: t.Optional(t.Boolean({ description: 'true: only changes that were refused or failed (status 400 and above); false: only those that succeeded' })),
  before: t.Optional(streamId("the previous page's `next`: older entries")),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 50 })),
})
export type AuditQuery = Static<typeof AuditQuery>

export const AuditEntry = t.Object(
  {
    id: streamId(),
    at: t.String({ format: 'date-time' }),
    actor: t.Object({ id: t.String(), email: t.Optional(t.String()), role: t.String({ examples: ['admin'] }) }),
    method: t.String({ examples: ['PATCH'] }),
    path: t.String({ description: 'without the query', examples: ['/api/events/665f1c2b9d3e4a0012345678'] }),
    status: t.Integer({ description: 'how it ended: the answer the caller got', examples: [200] }),
    requestId: t.Optional(t.String({ description: 'the `x-request-id` it was answered with: its line in every service log' })),
    ip: t.Optional(t.String({ description: 'the client address' })),
  },
  { title: 'AuditEntry' },
)
export type AuditEntry = Static<typeof AuditEntry>

export const AuditList = t.Object(
  {
    items: t.Array(AuditEntry),
    next: t.Union([streamId(), t.Null()], { description: 'pass as `before` for older entries; null when there are none' }),
  },
  { title: 'AuditList' },
)
export type AuditList = Static<typeof AuditList>
