/**
 * The one list of flags every Azora OS service (and test) launches headless Chromium with:
 * Debian's chromium as these machines and the images ship it (notes/dependencies.md), run
 * as a non-root user in a container, and cut off from the network. Pages are given their
 * HTML with `setContent`; nothing they reference may be fetched.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  // Non-root containers have no user namespaces for the sandbox.
  '--no-sandbox',
  '--disable-gpu',
  // /dev/shm is small in containers; use /tmp instead.
  '--disable-dev-shm-usage',
  // Without these Chromium calls home at start-up, and the closed network refuses it many times over.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
  '--no-zygote',
  // Defence in depth under request interception, for what Chromium fetches outside it
  // (link prefetch, for one): every connection goes to a proxy that does not exist —
  // loopback included (`<-loopback>` drops its implicit bypass) — and no name resolves.
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--disable-features=NetworkPrediction,Prefetch,PrefetchPrivacyChanges,SpeculationRules',
  '--dns-prefetch-disable',
];

/** Where Debian (and the images) install chromium. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
