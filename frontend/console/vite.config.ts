import { defineConfig } from "vite";
import vue from "@vitejs/plugin-vue";

// Django serves dist/* at /static/console/ and dist/index.html for every /app/… URL.
export default defineConfig({
  base: "/static/console/",
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    // `npm run dev` next to `parley run` on :8000: the API and sockets go to Django.
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/ws": { target: "ws://127.0.0.1:8000", ws: true },
    },
  },
});
