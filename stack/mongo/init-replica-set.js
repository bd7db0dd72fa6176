// Run by the `mongo-init` service: makes the three mongod containers one replica set, then gives each
// service a user of its own that may read and write its own database and nothing else. Idempotent: a
// second run finds the set initiated and sets each user's password and role again (a new password in a
// service's URL secret, deployed under a new name, becomes that user's password).
// It signs in here, reading the passwords from their secret files (`mongosh --nodb`): a password on
// mongosh's command line would show in `ps` on the node for as long as it runs.
const fs = require('fs')
const readSecret = (name) => fs.readFileSync(`/run/secrets/${name}`, 'utf8').replace(/\n+$/, '')
const root = encodeURIComponent(readSecret('easypass_mongo_password'))
// The services' databases are `<MONGO_DB_PREFIX>_<service>` (the services' default prefix).
const prefix = process.env.MONGO_DB_PREFIX || 'easypass'
const SERVICES = ['auth', 'catalog', 'ticketing', 'payments', 'orders', 'notifications']

/**
 * The user and password of a service's URL secret (`mongodb://<service>:<password>@hosts/?…`), read
 * without a URL parser: a replica set's list of hosts is no URL's host.
 */
function credentialsOf(service, url) {
  const m = /^mongodb(?:\+srv)?:\/\/([^:@/]+):([^@/]+)@/.exec(url)
  if (!m) throw new Error(`easypass_mongo_url_${service} holds no mongodb://${service}:<password>@… URL`)
  const user = decodeURIComponent(m[1])
  const password = decodeURIComponent(m[2])
  if (user !== service) throw new Error(`easypass_mongo_url_${service} names the user ${user}, not ${service}: each service signs in as itself`)
  if (password.length < 16) throw new Error(`easypass_mongo_url_${service}: its password is shorter than 16 characters`)
  return { user, password }
}

// Every URL is read before anything is changed: a missing or wrong one stops the run here (the task is
// started again), not half way through the users.
const credentials = SERVICES.map((service) => credentialsOf(service, readSecret(`easypass_mongo_url_${service}`)))

// mongosh throws on a command that fails (not initiated yet: NotYetInitialized), as on one that
// initiating refuses (members not reachable yet): the task then fails and its restart policy runs it again.
// The set is initiated when any member says so: mongo1 may be the one that is down (a rerun for a new
// password must not wait for it), or a new empty volume beside two members that hold the set.
function initiatedOn(host) {
  try {
    connect(`mongodb://easypass:${root}@${host}:27017/admin?authSource=admin&directConnection=true&serverSelectionTimeoutMS=5000`).adminCommand({ replSetGetStatus: 1 })
    return true
  } catch (e) {
    return false
  }
}
if (['mongo1', 'mongo2', 'mongo3'].some(initiatedOn)) print('replica set already initiated')
else {
  db = connect(`mongodb://easypass:${root}@mongo1:27017/admin?authSource=admin&directConnection=true`)
  db.adminCommand({
    replSetInitiate: {
      _id: 'rs0',
      members: [
        { _id: 0, host: 'mongo1:27017', priority: 2 },
        { _id: 1, host: 'mongo2:27017', priority: 1 },
        { _id: 2, host: 'mongo3:27017', priority: 1 },
      ],
    },
  })
  print('replica set initiated')
}

// Users are written on the primary: connecting to the set waits for one to be elected (or fails, and
// the task runs again).
const admin = connect(`mongodb://easypass:${root}@mongo1:27017,mongo2:27017,mongo3:27017/admin?replicaSet=rs0&authSource=admin`)
for (const { user, password } of credentials) {
  const roles = [{ role: 'readWrite', db: `${prefix}_${user}` }]
  const known = admin.runCommand({ usersInfo: user }).users.length > 0
  // updateUser replaces the roles too: a role granted by hand to a service's user is taken back here.
  admin.runCommand(known ? { updateUser: user, pwd: password, roles } : { createUser: user, pwd: password, roles })
  print(`${known ? 'updated' : 'created'} the user ${user}: read and write ${prefix}_${user}`)
}
