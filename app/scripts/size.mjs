// The first-load budget: every JS and CSS file index.html loads, gzipped, at most 150 KB,
// a few seconds on a slow 3G phone. The service worker is not part of the first load.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const LIMIT = 150 * 1024;
const html = readFileSync("../pwa/dist/index.html", "utf8");
const files = [...html.matchAll(/(?:src|href)="\/app\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let total = 0;
for (const file of files) {
  const size = gzipSync(readFileSync(`../pwa/dist/${file}`), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(7)} KB  ${file}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(7)} KB  first load, gzipped (limit ${LIMIT / 1024} KB)`);
if (!files.length || total > LIMIT) {
  console.error(files.length ? "Over the first-load budget." : "No assets found in pwa/dist/index.html.");
  process.exit(1);
}
