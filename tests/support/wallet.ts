// What the wallet pass tests need: a certificate authority standing in for Apple's WWDR intermediate, and
// a Pass Type ID certificate it signed (made with openssl, in a folder of their own), and a reader of the
// `.pkpass` archive (a ZIP) and of its signature, as Wallet checks them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { expect } from 'bun:test'
import { api, futureEvent, loginAdmin, TEST_CARD, type Session } from './api'

export interface PassCertificates {
  dir: string
  /** PEM: the stand-in for Apple's WWDR intermediate (the CA), the signer's certificate and its key. */
  wwdr: string
  cert: string
  key: string
}

function openssl(dir: string, args: string[]) {
  const run = Bun.spawnSync(['openssl', ...args], { cwd: dir, stderr: 'pipe' })
  if (run.exitCode !== 0) throw new Error(`openssl ${args[0]} failed: ${run.stderr.toString()}`)
}

export function passCertificates(passTypeId: string, teamId: string): PassCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'easypass-wallet-'))
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test WWDR stand-in'])
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'signer.key', '-out', 'signer.csr', '-subj', `/UID=${passTypeId}/CN=Pass Type ID: ${passTypeId}/OU=${teamId}`])
  openssl(dir, ['x509', '-req', '-in', 'signer.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'signer.pem', '-days', '2'])
  const read = (file: string) => readFileSync(join(dir, file), 'utf8')
  return { dir, wwdr: read('ca.pem'), cert: read('signer.pem'), key: read('signer.key') }
}

/** The files of a ZIP archive by name, read from its central directory (stored or deflated entries). */
export function unzip(archive: Uint8Array): Map<string, Buffer> {
  const buf = Buffer.from(archive)
  let end = buf.length - 22
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--
  if (end < 0) throw new Error('not a ZIP archive')
  const count = buf.readUInt16LE(end + 10)
  let at = buf.readUInt32LE(end + 16)
  const files = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('broken central directory')
    const method = buf.readUInt16LE(at + 10)
    const size = buf.readUInt32LE(at + 20)
    const nameLength = buf.readUInt16LE(at + 28)
    const extraLength = buf.readUInt16LE(at + 30)
    const commentLength = buf.readUInt16LE(at + 32)
    const local = buf.readUInt32LE(at + 42)
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString('utf8')
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    const data = buf.subarray(dataAt, dataAt + size)
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data))
    at += 46 + nameLength + extraLength + commentLength
  }
  return files
}

/** Whether `signature` (DER, detached PKCS #7) signs `content` with a certificate the CA issued, as Wallet checks it. */
export function signatureVerifies(certs: PassCertificates, content: Buffer, signature: Buffer): boolean {
  writeFileSync(join(certs.dir, 'manifest.json'), content)
  writeFileSync(join(certs.dir, 'signature'), signature)
  const run = Bun.spawnSync(['openssl', 'smime', '-verify', '-binary', '-inform', 'DER', '-in', 'signature', '-content', 'manifest.json', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'], { cwd: certs.dir, stderr: 'pipe' })
  return run.exitCode === 0
}

/** A paid order of two tickets of a new event in Helsinki (organiser "Wallet Club", with information for holders), bought in `language`: what both wallets' tests save. */
export async function paidWalletOrder(buyer: Session, language: string) {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent({ organizer: 'Wallet Club', ticketInfo: 'Doors at 19:00.', timeZone: 'Europe/Helsinki', status: 'published' }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Parkett', priceCents: 1500, currency: 'EUR', capacity: 10 } })
  const order = await api('/orders', {
    token: buyer.token,
    headers: { 'idempotency-key': crypto.randomUUID(), 'accept-language': language },
    body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 2 }], payment: { card: TEST_CARD } },
  })
  expect(order.status).toBe(201)
  const tickets = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body as Array<{ id: string; code: string; walletPass?: boolean; googleWallet?: boolean }>
  return { event: event.body, orderId: order.body.id as string, tickets }
}
