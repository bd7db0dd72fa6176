// Tickets as Apple Wallet passes: with the operator's Pass Type ID certificate set up (here one made by a
// test CA standing in for Apple's WWDR), a valid ticket's holder gets a `.pkpass` whose every file the
// manifest hashes and whose signature verifies against the CA, carrying the event, the ticket and its
// code as the QR code, in the order's language. Nobody else gets it, nor a refunded ticket; without the
// certificate, no ticket offers one.
import { describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { api, errorCode, registerUser, type Session } from '../support/api'
import { system, restartedWith } from '../support/system'
import { paidWalletOrder as paidOrder, passCertificates, signatureVerifies, unzip } from '../support/wallet'

const PASS_TYPE = 'pass.test.easypass.tickets'
const TEAM = 'ABCDE12345'


const walletOf = (who: Session, ticketId: string) => fetch(`${system().gatewayUrl}/api/tickets/${ticketId}/wallet`, { headers: { authorization: `Bearer ${who.token}` } })

describe('with a pass certificate', () => {
  const certs = passCertificates(PASS_TYPE, TEAM)
  restartedWith(['orders'], { WALLET_PASS_TYPE_ID: PASS_TYPE, WALLET_TEAM_ID: TEAM, WALLET_CERT: certs.cert, WALLET_KEY: certs.key, WALLET_WWDR: certs.wwdr })

  test("a valid ticket's holder gets a signed pass with the event, the ticket and its code", async () => {
    const buyer = await registerUser('wallet')
    const { event, orderId, tickets } = await paidOrder(buyer, 'de-DE')
    expect(tickets.map((t) => t.walletPass)).toEqual([true, true])
    expect((await api(`/orders/${orderId}/tickets/${tickets[0]!.id}`, { method: 'PATCH', token: buyer.token, body: { attendeeName: 'Grace Hopper' } })).status).toBe(200)

    const response = await walletOf(buyer, tickets[0]!.id)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/vnd.apple.pkpass')
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="easypass-ticket-${tickets[0]!.id}.pkpass"`)
    const files = unzip(new Uint8Array(await response.arrayBuffer()))
    expect([...files.keys()].sort()).toEqual(['icon.png', 'icon@2x.png', 'icon@3x.png', 'logo.png', 'logo@2x.png', 'manifest.json', 'pass.json', 'signature'])
    expect(files.get('icon.png')!.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))

    // Wallet's checks: every file hashed in the manifest, and the manifest signed by a certificate of the chain.
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as Record<string, string>
    for (const [name, data] of files) if (name !== 'manifest.json' && name !== 'signature') expect(manifest[name]).toBe(createHash('sha1').update(data).digest('hex'))
    expect(signatureVerifies(certs, files.get('manifest.json')!, files.get('signature')!)).toBe(true)
    const tampered = Buffer.from(files.get('manifest.json')!.toString().replace(/"[0-9a-f]{40}"/, `"${'0'.repeat(40)}"`))
    expect(signatureVerifies(certs, tampered, files.get('signature')!)).toBe(false)

    const pass = JSON.parse(files.get('pass.json')!.toString())
    expect(pass).toMatchObject({
      formatVersion: 1,
      passTypeIdentifier: PASS_TYPE,
      teamIdentifier: TEAM,
      serialNumber: tickets[0]!.id,
      organizationName: 'Wallet Club',
      description: `Ticket für ${event.title}`,
    })
    expect(pass.barcodes[0]).toMatchObject({ format: 'PKBarcodeFormatQR', message: tickets[0]!.code })
    expect(pass.eventTicket.primaryFields[0]).toMatchObject({ label: 'Veranstaltung', value: event.title })
    expect(pass.eventTicket.secondaryFields[0]).toMatchObject({ label: 'Datum' })
    expect(Date.parse(pass.eventTicket.secondaryFields[0].value)).toBe(Date.parse(event.startsAt))
    // On the venue's clock, whatever the phone's zone: Helsinki's offset, and the pass told to keep it.
    expect(pass.eventTicket.secondaryFields[0].value).toMatch(/T\d{2}:\d{2}:\d{2}(\.\d{3})?\+0[23]:00$/)
    expect(pass.eventTicket.secondaryFields[0].ignoresTimeZone).toBe(true)
    expect(pass.eventTicket.auxiliaryFields).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'Name', value: 'Grace Hopper' })]))
    expect(pass.eventTicket.backFields).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'Doors at 19:00.' })]))
    expect(Date.parse(pass.relevantDate)).toBe(Date.parse(event.startsAt))
  })

  test('nobody else gets it; a refunded ticket has none', async () => {
    const buyer = await registerUser('wallet-refund')
    const { orderId, tickets } = await paidOrder(buyer, 'en')
    const other = await registerUser('wallet-other')
    const stranger = await walletOf(other, tickets[0]!.id)
    expect(stranger.status).toBe(404)
    expect((await stranger.json()).error.code).toBe('NOT_FOUND')

    const refund = await api(`/orders/${orderId}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [tickets[1]!.id] } })
    expect(refund.status).toBe(200)
    const refunded = await walletOf(buyer, tickets[1]!.id)
    expect(refunded.status).toBe(409)
    expect((await refunded.json()).error.code).toBe('CONFLICT')
    const after = (await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body as Array<{ id: string; walletPass?: boolean }>
    expect(after.find((t) => t.id === tickets[1]!.id)!.walletPass).toBeUndefined()
    expect((await walletOf(buyer, tickets[0]!.id)).status).toBe(200)
  })
})

describe('without a pass certificate', () => {
  test('no ticket offers a pass, and asking for one is 404', async () => {
    const buyer = await registerUser('wallet-none')
    const { tickets } = await paidOrder(buyer, 'en')
    expect(tickets[0]!.walletPass).toBeUndefined()
    const r = await api(`/tickets/${tickets[0]!.id}/wallet`, { token: buyer.token })
    expect(r.status).toBe(404)
    expect(errorCode(r)).toBe('NOT_FOUND')
    expect(r.body.error.message).toContain('not offered here')
  })
})
