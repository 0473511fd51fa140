import { MongoClient } from 'mongodb';
import { startMongoSandbox } from '../src/sandbox/mongo-launcher.js';

const sandbox = await startMongoSandbox();
const client = await MongoClient.connect(sandbox.uri);
const col = client.db('bench').collection('x');
const n = Number(process.argv[2] ?? 100000);
const batch = 10000;
let t = performance.now();
const base = Date.now() - 86400e3 * 30;
for (let i = 0; i < n; i += batch) {
  const docs = [];
  for (let j = i; j < Math.min(n, i + batch); j++) {
    docs.push({ paymentIntentId: `pi_b${j}`, stripeSessionId: `cs_test_b${j}`, error: 'An error occurred with our connection to Stripe.', failedAt: new Date(base + j * 1000), resolvedAt: j % 100 === 0 ? null : new Date(base + j * 1000 + 5000), resolvedBy: j % 100 === 0 ? null : 'cron' });
  }
  await col.insertMany(docs, { ordered: false });
}
console.log('insert', n, (performance.now() - t).toFixed(0), 'ms');
for (let k = 0; k < 3; k++) {
  t = performance.now();
  const docs = await col.find({ resolvedAt: null }).sort({ failedAt: -1, _id: -1 }).limit(51).toArray();
  console.log('find', docs.length, (performance.now() - t).toFixed(0));
  t = performance.now();
  const c = await col.countDocuments({ resolvedAt: null });
  console.log('count', c, (performance.now() - t).toFixed(0));
  t = performance.now();
  const d2 = await col.find({ $and: [{ resolvedAt: null }, { failedAt: { $type: 'date' } }] }).sort({ failedAt: -1, _id: -1 }).limit(51).toArray();
  console.log('find-and-type', d2.length, (performance.now() - t).toFixed(0));
}
await client.close();
await sandbox.stop();
