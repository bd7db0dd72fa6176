// The audit log: every change asked for by an admin or door worker (and every attendee list taken away
// as a file), as the gateway forwarded it, who
// asked, and how it ended. The gateway is where every request of every service passes once, so one
// record covers them all without a service taking part. Kept in a Redis stream, capped at
// AUDIT_MAX_ENTRIES (the newest kept), and written to the log as well (the durable copy, for log
// shipping). Written after the answer, never in its way: a Redis that is away loses the stream's copy
// only. Check-ins are not recorded here: orders keeps each one with who admitted it.
import type { Redis } from 'ioredis'
import type { Principal } from '@easypass/contracts'
import type { AuditEntry, AuditList, AuditQuery } from '@easypass/contracts/audit'
import { counter, fail, type Logger } from '@easypass/kit'
import { withinStoreDeadline } from '../ratelimit'

const recorded = counter('gateway_audit_entries_total', 'Audit entries, by whether the stream took them', ['stored'])

/** Reads of the stream per page: enough to find a page of matches among other people's entries, never a scan of all. */
const SCAN_CHUNK = 500
const SCAN_MAX = 10_000

const READS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Characters a path may spell as `%XX` that mean the same written plainly (RFC 3986 unreserved). */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/**
 * A path as it is recorded and searched: what a service acts on. `/api/users/%36%36…` reaches the same
 * account as `/api/users/66…` (services decode their parameters), so it is recorded decoded, as a search
 * for the id finds it; a trailing slash is dropped the same way.
 */
export function auditPath(pathname: string): string {
  const decoded = pathname.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(char) ? char : escape.toUpperCase()
  })
  return decoded.length > 1 ? decoded.replace(/\/+$/, '') : decoded
}

/** A service marks an answer that takes people's data away (a file of them) with this header: recorded as changes are. */
export const AUDIT_EXPORT_HEADER = 'x-audit'

/**
 * Whether a request of an admin or door worker is recorded (`path`: its `auditPath`): a change (not a
 * check-in), or a read its service marked as an export (`answer`: its response, when there was one).
 */
export function isAudited(method: string, path: string, answer?: Response): boolean {
  if (READS.has(method)) return answer?.headers.get(AUDIT_EXPORT_HEADER) === 'export'
  return path !== '/api/checkins'
}

const FIELDS = ['actorId', 'actorEmail', 'actorRole', 'method', 'path', 'status', 'requestId', 'ip'] as const

export function auditLog(redis: Redis, opts: { prefix: string; maxEntries: number; log: Logger }) {
  const key = `${opts.prefix}:gateway:audit`

  /** A stream entry as the API shows it (its id is the stream's: time-ordered, and the cursor for older pages). */
  function toEntry(id: string, flat: string[]): AuditEntry {
    const f: Record<string, string> = {}
    for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!
    return {
      id,
      at: new Date(Number(id.split('-')[0])).toISOString(),
      actor: { id: f.actorId ?? '', ...(f.actorEmail ? { email: f.actorEmail } : {}), role: f.actorRole ?? '' },
      method: f.method ?? '',
      path: f.path ?? '',
      status: Number(f.status) || 0,
      ...(f.requestId ? { requestId: f.requestId } : {}),
      ...(f.ip ? { ip: f.ip } : {}),
    }
  }

  /** Entries older than `end`, newest first; Redis away or slow: 503, an id Redis refuses: 400. */
  async function readChunk(end: string): Promise<Array<[string, string[]]>> {
    if (redis.status !== 'ready') throw fail('UNAVAILABLE', 'the audit log cannot be read right now', { retryAfterSeconds: 5 })
    try {
      return (await withinStoreDeadline(redis.xrevrange(key, end, '-', 'COUNT', SCAN_CHUNK))) as Array<[string, string[]]>
    } catch (error) {
      if (/\bID\b/.test(String(error))) throw fail('VALIDATION', 'before: not an entry id of this log', { fields: [{ path: 'before', message: 'not an entry id' }] })
      throw fail('UNAVAILABLE', 'the audit log cannot be read right now', { retryAfterSeconds: 5 })
    }
  }

  function matches(entry: AuditEntry, query: AuditQuery): boolean {
    const actor = query.actor?.trim().toLowerCase()
    if (actor && !(entry.actor.id === actor || entry.actor.email?.toLowerCase().includes(actor))) return false
    if (query.path && !entry.path.startsWith(query.path)) return false
    if (query.failed !== undefined && query.failed !== entry.status >= 400) return false
    return true
  }

  return {
    /** Records one change and how it ended; never throws, never waits for Redis. */
    record(entry: { principal: Principal; method: string; path: string; status: number; requestId?: string; ip?: string }) {
      const values: Record<(typeof FIELDS)[number], string> = {
        actorId: entry.principal.id,
        actorEmail: entry.principal.email ?? '',
        actorRole: entry.principal.role,
        method: entry.method,
        path: entry.path,
        status: String(entry.status),
        requestId: entry.requestId ?? '',
        ip: entry.ip ?? '',
      }
      opts.log.info({ audit: values }, 'audit')
      if (redis.status !== 'ready') return void recorded.inc({ stored: 'no' })
      redis
        .xadd(key, 'MAXLEN', '~', String(opts.maxEntries), '*', ...FIELDS.flatMap((f) => [f, values[f]]))
        .then(
          () => recorded.inc({ stored: 'yes' }),
          (error) => {
            recorded.inc({ stored: 'no' })
            opts.log.warn({ err: String(error) }, 'audit entry not stored in Redis (it is in the log)')
          },
        )
    },

    /** Newest first, from before `before` (a previous page's `next`); filters looked through at most SCAN_MAX entries a page. */
    async list(query: AuditQuery): Promise<AuditList> {
      const limit = query.limit ?? 50
      // One match more than the page: whether there are older ones is then known, not guessed.
      const found: AuditEntry[] = []
      let end = query.before ? `(${query.before}` : '+'
      let scanned = 0
      // Cut short by SCAN_MAX: older entries may remain, from where the reading stopped.
      let stoppedAt: string | undefined
      read: for (;;) {
        if (scanned >= SCAN_MAX) {
          stoppedAt = end.slice(1)
          break
        }
        const chunk = await readChunk(end)
        for (const [id, flat] of chunk) {
          scanned++
          end = `(${id}`
          const entry = toEntry(id, flat)
          if (matches(entry, query)) found.push(entry)
          if (found.length > limit) break read
        }
        if (chunk.length < SCAN_CHUNK) break
      }
      const items = found.slice(0, limit)
      const next = found.length > limit ? items[items.length - 1]!.id : (stoppedAt ?? null)
      return { items, next }
    },
  }
}
export type AuditLog = ReturnType<typeof auditLog>
