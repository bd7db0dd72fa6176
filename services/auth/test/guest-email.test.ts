import { describe, expect, test } from 'bun:test'
import { renderGuestLinkEmail } from '../src/modules/auth/guest-email'

const links = [
  { link: 'https://tickets.example.com/guest#token=newest', since: new Date('2026-12-05T10:00:00Z') },
  { link: 'https://tickets.example.com/guest#token=older"><script>', since: new Date('2026-11-01T10:00:00Z') },
]

describe('the guest links email', () => {
  test('one link per guest session, newest first, each with the day it began; a single link says so', () => {
    const one = renderGuestLinkEmail(links.slice(0, 1), 60, 'en')
    expect(one.subject).toBe('Your EasyPass tickets')
    expect(one.text).toContain('Open this link within 60 minutes to see them (it works once):')
    expect(one.text).toContain('Bought from December 5, 2026:\nhttps://tickets.example.com/guest#token=newest')
    const two = renderGuestLinkEmail(links, 30, 'en')
    expect(two.text).toContain('This address bought as a guest 2 times.')
    expect(two.text.indexOf('December 5, 2026')).toBeLessThan(two.text.indexOf('November 1, 2026'))
  })

  test('links are escaped in HTML', () => {
    const { html } = renderGuestLinkEmail(links, 60, 'en')
    expect(html).not.toContain('<script>')
    expect(html).toContain('token=older&quot;&gt;&lt;script&gt;')
  })

  test('German and French, with French spacing before a colon; an unknown language is English', () => {
    const de = renderGuestLinkEmail(links.slice(0, 1), 1, 'de')
    expect(de.subject).toBe('Ihre EasyPass-Tickets')
    expect(de.text).toContain('innerhalb von 1 Minute')
    expect(de.text).toContain('Gekauft ab 5. Dezember 2026:')
    const fr = renderGuestLinkEmail(links.slice(0, 1), 60, 'fr')
    expect(fr.text).toContain('Achats à partir du 5 décembre 2026\u00a0:')
    expect(fr.html).toContain('lang="fr"')
    expect(renderGuestLinkEmail(links, 60, 'xx' as never).subject).toBe('Your EasyPass tickets')
  })
})
