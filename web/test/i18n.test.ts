// The app's messages: every German and French entry is there, of the same kind as the English one, and
// translated (not the English words left in place), apart from words the languages share.
import { expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { LANGUAGES } from '@easypass/contracts/languages'

const DIR = join(import.meta.dir, '..', 'src', 'i18n')
/** Words written the same way in English and the language (names, codes, loanwords). */
const SHARED = new Set(['Ticket', 'Tickets', 'Name', 'Menu', 'Notifications', 'Pages', 'Total', 'Webhooks', 'Passkeys', 'Actions'])

function leaves(value: unknown, path: string, out: Map<string, unknown>) {
  if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out)
  else out.set(path, value)
  return out
}

test('every catalog has every entry in every language, translated', async () => {
  const files = readdirSync(DIR).filter((f) => /\.tsx?$/.test(f))
  expect(files.length).toBeGreaterThan(10)
  const untranslated: string[] = []
  for (const file of files) {
    const mod = (await import(join(DIR, file))) as Record<string, unknown>
    for (const [name, catalog] of Object.entries(mod)) {
      if (!catalog || typeof catalog !== 'object' || !('en' in catalog)) continue
      const english = leaves((catalog as Record<string, unknown>).en, '', new Map())
      for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
        const other = leaves((catalog as Record<string, unknown>)[lang], '', new Map())
        expect([...other.keys()].sort()).toEqual([...english.keys()].sort())
        for (const [path, value] of english) {
          expect(typeof other.get(path)).toBe(typeof value)
          if (typeof value === 'string' && value === other.get(path) && /[a-z]{3}/.test(value) && !SHARED.has(value.trim())) untranslated.push(`${file} ${name}.${lang}.${path}: ${value}`)
        }
      }
    }
  }
  expect(untranslated).toEqual([])
})
