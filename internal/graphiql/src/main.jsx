// The GraphiQL page of tthc, bundled by build.mjs into dist/ and embedded
// in the server: everything it loads comes from the server itself.
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './page.css';

// Monaco runs its language services in workers, built beside this file;
// build.mjs puts their hashed names in WORKERS.
globalThis.MonacoEnvironment = {
  getWorker(_id, label) {
    const name = WORKERS[label] ?? WORKERS.editor;
    return new Worker(new URL(name, import.meta.url));
  },
};

// The page is served at the API's root: /graphql is a sibling, and a
// proxy that mounts both under a prefix keeps them so.
const endpoint = new URL('graphql', document.baseURI);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({
  url: endpoint.href,
  // Subscriptions (graphql-transport-ws) get the headers of the Headers
  // tab as their connection_init payload, where the server reads the
  // token.
  subscriptionUrl: socket.href,
  // The server answers plain JSON, not multipart responses.
  enableIncrementalDelivery: false,
});

const defaultQuery = `# tthc: the catalog of administrative procedures
# (thủ tục hành chính). Ctrl-Enter runs the query,
# Ctrl-Space completes, Docs lists every type.
#
# The catalog is public. Proposals and statistics
# need a token: mint one as README.md says under
# "Demo users", e.g.
#   bin/tthc token --sub analyst --role ANALYST
# and write in Headers below:
#   {"Authorization": "Bearer <token>"}
# Headers stay in this tab; the browser keeps none.

query Search($q: String = "dang ky khai sinh") {
  procedures(filter: {search: $q}, first: 5) {
    totalCount
    nodes { code name levels { name } sector { name } }
  }
}
`;

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} defaultEditorToolsVisibility="headers" />,
);
