import type { Logger } from '@easypass/kit'
import { isDuplicateOnly as isDuplicateKey } from '@easypass/kit'
import type { UserModel } from '../../db/users'
import { hashPassword } from '../auth/passwords'
import { normaliseEmail } from './service'

/**
 * The first admin comes from configuration and is created only when no account has that email yet (an
 * existing one is left as it is, password and role included). Several replicas may start at once: the
 * unique email index lets one insert win and the others see a duplicate key, which is success too.
 */
export async function ensureFirstAdmin(User: UserModel, admin: { email?: string; password?: string }, log: Logger) {
  if (!admin.email || !admin.password) {
    if (admin.email || admin.password) log.warn('set both ADMIN_EMAIL and ADMIN_PASSWORD to create the first admin')
    return
  }
  const email = normaliseEmail(admin.email)
  if (await User.exists({ email })) return
  try {
    await User.create({ email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(admin.password) })
    log.info({ email }, 'first admin created')
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
}
