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

/**
 * Lock imports auth0-js, and Lock 11 and 12 its Cordova plugin's UMD file. auth0-js's package is `"type": "module"`,
 * so esbuild reads its UMD files as ES modules, in which they only fill globals (window.auth0) and export nothing
 * to Lock. So `auth0-js` resolves to its ES module, and the plugin's UMD file runs, unmodified, with a CommonJS
 * `module` to export to.
 */
const auth0JsAsModule = {
  name: 'auth0-js-as-module',
  setup(b) {
    const nearest = (from, ...rest) => {
      for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
        const candidate = join(dir, 'node_modules', 'auth0-js', ...rest);
        if (existsSync(candidate)) return candidate;
      }
      return undefined;
    };
    b.onResolve({ filter: /^auth0-js$/ }, (args) => {
      const path = nearest(args.resolveDir, 'dist', 'auth0.min.esm.js');
      return path ? { path } : undefined;
    });
    b.onResolve({ filter: /^auth0-js\/dist\/cordova-auth0-plugin\.min\.js$/ }, (args) => {
      const path = nearest(args.resolveDir, 'dist', 'cordova-auth0-plugin.min.js');
      return path ? { path, namespace: 'umd' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'umd' }, (args) => ({
      contents: 'var module = { exports: {} }; var exports = module.exports;\n'
        + readFileSync(args.path, 'utf8') + '\nexport default module.exports;\n',
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
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
  // The embedded login of today's libraries (docs/spa.md#cross-origin-authentication): several versions of one
  // package, installed under npm aliases. auth0-js's UMD file sets window.auth0 itself when bundled.
  { file: 'auth0-js-9.32.0.js', pkg: 'auth0-js-9', expect: '9.32.0',
    contents: "var m = require('auth0-js-9'); if (m && m.WebAuth) { window.auth0 = m; }" },
  { file: 'auth0-js-10.2.1.js', pkg: 'auth0-js-10', expect: '10.2.1',
    contents: "var m = require('auth0-js-10'); if (m && m.WebAuth) { window.auth0 = m; }" },
  { file: 'auth0-lock-11.35.1.js', pkg: 'auth0-lock-11', expect: '11.35.1',
    contents: "window.Auth0LockPasswordless = require('auth0-lock-11').Auth0LockPasswordless;", esm: true },
  { file: 'auth0-lock-12.5.1.js', pkg: 'auth0-lock-12', expect: '12.5.1',
    contents: "window.Auth0LockPasswordless = require('auth0-lock-12').Auth0LockPasswordless;", esm: true },
  { file: 'auth0-lock-14.3.0.js', pkg: 'auth0-lock-14', expect: '14.3.0',
    contents: "window.Auth0LockPasswordless = require('auth0-lock-14').Auth0LockPasswordless;", esm: true },
];

for (const b of bundles) {
  const got = version(b.pkg);
  if (got !== b.expect) throw new Error(`${b.pkg} is ${got}, expected ${b.expect}; run npm ci in e2e/web`);
  // Lock's own auth0-js is taken from its ES module: esbuild gives require() the UMD file otherwise, which then
  // fills window.auth0 instead of Lock's import.
  const fields = b.esm ? { plugins: [auth0JsAsModule] } : {};
  await build({ ...common, ...fields, stdin: { contents: b.contents, resolveDir: here, sourcefile: b.file }, outfile: join(out, b.file) });
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
  'auth0-js-9': version('auth0-js-9'),
  'auth0-js-10': version('auth0-js-10'),
  'auth0-lock-11': version('auth0-lock-11'),
  'auth0-lock-12': version('auth0-lock-12'),
  'auth0-lock-14': version('auth0-lock-14'),
  'axe-core': version('axe-core'),
  '@auth0/auth0-spa-js': version('@auth0/auth0-spa-js'),
  'oidc-client-ts': version('oidc-client-ts'),
  files: ['auth0-7.6.1.js', 'auth0-lock-passwordless-2.2.3.js', 'jquery.min.js', 'axe.min.js',
    ...bundles.slice(2).map((b) => b.file)],
};
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`browser bundles written to ${out}`);
