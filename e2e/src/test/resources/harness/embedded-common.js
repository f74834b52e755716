// Shared by the auth0-js 9/10 and Lock 11-14 harness pages (docs/spa.md#cross-origin-authentication). The suite
// drives the pages through executeAsyncScript; every call is logged on the page for the screenshots.
window.EMBEDDED_CLIENT_ID = 'e2e-embedded';
window.log = function (line) {
  document.getElementById('log').textContent += line + '\n';
};
// Plain copies of error objects that survive the trip to Java.
window.plain = function (value) {
  if (value === null || value === undefined || typeof value !== 'object') { return value; }
  var out = {};
  Object.getOwnPropertyNames(value).forEach(function (k) {
    if (k !== 'stack' && k !== 'original') { out[k] = value[k]; }
  });
  Object.keys(value).forEach(function (k) { if (k !== 'original') { out[k] = value[k]; } });
  return JSON.parse(JSON.stringify(out));
};
window.pageUrl = location.origin + location.pathname;
