// Shared by the sample's pages: messages, the signed-in view and where the tokens are kept.
// Plain DOM (no jQuery) so that it can also say when jQuery or a library failed to load.
(function () {
  'use strict';
  var App = (window.App = {});
  var SESSION_KEY = 'phonepassSample.profile';

  function byId(id) {
    return document.getElementById(id);
  }

  App.notice = function (message, kind) {
    var box = byId('notice');
    box.textContent = message;
    box.className = kind || 'error';
  };

  App.clearNotice = function () {
    var box = byId('notice');
    box.textContent = '';
    box.className = '';
  };

  // The article reports errors with alert(...) and greets with alert.show(...). Browsers have no
  // alert.show, and a native dialog blocks the page, so this sample shows both in the #notice box.
  window.alert = function (message) {
    App.notice(String(message), 'error');
  };
  window.alert.show = function (message) {
    App.notice(String(message), 'info');
    if (typeof App.onWelcome === 'function') {
      App.onWelcome();
    }
  };

  function payloadOf(idToken) {
    try {
      var part = idToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      while (part.length % 4) {
        part += '=';
      }
      return JSON.parse(decodeURIComponent(escape(atob(part))));
    } catch (e) {
      return null;
    }
  }

  /** Keeps the id_token where the article keeps it (localStorage "userToken") and the profile beside it. */
  App.saveSession = function (idToken, profile) {
    localStorage.setItem('userToken', idToken);
    localStorage.setItem(SESSION_KEY, JSON.stringify({ id_token: idToken, profile: profile }));
  };

  App.clearSession = function () {
    localStorage.removeItem('userToken');
    localStorage.removeItem(SESSION_KEY);
  };

  App.showSignedIn = function (profile) {
    var hide = document.querySelectorAll('.enter-phone, .enter-code, .lock-path, .own-ui');
    for (var i = 0; i < hide.length; i++) {
      hide[i].style.display = 'none';
    }
    byId('profile-name').textContent = profile.name || profile.phone_number || profile.user_id;
    byId('profile-user-id').textContent = profile.user_id || profile.sub || '';
    byId('profile-json').textContent = JSON.stringify(profile, null, 2);
    document.querySelector('.signed-in').style.display = 'block';
  };

  App.signedIn = function (idToken, profile) {
    App.saveSession(idToken, profile);
    App.showSignedIn(profile);
  };

  /**
   * Shows the signed-in view when localStorage holds an unexpired id_token: with the profile saved beside
   * it, or else with the profile that getProfile(idToken, cb) fetches from the server's /tokeninfo.
   */
  App.restoreSession = function (getProfile) {
    var idToken = localStorage.getItem('userToken');
    if (!idToken) {
      return;
    }
    var payload = payloadOf(idToken);
    if (!payload || (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now())) {
      App.clearSession();
      return;
    }
    var saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(SESSION_KEY));
    } catch (e) {
      saved = null;
    }
    if (saved && saved.id_token === idToken && saved.profile) {
      App.showSignedIn(saved.profile);
      return;
    }
    getProfile(idToken, function (err, profile) {
      if (err || !profile) {
        App.clearSession();
        return;
      }
      App.signedIn(idToken, profile);
    });
  };

  App.logout = function () {
    App.clearSession();
    window.location.reload();
  };

  /** Loads a classic script; onerror gets a sentence a newcomer can act on. */
  App.loadScript = function (url, onload) {
    var s = document.createElement('script');
    s.src = url;
    s.onload = onload;
    s.onerror = function () {
      App.notice('Could not load ' + url + '. Is the Phonepass server running, and does this browser trust ' +
        'its certificate? Open https://' + AUTH0_DOMAIN + '/ once to check.', 'error');
    };
    document.head.appendChild(s);
  };

  App.requireVendor = function (globals) {
    var missing = globals.filter(function (name) {
      return typeof window[name] === 'undefined';
    });
    if (missing.length) {
      App.notice('Missing browser libraries (' + missing.join(', ') + '). Build them once with: ' +
        'cd e2e/web && npm ci && npm run build', 'error');
      return false;
    }
    return true;
  };

  document.addEventListener('DOMContentLoaded', function () {
    var out = document.querySelector('.logout');
    if (out) {
      out.addEventListener('click', App.logout);
    }
    var where = byId('server');
    if (where && typeof AUTH0_DOMAIN !== 'undefined') {
      where.textContent = 'https://' + AUTH0_DOMAIN + ' (client ' + AUTH0_CLIENT_ID + ')';
    }
  });
})();
