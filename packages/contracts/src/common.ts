import { t, type TSchema } from 'elysia'

/** Ids are 24-hex ObjectId strings everywhere. */
export const Id = t.String({ pattern: '^[0-9a-f]{24}$', examples: ['665f1c2b9d3e4a0012345678'] })
export const IdParams = t.Object({ id: Id })
export const IsoDate = t.String({ format: 'date-time', examples: ['2027-06-01T18:00:00.000Z'] })

export const PageQuery = {
  page: t.Optional(t.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
}

export function ListOf<T extends TSchema>(item: T) {
  return t.Object({
    items: t.Array(item),
    total: t.Integer({ minimum: 0 }),
    page: t.Integer({ minimum: 1 }),
    limit: t.Integer({ minimum: 1, maximum: 100 }),
  })
}

export const Money = {
  priceCents: t.Integer({ minimum: 0, maximum: 100_000_000, examples: [4500] }),
  currency: t.String({ pattern: '^[A-Z]{3}$', examples: ['EUR'] }),
}

/**
 * Accounts' roles, least to most: `staff` works the door (checks tickets in, reads an event's attendee
 * list) and nothing else an admin may; `admin` runs everything.
 */
export const ROLES = ['customer', 'staff', 'admin'] as const
export type Role = (typeof ROLES)[number]
/** What a verified access token says about its bearer. `service` is for calls between services only. */
export interface Principal {
  id: string
  role: Role | 'service'
  email?: string
  /** A guest (bought without an account): `email` is the address they gave, which an account may have too. */
  guest?: boolean
  /** When its token was signed (seconds since the epoch), if it says. */
  issuedAt?: number
  /** Door staff who work the door of these events only (absent: of every event). */
  events?: string[]
  /** Door staff: when their events were last set (ms since the epoch), as their token says; older tokens are withdrawn. */
  eventsSince?: number
}
