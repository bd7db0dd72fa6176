import type { Logger } from '@easypass/kit'
import { isDuplicateOnly as isDuplicateKey } from '@easypass/kit'
import type { UserModel } from '../../db/users'
import { hashPassword } from '../auth/passwords'
import { normaliseEmail } from './service'

/**
 * The first admin comes from configuration and is created only when there is no admin and no account has
 * that email yet (an existing one is left as it is, password and role included). Once there are admins,
 * they are the ones who make more: an account of that address demoted and closed does not come back as an
 * admin with the deploy-time password at the next start. Several replicas may start at once: the unique
 * email index lets one insert win and the others see a duplicate key, which is success too.
 */
export async function ensureFirstAdmin(User: UserModel, admin: { email?: string; password?: string }, log: Logger) {
  if (!admin.email || !admin.password) {
    if (admin.email || admin.password) log.warn('set both ADMIN_EMAIL and ADMIN_PASSWORD to create the first admin')
    return
  }
  const email = normaliseEmail(admin.email)
  if ((await User.exists({ email })) || (await User.exists({ role: 'admin' }))) return
  try {
    await User.create({ email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(admin.password) })
    log.info({ email }, 'first admin created')
  } catch (error) {
    if (!isDuplicateKey(error)) throw error
  }
}
