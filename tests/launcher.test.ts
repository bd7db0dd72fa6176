// The local launcher reuses a server it finds on its port only when it is one of the kind it starts:
// a developer's own MongoDB on 27017 must never receive demo data unasked.
import { expect, test } from 'bun:test'
import { freePort, isFerretDB } from '../stack/local/infra'
import { system } from './support/system'

test('a FerretDB on the port is reused; anything else there is refused, saying why', async () => {
  const ferret = Number(new URL(system().env.MONGO_URL!).port)
  expect(await isFerretDB(ferret)).toBeNull()

  const port = await freePort()
  // Something that accepts connections and says nothing a MongoDB client understands.
  const other = Bun.listen({ hostname: '127.0.0.1', port, socket: { open(socket) { socket.write('hello\r\n') }, data() {} } })
  try {
    const refusal = await isFerretDB(port)
    expect(refusal).toContain(`port ${port} is taken`)
    expect(refusal).toContain('MONGO_URL')
  } finally {
    other.stop(true)
  }
}, 30_000)
