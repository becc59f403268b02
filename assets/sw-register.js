// Registers the service worker (sw.js) that keeps blocklab working offline after the first
// visit. Relative URLs: the scope is the folder the site is served from (e.g. /blocklab/).
// A plain file (not an inline script) so the Content-Security-Policy needs no hash for it.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js', { scope: './' }).catch((e) => {
    console.warn('blocklab: the offline cache is unavailable:', e);
  });
}
