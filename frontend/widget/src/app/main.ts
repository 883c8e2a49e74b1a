/**
 * The app chunk the loader fetches. It registers `window.parleyWidget.mount`, which the loader
 * calls with the configuration it read from its script tag.
 */

import { pickLocale } from './i18n';
import { Widget } from './widget';

let mounted: Widget | null = null;

window.parleyWidget = {
  mount(config) {
    if (mounted) return;
    mounted = new Widget({
      inbox: config.inbox,
      origin: config.origin,
      locale: pickLocale(config.locale, document.documentElement.lang, navigator.language),
    });
  },
};
