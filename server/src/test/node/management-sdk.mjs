// Drives a running Phonepass through the unmodified Auth0 Node.js SDK (auth0 4.x ManagementClient), as an
// operator's script would. Called by ManagementNodeSdkTest with the server's address and a machine client; prints
// one JSON line with what it saw, and exits non-zero on the first step that failed.
import { ManagementClient } from 'auth0';

const { PHONEPASS_DOMAIN: domain, PHONEPASS_CLIENT_ID: clientId, PHONEPASS_CLIENT_SECRET: clientSecret,
  PHONEPASS_PHONE: phone } = process.env;

const management = new ManagementClient({ domain, clientId, clientSecret });
const seen = {};

const found = await management.users.getAll({ q: `phone_number:"${phone}"`, search_engine: 'v3' });
seen.found = found.data.map((u) => u.phone_number);
const id = found.data[0].user_id;

const user = await management.users.get({ id });
seen.user_id = user.data.user_id;

const blocked = await management.users.update({ id }, { blocked: true });
seen.blocked = blocked.data.blocked;

const logs = await management.logs.getAll({ per_page: 50, q: 'type:s' });
seen.log_types = [...new Set(logs.data.map((l) => l.type))];

const created = await management.clients.create({
  name: 'Made by the Node SDK',
  app_type: 'spa',
  callbacks: ['https://app.example.com/callback'],
  allowed_origins: ['https://app.example.com'],
});
seen.client_created = created.data.client_id;
const renamed = await management.clients.update({ client_id: created.data.client_id }, { name: 'Renamed by Node' });
seen.client_renamed = renamed.data.name;
await management.clients.delete({ client_id: created.data.client_id });
try {
  await management.clients.get({ client_id: created.data.client_id });
  seen.client_deleted = false;
} catch (e) {
  seen.client_deleted = e.statusCode === 404;
}

await management.users.delete({ id });
try {
  await management.users.get({ id });
  seen.user_deleted = false;
} catch (e) {
  seen.user_deleted = e.statusCode === 404;
  seen.error_code = e.errorCode;
}

console.log(JSON.stringify(seen));
