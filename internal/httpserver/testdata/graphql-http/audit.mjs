// Runs graphql-http's audit of a GraphQL-over-HTTP server and prints each
// result as a JSON line: {"id", "name", "status", "reason"}.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
import { auditServer } from 'graphql-http';

const results = await auditServer({ url: process.argv[2] });
for (const r of results) {
  console.log(JSON.stringify({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? '' }));
}
