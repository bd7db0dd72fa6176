// What notifications keeps of the signed-in person, in one answer (beyond the contract, additive): their
// notifications, read or not, and their places on waiting lists. The web app saves it with the account
// (auth) and the orders (orders) as one file: "Download your data" on the account page.
import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IsoDate, tagsOf } from '@easypass/contracts'
import { Notification, WaitlistEntry } from '@easypass/contracts/notifications'
import type { Principal } from '@easypass/contracts'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { InboxService } from '../inbox/service'
import type { WaitlistService } from '../waitlist/service'

/** Pages of 100 one answer carries at most: far beyond any person; `complete` says when there are more. */
const MAX_PAGES = 100

export const MyNotificationsData = t.Object(
  {
    exportedAt: IsoDate,
    notifications: t.Array(Notification),
    waitlist: t.Array(WaitlistEntry),
    complete: t.Boolean({ description: 'false when there were more than one answer carries (10,000 of either)' }),
  },
  { title: 'MyNotificationsData' },
)

/** Every page of a list, up to MAX_PAGES; `complete` is false when some were left. */
async function all<T>(page: (n: number) => Promise<{ items: T[]; total: number }>) {
  const items: T[] = []
  for (let n = 1; n <= MAX_PAGES; n++) {
    const got = await page(n)
    items.push(...got.items)
    if (got.items.length < 100 || items.length >= got.total) return { items, complete: true }
  }
  return { items, complete: false }
}

export function myNotificationsData(inbox: Pick<InboxService, 'list'>, waitlist: Pick<WaitlistService, 'list'>) {
  return async (principal: Principal) => {
    const [notifications, waiting] = await Promise.all([
      all((page) => inbox.list(principal.id, { page, limit: 100 })),
      all((page) => waitlist.list(principal, { page, limit: 100 })),
    ])
    return { exportedAt: new Date().toISOString(), notifications: notifications.items, waitlist: waiting.items, complete: notifications.complete && waiting.complete }
  }
}

export function myDataModule(config: AuthConfig, inbox: Pick<InboxService, 'list'>, waitlist: Pick<WaitlistService, 'list'>) {
  const of = myNotificationsData(inbox, waitlist)
  return new Elysia({ name: 'notifications.my-data' }).use(authPlugin(config)).get('/api/notifications/my-data', ({ principal }) => of(principal!), {
    auth: 'user',
    response: { 200: MyNotificationsData, 401: ErrorResponse },
    detail: {
      tags: tagsOf('Notifications'),
      summary: 'Everything notifications keeps of me',
      description: 'Every notification of the signed-in account (newest first, read or not) and its places on waiting lists. The web app\'s "Download your data" saves it with the account and the orders as one file.',
      security: BEARER,
    },
  })
}
