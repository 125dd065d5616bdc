// Peer for bench/run.py: times vscode-json-languageservice parsing and validating documents
// against a JSON schema, the work the VS Code JSON language server does on each change.
//
// Reads one JSON object from stdin:
//   {"schema": {...}, "documents": [{"name", "texts": [...], "warmup", "repeat"}]}
// and writes one JSON object to stdout:
//   {"versions": {...}, "results": [{"name", "times_ns": [...], "diagnostics": n, "messages": [...]}]}
// Iteration i uses texts[i % texts.length]. It creates a TextDocument, as the server does for a
// new version, then parses and validates it. Only the resolved schema is cached between iterations.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { getLanguageService } from "vscode-json-languageservice";
import { TextDocument } from "vscode-languageserver-textdocument";

const require = createRequire(import.meta.url);
const SCHEMA_URI = "inmemory://bench/cam-policy.schema.json";

async function main() {
  const input = JSON.parse(readFileSync(0, "utf8"));
  const service = getLanguageService({});
  service.configure({
    validate: true,
    allowComments: false,
    schemas: [{ uri: SCHEMA_URI, fileMatch: ["*.json"], schema: input.schema }],
  });
  // CAM policies are strict JSON, so comments and trailing commas are errors, as in cam-policy-ls.
  const settings = { comments: "error", trailingCommas: "error", schemaValidation: "error", schemaRequest: "error" };

  const results = [];
  for (const entry of input.documents) {
    const uri = `file:///bench/${entry.name}.json`;
    const times = [];
    let diagnostics = [];
    for (let i = 0; i < entry.warmup + entry.repeat; i++) {
      const start = process.hrtime.bigint();
      const document = TextDocument.create(uri, "json", i, entry.texts[i % entry.texts.length]);
      const parsed = service.parseJSONDocument(document);
      diagnostics = await service.doValidation(document, parsed, settings);
      const elapsed = process.hrtime.bigint() - start;
      if (i >= entry.warmup) {
        times.push(Number(elapsed));
      }
    }
    results.push({
      name: entry.name,
      times_ns: times,
      diagnostics: diagnostics.length,
      messages: diagnostics.slice(0, 5).map((item) => item.message),
    });
  }
  const versions = {
    node: process.version,
    "vscode-json-languageservice": require("vscode-json-languageservice/package.json").version,
  };
  process.stdout.write(JSON.stringify({ versions, results }));
}

main().catch((error) => {
  process.stderr.write(`json_peer failed: ${error.stack || error}\n`);
  process.exit(1);
});
