// The audit log: every change an admin or door worker asked for through the gateway, who asked and how
// it ended, newest first; customers' own actions and check-ins are not in it. Admins only.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'

type Entry = { id: string; at: string; actor: { id: string; email?: string; role: string }; method: string; path: string; status: number; requestId?: string }

const auditOf = (admin: Session, query = '') => api(`/audit${query ? `?${query}` : ''}`, { token: admin.token })

describe('audit log', () => {
  test("admins' and door staff's changes, refused ones too, newest first, filtered and paged; customers' own actions and check-ins are left out", async () => {
    const admin = await loginAdmin()
    const before = Date.now()
    const created = await api('/events', { token: admin.token, body: futureEvent({ status: 'published' }) })
    expect(created.status).toBe(201)
    const eventId = created.body.id as string
    const creation = await eventually('the creation recorded', async () =>
      ((await auditOf(admin, `actor=${admin.user.id}&path=/api/events`)).body.items as Entry[]).find((e) => e.requestId === created.headers.get('x-request-id')),
    )
    expect(creation).toMatchObject({ method: 'POST', path: '/api/events', status: 201 })
    expect(Date.parse(creation.at)).toBeWithin(before - 1_000, Date.now() + 1)
    // Spelled with an escape (`%36` is `6`) and a trailing slash: recorded as the path it acted on, so a
    // search by the event's path finds it.
    const spelled = `/events/${eventId.replace(/^(.)/, (c) => `%${c.charCodeAt(0).toString(16)}`)}/`
    const renamed = await api(spelled, { token: admin.token, method: 'PATCH', body: { title: 'Audited night' } })
    expect(renamed.status).toBe(200)
    expect(renamed.body.title).toBe('Audited night')
    const typeId = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Seat', priceCents: 1000, currency: 'EUR', capacity: 5 } })).body.id as string

    const worker = await registerUser('audit-staff')
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)
    const staffToken = (await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })).body.accessToken as string
    // A door worker trying an admin's change: refused, and recorded.
    expect((await api(`/events/${eventId}/cancel`, { token: staffToken, body: {} })).status).toBe(403)
    // Not recorded: a customer's purchase, and the door's check-in.
    const buyer = await registerUser('audit-buyer')
    const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 1 }], payment: { card: TEST_CARD } } })
    expect(order.status).toBe(201)
    const code = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body[0].code as string
    expect((await api('/checkins', { token: staffToken, body: { code } })).status).toBe(200)

    // Written after each answer: wait until the last one is there.
    const mine = await eventually('the audit entries of this event', async () => {
      const r = await auditOf(admin, `path=${encodeURIComponent(`/api/events/${eventId}`)}`)
      expect(r.status).toBe(200)
      return r.body.items.length === 3 && (r.body.items as Entry[])
    })
    expect(mine.map((e) => [e.actor.role, e.method, e.path, e.status])).toEqual([
      ['staff', 'POST', `/api/events/${eventId}/cancel`, 403],
      ['admin', 'POST', `/api/events/${eventId}/ticket-types`, 201],
      ['admin', 'PATCH', `/api/events/${eventId}`, 200],
    ])
    expect(mine[0]!.actor).toEqual({ id: worker.user.id, email: worker.user.email, role: 'staff' })
    expect(mine[1]!.actor).toMatchObject({ id: admin.user.id, email: admin.user.email, role: 'admin' })
    expect(mine[0]!.requestId).toBeString()
    // The role change that made the door worker, under the admin's name.
    const roles = (await auditOf(admin, `path=${encodeURIComponent(`/api/users/${worker.user.id}`)}`)).body.items as Entry[]
    expect(roles.map((e) => [e.method, e.status, e.actor.id])).toEqual([['PATCH', 200, admin.user.id]])
    // Nothing of the buyer's, nor the check-in.
    expect((await auditOf(admin, `actor=${buyer.user.id}`)).body.items).toEqual([])
    expect((await auditOf(admin, 'path=/api/checkins')).body.items).toEqual([])
    // By actor (part of the email), and only the refused ones.
    const byWorker = (await auditOf(admin, `actor=${encodeURIComponent(worker.user.email.slice(0, 14).toUpperCase())}`)).body.items as Entry[]
    expect(byWorker.map((e) => e.path)).toEqual([`/api/events/${eventId}/cancel`])
    const failed = (await auditOf(admin, `failed=true&path=${encodeURIComponent(`/api/events/${eventId}`)}`)).body.items as Entry[]
    expect(failed.map((e) => e.status)).toEqual([403])
    const succeeded = (await auditOf(admin, `failed=false&path=${encodeURIComponent(`/api/events/${eventId}`)}`)).body.items as Entry[]
    expect(succeeded.map((e) => e.status)).toEqual([201, 200])

    // Paged: newest first, `next` goes on where the page ended, to the end.
    const path = `path=${encodeURIComponent(`/api/events/${eventId}`)}`
    const first = await auditOf(admin, `${path}&limit=2`)
    expect(first.body.items.map((e: Entry) => e.id)).toEqual(mine.slice(0, 2).map((e) => e.id))
    expect(first.body.next).toBeString()
    const rest = await auditOf(admin, `${path}&limit=2&before=${first.body.next}`)
    expect(rest.body.items.map((e: Entry) => e.id)).toEqual(mine.slice(2).map((e) => e.id))
    expect(rest.body.next).toBeNull()

    // Taking the attendee list away as a file is recorded too; reading it on the page is not.
    expect((await api(`/events/${eventId}/attendees.csv`, { token: admin.token })).status).toBe(200)
    expect((await api(`/events/${eventId}/attendees`, { token: admin.token })).status).toBe(200)
    const exports = await eventually('the export recorded', async () => {
      const items = (await auditOf(admin, `path=${encodeURIComponent(`/api/events/${eventId}/attendees`)}`)).body.items as Entry[]
      return items.length > 0 && items
    })
    expect(exports.map((e) => [e.method, e.path, e.status])).toEqual([['GET', `/api/events/${eventId}/attendees.csv`, 200]])
  })

  test('admins only; bad filters are 400', async () => {
    const admin = await loginAdmin()
    const customer = await registerUser('audit-peek')
    const asCustomer = await auditOf(customer)
    expect(asCustomer.status).toBe(403)
    expect(errorCode(asCustomer)).toBe('FORBIDDEN')
    expect((await api('/audit')).status).toBe(401)
    expect((await api('/audit', { token: `${admin.token.slice(0, -4)}AAAA` })).status).toBe(401)
    // Door staff have their own changes recorded, and cannot read anyone's.
    const worker = await registerUser('audit-staff-reader')
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)
    const staffToken = (await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })).body.accessToken as string
    const asStaff = await api('/audit', { token: staffToken })
    expect(asStaff.status).toBe(403)
    expect(errorCode(asStaff)).toBe('FORBIDDEN')
    for (const query of ['limit=500', 'before=yesterday', 'before=0-0', 'path=events', 'failed=maybe']) {
      const r = await auditOf(admin, query)
      expect([query, r.status]).toEqual([query, 400])
      expect(errorCode(r)).toBe('VALIDATION')
    }
  })
})
