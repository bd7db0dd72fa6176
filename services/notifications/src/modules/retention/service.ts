// Personal data kept only while it serves: a closed account is forgotten at once (its notifications, read
// marks, places on waiting lists and the addresses in the log of emails sent to it), and a sweep then
// deletes what was stored for it since (a refund of an event cancelled later, a fact handled by another
// consumer just after the forgetting; for 400 days) and takes every address out of the email log once
// it is EMAIL_LOG_ADDRESS_DAYS old. On MongoDB each of these is answered by an index (`userId`, `to`, `at`, a webhook delivery's `payload.data.userId`). The log's records stay, without the address: each is what keeps its fact
// from being emailed twice.
import { isDuplicateOnly, type Logger } from '@easypass/kit'
import type { Models } from '../../db'

/** Closed accounts looked at per query of the sweep. */
const BATCH = 500
/**
 * How long a closed account is looked for by the sweep: what arrives for it later (a refund of an event
 * cancelled a year on) stays, under an id nobody signs in as; the sweep's cost stays bounded.
 */
const LOOKED_FOR_DAYS = 400

export interface RetentionDeps {
  models: Pick<Models, 'Notification' | 'NotificationRead' | 'Waitlist' | 'Email' | 'EmailWait' | 'ClosedAccount' | 'WebhookDelivery'>
  /** Days an address stays in the log of emails sent. */
  addressDays: number
  log: Logger
}

export function retention({ models: { Notification, NotificationRead, Waitlist, Email, EmailWait, ClosedAccount, WebhookDelivery }, addressDays, log }: RetentionDeps) {
  /**
   * Everything this service keeps of the accounts `userIds`, but the email log's records themselves. The
   * log's addresses go by account and by address: an email for the person under another account's id (the
   * complimentary tickets an admin gave them, a sale at the door) has their address too.
   */
  async function forgetAll(userIds: string[]) {
    const addresses: string[] = await Email.distinct('to', { userId: { $in: userIds }, to: { $exists: true } })
    const [notifications, , waiting, , emails] = await Promise.all([
      Notification.deleteMany({ userId: { $in: userIds } }),
      NotificationRead.deleteMany({ userId: { $in: userIds } }),
      Waitlist.deleteMany({ userId: { $in: userIds } }),
      // Emails still waiting for a mail server: never sent to an account that closed.
      EmailWait.deleteMany({ userId: { $in: userIds } }),
      Email.updateMany({ $or: [{ userId: { $in: userIds } }, ...(addresses.length ? [{ to: { $in: addresses } }] : [])], to: { $exists: true } }, { $unset: { to: 1 } }),
      // What webhooks keep of their deliveries (30 days, and sent again on an admin's word): without the
      // person's address, in what is sent from here on too (a try reads the delivery's stored payload).
      // (A door sale's or a gift's delivery is under the seller's or giver's id with the buyer's or guest's address: kept.)
      WebhookDelivery.updateMany(
        { 'payload.data.userId': { $in: userIds }, 'payload.data.boxOffice': { $exists: false }, 'payload.data.complimentaryFor': { $exists: false } },
        { $unset: { 'payload.data.userEmail': 1 } },
      ),
    ])
    return { notifications: notifications.deletedCount, waiting: waiting.deletedCount, addresses: emails.modifiedCount }
  }

  /** An account was closed: remembered (for the sweep), then forgotten. */
  async function forget(userId: string) {
    try {
      await ClosedAccount.create({ _id: userId, at: new Date() })
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
    }
    log.info({ userId, ...(await forgetAll([userId])) }, 'a closed account was forgotten')
  }

  /** Addresses past their days out of the email log; anything stored for a closed account since it was forgotten, deleted. */
  async function sweep() {
    const cutoff = new Date(Date.now() - addressDays * 86_400_000)
    const aged = await Email.updateMany({ at: { $lt: cutoff }, to: { $exists: true } }, { $unset: { to: 1 } })
    const since = new Date(Date.now() - LOOKED_FOR_DAYS * 86_400_000)
    await ClosedAccount.deleteMany({ at: { $lt: since } })
    let after: string | undefined
    const late = { notifications: 0, waiting: 0, addresses: 0 }
    for (;;) {
      const ids = (await ClosedAccount.find(after ? { _id: { $gt: after } } : {}, { _id: 1 }).sort({ _id: 1 }).limit(BATCH).lean()).map((c) => c._id)
      if (!ids.length) break
      const gone = await forgetAll(ids)
      late.notifications += gone.notifications
      late.waiting += gone.waiting
      late.addresses += gone.addresses
      after = ids[ids.length - 1]
    }
    if (aged.modifiedCount || late.notifications || late.waiting || late.addresses) log.info({ agedAddresses: aged.modifiedCount, ...late }, 'personal data past its time removed')
  }

  return { forget, sweep }
}
