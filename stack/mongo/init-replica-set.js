// Run once by the `mongo-init` service: makes the three mongod containers one replica set.
// Idempotent: a second run finds the set already initiated.
// It signs in here, reading the password from its secret file (`mongosh --nodb`): a password on
// mongosh's command line would show in `ps` on the node for as long as it runs.
const password = require('fs').readFileSync('/run/secrets/easypass_mongo_password', 'utf8').replace(/\n+$/, '')
db = connect(`mongodb://easypass:${encodeURIComponent(password)}@mongo1:27017/admin?authSource=admin&directConnection=true`)
// mongosh throws on a command that fails (not initiated yet: NotYetInitialized), as on one that
// initiating refuses (members not reachable yet): the task then fails and its restart policy runs it again.
try {
  db.adminCommand({ replSetGetStatus: 1 })
  print('replica set already initiated')
} catch (e) {
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
