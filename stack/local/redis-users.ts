// The Redis users of `stack/redis/users.acl` on a local Redis: each service's processes connect as its
// user, allowed only its own keys, as in the Swarm stack (whose start.sh writes the same rules into the
// server's configuration). The default user stays the launcher's and the tests' (the operator's).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { RedisClient } from 'bun'

export const REDIS_USERS_FILE = join(import.meta.dir, '..', 'redis', 'users.acl')

/** Each user's key rules and the commands every user gets, as users.acl gives them (`{prefix}` unreplaced). */
export function redisAcl(text = readFileSync(REDIS_USERS_FILE, 'utf8')): { keys: Record<string, string[]>; commands: string[] } {
  const keys: Record<string, string[]> = {}
  let commands: string[] = []
  for (const line of text.split('\n')) {
    const [user, ...rules] = line.trim().split(/\s+/)
    if (!user || user.startsWith('#')) continue
    if (user === '*') commands = rules
    else keys[user] = rules
  }
  if (!commands.length) throw new Error('users.acl: no `*` line of commands')
  return { keys, commands }
}

/** The users users.acl defines. */
export const redisUserNames = () => Object.keys(redisAcl().keys)

/** The Redis user a process connects as: its service's (a worker as its service), none for a service without Redis. */
export function redisUserOf(processName: string): string | undefined {
  const service = processName.replace(/-worker$/, '')
  return redisUserNames().includes(service) ? service : undefined
}

/** A user's rules for a key prefix, its password first: what `ACL SETUSER <user>` and the stack's `user <user>` line take. */
export function redisRules(user: string, prefix: string, password: string): string[] {
  const { keys, commands } = redisAcl()
  const own = keys[user]
  if (!own) throw new Error(`users.acl has no Redis user ${user}`)
  return ['reset', 'on', `>${password}`, ...own.map((rule) => rule.replaceAll('{prefix}', prefix)), ...commands]
}

/**
 * Sets every user on the Redis at `url` (as its default user) for the key prefix `prefix`, each with a
 * new password, and returns each user's URL, by user. Locally a user's name carries the prefix
 * (`<prefix>-orders`): a Redis reused by another run (another prefix) keeps that run's users as they were.
 */
export async function setRedisUsers(url: string, prefix: string): Promise<Record<string, string>> {
  const client = new RedisClient(url)
  try {
    const urls: Record<string, string> = {}
    for (const user of redisUserNames()) {
      const password = randomBytes(18).toString('hex')
      const name = `${prefix}-${user}`
      await client.send('ACL', ['SETUSER', name, ...redisRules(user, prefix, password)])
      const at = new URL(url)
      at.username = name
      at.password = password
      urls[user] = at.toString()
    }
    return urls
  } finally {
    client.close()
  }
}
