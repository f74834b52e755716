// Bundles the unmodified Auth0 and OIDC browser libraries from npm (as docs/spa.md and docs/hosted-login.md show) and copies jQuery,
// into the sample app's vendor/ folder (never committed). Usage: node build.mjs [--out DIR]
import { mkdirSync, copyFileSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (!existsSync(join(here, 'node_modules', 'esbuild', 'package.json'))) {
  const how = 'install them with .ci/install-browser-deps (or: cd e2e/web && npm ci)';
  if (args.includes('--if-installed') && process.env.CI !== 'true') {
    console.log(`e2e/web: npm packages are not installed, browser bundles not built; ${how}`);
    process.exit(0);
  }
  console.error(`e2e/web: npm packages are not installed; ${how}`);
  process.exit(1);
}
const { build } = await import('esbuild');
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 ? args[outIndex + 1] : join(here, '..', '..', 'examples', 'jquery-sms-spa', 'vendor'));
mkdirSync(out, { recursive: true });

const version = (pkg, from = here) =>
  JSON.parse(readFileSync(join(from, 'node_modules', pkg, 'package.json'), 'utf8')).version;

const common = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['es2017'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: here,
  define: { global: 'window', 'process.env.NODE_ENV': '"production"' },
};

const bundles = [
  { file: 'auth0-7.6.1.js', pkg: 'auth0-js', expect: '7.6.1',
    contents: "window.Auth0 = require('auth0-js');" },
  { file: 'auth0-lock-passwordless-2.2.3.js', pkg: 'auth0-lock-passwordless', expect: '2.2.3',
    contents: "window.Auth0LockPasswordless = require('auth0-lock-passwordless').default;" },
  // Today's libraries for the hosted login (docs/hosted-login.md): window.auth0.createAuth0Client, window.oidc.UserManager.
  { file: 'auth0-spa-js-2.28.3.js', pkg: '@auth0/auth0-spa-js', expect: '2.28.3',
    contents: "window.auth0 = require('@auth0/auth0-spa-js');" },
  { file: 'oidc-client-ts-3.5.0.js', pkg: 'oidc-client-ts', expect: '3.5.0',
    contents: "window.oidc = require('oidc-client-ts');" },
];

for (const b of bundles) {
  const got = version(b.pkg);
  if (got !== b.expect) throw new Error(`${b.pkg} is ${got}, expected ${b.expect}; run npm ci in e2e/web`);
  await build({ ...common, stdin: { contents: b.contents, resolveDir: here, sourcefile: b.file }, outfile: join(out, b.file) });
}
const lockAuth0 = version(join('auth0-lock-passwordless', 'node_modules', 'auth0-js'));
if (lockAuth0 !== '6.8.0') throw new Error(`Lock passwordless should bundle auth0-js 6.8.0, found ${lockAuth0}`);

const jquery = join(here, 'node_modules', 'jquery', 'dist', 'jquery.min.js');
if (!existsSync(jquery)) throw new Error('jquery is not installed; run npm ci in e2e/web');
copyFileSync(jquery, join(out, 'jquery.min.js'));

// axe-core, the accessibility checker the browser suite injects into every hosted page and admin
// console page (docs/hosted-login.md, docs/management.md):
// its own prebuilt browser file, unmodified.
const axe = join(here, 'node_modules', 'axe-core', 'axe.min.js');
if (!existsSync(axe)) throw new Error('axe-core is not installed; run npm ci in e2e/web');
copyFileSync(axe, join(out, 'axe.min.js'));

const manifest = {
  'auth0-js': version('auth0-js'),
  'auth0-lock-passwordless': version('auth0-lock-passwordless'),
  'auth0-lock-passwordless/auth0-js': lockAuth0,
  jquery: version('jquery'),
  'axe-core': version('axe-core'),
  '@auth0/auth0-spa-js': version('@auth0/auth0-spa-js'),
  'oidc-client-ts': version('oidc-client-ts'),
  files: ['auth0-7.6.1.js', 'auth0-lock-passwordless-2.2.3.js', 'jquery.min.js', 'axe.min.js',
    'auth0-spa-js-2.28.3.js', 'oidc-client-ts-3.5.0.js'],
};
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`browser bundles written to ${out}`);
