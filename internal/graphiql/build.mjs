// Builds the GraphiQL page into dist/: index.html, the page's script and
// style sheet, and Monaco's workers, with content hashes in their names
// so the server can let browsers cache them for good. The same
// package-lock.json gives the same files. `make graphiql` runs it.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const out = 'dist/graphiql';
rmSync('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  minify: true,
  legalComments: 'none',
  target: 'es2022',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
};

// outputsOf maps each entry point's name to the file esbuild wrote.
function outputsOf(result) {
  const files = {};
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint) files[basename(meta.entryPoint).replace(/\.(worker\.)?m?jsx?$/, '')] = basename(file);
  }
  return files;
}

// Monaco's workers: the editor's own, JSON's (variables and headers),
// and GraphQL's (validation and completion of queries).
const workers = outputsOf(
  await esbuild.build({
    ...common,
    entryPoints: {
      editor: 'monaco-editor/esm/vs/editor/editor.worker.js',
      json: 'monaco-editor/esm/vs/language/json/json.worker.js',
      graphql: 'monaco-graphql/esm/graphql.worker.js',
    },
    format: 'iife',
    outdir: out,
    entryNames: '[name].worker-[hash]',
  }),
);

const page = await esbuild.build({
  ...common,
  entryPoints: ['src/main.jsx'],
  format: 'esm',
  jsx: 'automatic',
  outdir: out,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  define: { ...common.define, WORKERS: JSON.stringify(workers) },
});

let script, style;
for (const [file, meta] of Object.entries(page.metafile.outputs)) {
  if (meta.entryPoint) {
    script = basename(file);
    style = meta.cssBundle && basename(meta.cssBundle);
  }
}
if (!script || !style) throw new Error('build: no script or no style sheet came out');

// No inline script or style: the server's Content-Security-Policy allows
// neither.
writeFileSync(
  'dist/index.html',
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tthc — thủ tục hành chính</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="graphiql/${style}">
<script type="module" src="graphiql/${script}"></script>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
</body>
</html>
`,
);

// A summary to check a rebuild against: the same lock file must give the
// same hashes.
const sum = createHash('sha256');
for (const file of [...Object.keys(page.metafile.outputs), ...Object.values(workers).map((w) => `${out}/${w}`)].sort()) {
  sum.update(readFileSync(file));
}
console.log(`built dist/ (${script}, ${style}, ${Object.values(workers).join(', ')}) sha256 ${sum.digest('hex').slice(0, 16)}`);
