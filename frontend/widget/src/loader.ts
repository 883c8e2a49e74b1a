/**
 * The one script a site embeds:
 *   <script src="https://HOST/widget.js" data-inbox="PUBLIC_KEY" async></script>
 *
 * It stays tiny on purpose: it runs on every page view of a customer's site, so it only reads its
 * configuration and, once the page has finished loading, fetches the content-hashed app chunk
 * from the same server. The app is a classic script (not an ES module) so that it loads from
 * another origin without needing CORS headers on static files.
 */

// Injected at build time from the app build's manifest (see vite.config.ts).
declare const __PARLEY_APP_FILE__: string;

function ownScript(): HTMLScriptElement | null {
  // currentScript is null for scripts run from a module or after an await; fall back to the tag
  // whose src ends with widget.js and carries data-inbox.
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.dataset.inbox) return current;
  return document.querySelector<HTMLScriptElement>('script[data-inbox][src*="widget.js"]');
}

function start(script: HTMLScriptElement): void {
  const inbox = script.dataset.inbox;
  if (!inbox) return;
  const origin = new URL(script.src, location.href).origin;
  const config = { inbox, locale: script.dataset.locale || null, origin };
  const app = document.createElement('script');
  app.src = `${origin}/static/widget/${__PARLEY_APP_FILE__}`;
  app.async = true;
  app.onload = () => window.parleyWidget?.mount(config);
  document.head.appendChild(app);
}

const script = ownScript();
// A page that embeds the snippet twice (e.g. a tag manager plus the template) gets one widget.
if (script && !window.parleyWidgetLoaded) {
  window.parleyWidgetLoaded = true;
  if (document.readyState === 'complete') start(script);
  else window.addEventListener('load', () => start(script), { once: true });
}
