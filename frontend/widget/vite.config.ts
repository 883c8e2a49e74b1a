/**
 * Two builds into dist/, run in this order by `npm run build`:
 *
 *   --mode app     src/app/main.ts  → dist/app-[hash].js (+ dist/.vite/manifest.json)
 *   --mode loader  src/loader.ts    → dist/widget.js, told the hashed app file name
 *
 * The loader build reads the app build's manifest so the loader (short-cached at /widget.js)
 * always points at the current, long-cached app chunk. It then prints the gzipped size of all
 * JavaScript in dist/ and fails above the budget (tests/e2e/test_widget_bundle_size.py checks the
 * same figure).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const DIST = 'dist';
const APP_ENTRY = 'src/app/main.ts';
const BUDGET_BYTES = 30 * 1024;

function appFileFromManifest(): string {
  const manifest = JSON.parse(readFileSync(join(DIST, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { file: string }
  >;
  const entry = manifest[APP_ENTRY];
  if (!entry) throw new Error(`${APP_ENTRY} is not in the manifest: run the app build first`);
  return entry.file;
}

function sizeReport(): Plugin {
  return {
    name: 'parley-widget-size',
    closeBundle() {
      const files = readdirSync(DIST).filter((name) => name.endsWith('.js'));
      let total = 0;
      for (const name of files) {
        const size = gzipSync(readFileSync(join(DIST, name)), { level: 9 }).length;
        total += size;
        console.log(`  ${name.padEnd(24)} ${(size / 1024).toFixed(2)} KB gzipped`);
      }
      const verdict = total <= BUDGET_BYTES ? 'within' : 'OVER';
      console.log(
        `widget: ${(total / 1024).toFixed(2)} KB gzipped JS in total, ${verdict} the ${BUDGET_BYTES / 1024} KB budget`,
      );
      if (total > BUDGET_BYTES) throw new Error('the widget is over its size budget');
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'loader') {
    return {
      define: { __PARLEY_APP_FILE__: JSON.stringify(appFileFromManifest()) },
      plugins: [sizeReport()],
      build: {
        outDir: DIST,
        emptyOutDir: false,
        target: 'es2019',
        rollupOptions: {
          input: 'src/loader.ts',
          output: { format: 'iife', entryFileNames: 'widget.js' },
        },
      },
    };
  }
  return {
    build: {
      outDir: DIST,
      emptyOutDir: true,
      manifest: true,
      target: 'es2019',
      rollupOptions: {
        input: APP_ENTRY,
        output: { format: 'iife', entryFileNames: 'app-[hash].js' },
      },
    },
  };
});
