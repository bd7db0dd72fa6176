// Demo data for `npm start`, created through the public API exactly as an admin would.
import { instantOfWallTime, wallTimeInput } from '@easypass/contracts/time-zones'

const DAY = 86_400_000
const DEMO_TIME_ZONE = 'Europe/Helsinki'
/** Prices include 14 % VAT, as admissions to cultural and sports events in Finland do. */
const DEMO_TAX_RATE = 1400

interface DemoEvent {
  title: string
  description: string
  category: string
  venue: { name: string; address: string; city: string }
  inDays: number
  hours: number
  organizer: string
  ticketTypes: Array<{ name: string; priceCents: number; capacity: number; maxPerOrder?: number; seating?: { rows: Array<{ label: string; seats: number }> }; addOn?: true; variationOf?: string }>
}

const DEMO: DemoEvent[] = [
  { title: 'Northern Lights Jazz Night', description: 'An evening of Nordic jazz with three quartets and a late jam session.', category: 'music', venue: { name: 'Tavastia', address: 'Urho Kekkosen katu 4', city: 'Helsinki' }, inDays: 12, hours: 4, organizer: 'Blue Note Collective', ticketTypes: [{ name: 'Standing', priceCents: 3500, capacity: 400 }, { name: 'Balcony seat', priceCents: 5500, capacity: 80, maxPerOrder: 4 }] },
  { title: 'Oulu Tech Summit 2027', description: 'Two days of talks on distributed systems, edge computing and 6G research.', category: 'conference', venue: { name: 'Oulu Hall', address: 'Kirkkokatu 2', city: 'Oulu' }, inDays: 40, hours: 32, organizer: 'Oulu Tech Society', ticketTypes: [{ name: 'Early bird', priceCents: 9900, capacity: 150 }, { name: 'Regular', priceCents: 14900, capacity: 600 }, { name: 'Student', priceCents: 2900, capacity: 200, maxPerOrder: 1 }, ...['S', 'M', 'L'].map((size) => ({ name: `Summit T-shirt ${size}`, priceCents: 2500, capacity: 60, addOn: true as const, variationOf: 'Summit T-shirt' }))] },
  { title: 'Derby: HJK vs HIFK', description: 'The Helsinki derby at the Bolt Arena. Family stand available.', category: 'sports', venue: { name: 'Bolt Arena', address: 'Urheilukatu 5', city: 'Helsinki' }, inDays: 20, hours: 2, organizer: 'Veikkausliiga', ticketTypes: [{ name: 'Home end', priceCents: 2200, capacity: 3000 }, { name: 'Family stand', priceCents: 1500, capacity: 500, maxPerOrder: 6 }] },
  { title: 'Hamlet — a new staging', description: "Shakespeare's tragedy in a bold modern production, in English with Finnish surtitles.", category: 'theatre', venue: { name: 'Tampere Theatre', address: 'Keskustori 2', city: 'Tampere' }, inDays: 8, hours: 3, organizer: 'Tampere Theatre', ticketTypes: [{ name: 'Stalls', priceCents: 4800, capacity: 120, maxPerOrder: 6, seating: { rows: 'ABCDEFGHIJ'.split('').map((label) => ({ label, seats: 12 })) } }, { name: 'Circle', priceCents: 3600, capacity: 200 }] },
  { title: 'Stand-up Saturday', description: 'Five comedians, one microphone, no mercy.', category: 'comedy', venue: { name: 'Apollo Live Club', address: 'Mannerheimintie 16', city: 'Helsinki' }, inDays: 5, hours: 2, organizer: 'Laughing Matters', ticketTypes: [{ name: 'General admission', priceCents: 2500, capacity: 250 }] },
  { title: 'Turku Food & Wine Festival', description: 'Local producers, chefs and winemakers along the river Aura.', category: 'festival', venue: { name: 'Logomo', address: 'Köydenpunojankatu 14', city: 'Turku' }, inDays: 60, hours: 10, organizer: 'Taste of Turku', ticketTypes: [{ name: 'Day pass', priceCents: 3900, capacity: 2000 }, { name: 'Tasting pass', priceCents: 7900, capacity: 300, maxPerOrder: 2 }] },
  { title: 'Symphony No. 9 — Beethoven', description: 'The Finnish Radio Symphony Orchestra and choir perform Beethoven’s ninth.', category: 'music', venue: { name: 'Helsinki Music Centre', address: 'Mannerheimintie 13 A', city: 'Helsinki' }, inDays: 30, hours: 2, organizer: 'FRSO', ticketTypes: [{ name: 'Price band A', priceCents: 6500, capacity: 500 }, { name: 'Price band B', priceCents: 4200, capacity: 700 }] },
  { title: 'Modern Art after Dark', description: 'Late opening with guided tours, live DJ and a bar.', category: 'exhibition', venue: { name: 'Kiasma', address: 'Mannerheiminaukio 2', city: 'Helsinki' }, inDays: 15, hours: 4, organizer: 'Kiasma', ticketTypes: [{ name: 'Entry', priceCents: 1800, capacity: 800 }] },
]

async function call(base: string, path: string, init: { method?: string; body?: unknown; token?: string } = {}) {
  const response = await fetch(base + path, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : undefined }
}

/** Seeds when the catalog is empty; returns how many events were created. */
export async function seedDemoData(gatewayUrl: string, adminEmail: string, adminPassword: string): Promise<number> {
  const base = `${gatewayUrl}/api`
  const login = await call(base, '/auth/login', { method: 'POST', body: { email: adminEmail, password: adminPassword } })
  if (login.status !== 200) throw new Error(`admin login failed (${login.status})`)
  const token: string = login.body.accessToken
  const existing = await call(base, '/events?limit=1')
  if (existing.status !== 200) throw new Error(`catalog answered ${existing.status}`)
  if (existing.body.total > 0) return 0
  const now = Date.now()
  for (const demo of DEMO) {
    // Doors at 19:00 on the venue's clock, every demo venue being in Finland.
    const day = wallTimeInput(new Date(now + demo.inDays * DAY), DEMO_TIME_ZONE).slice(0, 10)
    const startsAt = instantOfWallTime(`${day}T19:00`, DEMO_TIME_ZONE)!
    const created = await call(base, '/events', {
      method: 'POST',
      token,
      body: {
        title: demo.title,
        description: demo.description,
        category: demo.category,
        venue: demo.venue,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + demo.hours * 3_600_000).toISOString(),
        timeZone: DEMO_TIME_ZONE,
        organizer: demo.organizer,
        status: 'published',
      },
    })
    if (created.status !== 201) throw new Error(`creating "${demo.title}" failed: ${JSON.stringify(created.body)}`)
    for (const type of demo.ticketTypes) {
      const r = await call(base, `/events/${created.body.id}/ticket-types`, { method: 'POST', token, body: { currency: 'EUR', maxPerOrder: 10, taxRateBasisPoints: DEMO_TAX_RATE, ...type } })
      if (r.status === 404 || r.status === 503) break // ticketing not part of this build yet
    }
  }
  return DEMO.length
}
