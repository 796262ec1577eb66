// s3rver-roles.js: s3rver (npm) that also accepts the task roles' temporary
// credentials, so that it checks the programs' S3 signatures with them.
//   node --openssl-legacy-provider s3rver-roles.js ROLES.json DIR PORT BUCKET
// s3rver knows one key pair (S3RVER/S3RVER, which the test's own AWS CLI
// uses); the roles' pairs are added to its account before it starts.
'use strict';
const path = require('path');
const { createRequire } = require('module');

const [rolesFile, directory, port, bucket] = process.argv.slice(2);
const modules = process.env.FDNIX_NODE_MODULES || path.join(__dirname, '..', 'servers', 'node_modules');
const load = createRequire(path.join(modules, 'noop.js'));
const S3rver = load('s3rver');
const { DUMMY_ACCOUNT } = load('s3rver/lib/models/account');

for (const role of require(path.resolve(rolesFile)).roles) {
  DUMMY_ACCOUNT.createKeyPair(role.AccessKeyId, role.SecretAccessKey);
}
new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  configureBuckets: [{ name: bucket, configs: [] }],
}).run().catch((e) => {
  console.error(`s3rver: ${e.message}`);
  process.exit(1);
});
