// The wallet settings as orders reads them at its start: none means no passes; some without the others,
// or a key that cannot sign with the certificate, stop the start instead of failing every pass later.
import { expect, test } from 'bun:test'
import { passCertificates } from '../../../tests/support/wallet'
import { markPng, walletSettings } from '../src/modules/tickets/wallet'

const certs = passCertificates('pass.test.easypass.tickets', 'ABCDE12345')
const other = passCertificates('pass.test.easypass.tickets', 'ABCDE12345')
const complete = { WALLET_PASS_TYPE_ID: 'pass.test.easypass.tickets', WALLET_TEAM_ID: 'ABCDE12345', WALLET_CERT: certs.cert, WALLET_KEY: certs.key, WALLET_WWDR: certs.wwdr, WALLET_KEY_PASSPHRASE: undefined }

test('all settings: passes are signed; none: no passes', () => {
  expect(walletSettings(complete)?.passTypeId).toBe('pass.test.easypass.tickets')
  expect(walletSettings({ WALLET_PASS_TYPE_ID: undefined, WALLET_TEAM_ID: undefined, WALLET_CERT: undefined, WALLET_KEY: undefined, WALLET_WWDR: undefined, WALLET_KEY_PASSPHRASE: undefined })).toBeUndefined()
})

test('some without the others, or a key that is not the certificate’s, stop the start', () => {
  expect(() => walletSettings({ ...complete, WALLET_WWDR: undefined })).toThrow('WALLET_WWDR missing')
  expect(() => walletSettings({ ...complete, WALLET_KEY: other.key })).toThrow('cannot sign a pass')
})

test('the mark is a PNG of the size asked', () => {
  const png = markPng(58)
  expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))
  expect(png.readUInt32BE(16)).toBe(58)
  expect(png.readUInt32BE(20)).toBe(58)
})
