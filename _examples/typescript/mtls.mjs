// The official TypeScript SDK's mutual TLS recipe against the emulator's
// mTLS listener: a fetch through Node's https agent carrying the client
// certificate, the base URL set to the mTLS endpoint, redirects not
// followed, and models.list through the gate.
//
//   OPENAI_BASE_URL=https://127.0.0.1:8443/v1 OPENAI_API_KEY=sk-proj-... \
//     node mtls.mjs server-ca.pem client.pem client-key.pem
//
// Against OpenAI the base URL is https://mtls.api.openai.com/v1 and the
// server CA is the system's (pass "" for it).
import https from 'node:https';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

const [serverCA, cert, key] = process.argv.slice(2);
const agent = new https.Agent({
  ca: serverCA ? readFileSync(serverCA) : undefined,
  cert: readFileSync(cert),
  key: readFileSync(key),
  keepAlive: true,
});

// mtlsFetch is fetch over the agent: Node's own fetch takes no client
// certificate. https.request follows no redirect, as the recipe wants.
function mtlsFetch(url, init = {}) {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(new Headers(init.headers ?? {}));
    const req = https.request(url, { method: init.method ?? 'GET', headers, agent, signal: init.signal }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve(new Response(body.length ? body : null, {
          status: res.statusCode,
          headers: Object.entries(res.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, String(v)]])),
        }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (init.body != null) req.write(init.body);
    req.end();
  });
}

const client = new OpenAI({ fetch: mtlsFetch, maxRetries: 0 });
const ids = [];
for await (const model of client.models.list()) ids.push(model.id);
if (ids.length === 0) throw new Error('models.list returned no model');
console.log(`TypeScript SDK over mutual TLS: ${ids.join(', ')}`);
agent.destroy();
