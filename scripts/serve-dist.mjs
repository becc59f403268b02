// Serves the built site (dist/) at http://127.0.0.1:8080/ with the same plain static server the
// end-to-end tests use, so what you open is exactly what is tested: the Content-Security-Policy
// and the service worker that scripts/build.sh adds (`trunk serve` would serve neither).
import { startServer } from '../tests/e2e/server.mjs';

const port = Number(process.env.PORT || 8080);
try {
  const server = await startServer({ base: '/', port });
  console.log(`blocklab: serving dist/ at ${server.url} (Ctrl-C stops)`);
} catch (e) {
  console.error(`blocklab: cannot serve on 127.0.0.1:${port}: ${e.message} (set PORT to use another port)`);
  process.exit(1);
}
