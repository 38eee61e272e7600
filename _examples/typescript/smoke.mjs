// The official TypeScript SDK against the emulator: one certificate through
// upload, list, activate, deactivate and delete.
//   node smoke.mjs cert.pem
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env.OPENAI_BASE_URL ?? 'http://localhost:8080/v1',
  adminAPIKey: process.env.OPENAI_ADMIN_KEY ?? 'sk-admin-anything',
});
const certs = client.admin.organization.certificates;

const cert = await certs.create({ name: 'sdk example', certificate: readFileSync(process.argv[2], 'utf8') });
let listed = false;
for await (const c of certs.list()) listed ||= c.id === cert.id;
if (!listed) throw new Error(`${cert.id} is not listed`);
await certs.activate({ certificate_ids: [cert.id] });
await certs.deactivate({ certificate_ids: [cert.id] });
await certs.delete(cert.id);
console.log(`TypeScript SDK: ${cert.id} uploaded, listed, activated, deactivated and deleted`);
