/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// Served by Django at /app/ (pwa/views.py). The service worker is its own entry with a fixed
// name (sw.js, scope /app/); everything else gets content hashes, so Django can cache it forever.
export default defineConfig({
  base: "/app/",
  plugins: [preact({ devToolsEnabled: false, prefreshEnabled: false })],
  build: {
    outDir: "../pwa/dist", // inside the Django app that serves it, so a pip install carries it
    emptyOutDir: true,
    target: "es2020",
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { index: "index.html", sw: "src/sw.ts" },
      output: {
        entryFileNames: (chunk) => (chunk.name === "sw" ? "sw.js" : "assets/[name]-[hash].js"),
        chunkFileNames: "assets/[name]-[hash].js",
        assetFileNames: "assets/[name]-[hash][extname]",
      },
    },
  },
  server: { proxy: { "/api": "http://127.0.0.1:8000", "/_allauth": "http://127.0.0.1:8000" } },
  test: { environment: "node", include: ["tests/**/*.test.ts"] },
});
