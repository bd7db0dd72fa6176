// Run once by the `mongo-init` service: makes the three mongod containers one replica set.
// Idempotent: a second run finds the set already initiated.
try {
  rs.status()
  print('replica set already initiated')
} catch (e) {
  rs.initiate({
    _id: 'rs0',
    members: [
      { _id: 0, host: 'mongo1:27017', priority: 2 },
      { _id: 1, host: 'mongo2:27017', priority: 1 },
      { _id: 2, host: 'mongo3:27017', priority: 1 },
    ],
  })
  print('replica set initiated')
}
