/*!
 * phonepass.js: the Phonepass browser SDK for passwordless SMS login.
 *
 * Dependency-free. One UMD file: a <script> tag defines window.Phonepass (and window.Auth0 when no other
 * Auth0 library has claimed that name), CommonJS and AMD loaders get the constructor as the module value.
 *
 * It runs the own-UI code of Auth0's "Passwordless Authentication in SPA with SMS" article unchanged:
 *
 *   var auth0 = new Auth0({domain: 'login.example.com', clientID: '...'});
 *   auth0.startPasswordless({phoneNumber: phoneNumber}, function (err) { ... err.error_description ... });
 *   auth0.login({phone, passcode}, function (err, profile, id_token, access_token) { ... err.message ... });
 *
 * Every method also returns a Promise when it is called without a callback.
 */
(function (root, factory) {
  'use strict';
  if (typeof module === 'object' && module && module.exports) {
    module.exports = factory();
  } else if (typeof define === 'function' && define.amd) {
    define([], factory);
  } else {
    var Phonepass = factory();
    root.Phonepass = Phonepass;
    if (typeof root.Auth0 === 'undefined') {
      root.Auth0 = Phonepass;
    }
  }
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var VERSION = '0.1.0';
  var CONNECTION = 'sms';

  /** Error carrying both the Auth0 wire fields (error, error_description) and friendlier aliases. */
  function PhonepassError(error, description, status, body) {
    var self = new Error(description || error);
    Object.setPrototypeOf(self, PhonepassError.prototype);
    self.name = 'PhonepassError';
    self.error = error;
    self.code = error;
    self.error_description = description || error;
    self.description = self.error_description;
    self.status = status;
    self.statusCode = status;
    self.details = body || { error: error, error_description: self.error_description };
    return self;
  }
  PhonepassError.prototype = Object.create(Error.prototype, {
    constructor: { value: PhonepassError, writable: true, configurable: true }
  });

  function isObject(value) {
    return value !== null && typeof value === 'object';
  }

  function firstString() {
    for (var i = 0; i < arguments.length; i++) {
      var v = arguments[i];
      if (typeof v === 'number') {
        v = String(v);
      }
      if (typeof v === 'string' && v.trim() !== '') {
        return v.trim();
      }
    }
    return null;
  }

  /** 'host[:port]' becomes 'https://host[:port]'; an explicit http(s):// base is kept as given. */
  function baseUrlOf(domain) {
    if (typeof domain !== 'string' || domain.trim() === '') {
      throw new TypeError('Phonepass: the domain option is required, e.g. "login.example.com" or "localhost:8443"');
    }
    var d = domain.trim().replace(/\/+$/, '');
    if (/^https?:\/\//i.test(d)) {
      return d;
    }
    if (d.indexOf('/') >= 0) {
      throw new TypeError('Phonepass: domain must be host[:port] without a path, got "' + domain + '"');
    }
    return 'https://' + d;
  }

  function base64UrlEncode(text) {
    var bytes = unescape(encodeURIComponent(text));
    return btoa(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function base64UrlDecode(segment) {
    var s = segment.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) {
      s += '=';
    }
    var binary = atob(s);
    try {
      return decodeURIComponent(escape(binary));
    } catch (e) {
      return binary;
    }
  }

  /** Decodes a JWT's payload without checking its signature (the server or an API verifies it). */
  function decodeJwt(token) {
    if (typeof token !== 'string') {
      throw new PhonepassError('invalid_token', 'The token is not a string.');
    }
    var parts = token.split('.');
    if (parts.length !== 3) {
      throw new PhonepassError('invalid_token', 'The token is not a JWT.');
    }
    try {
      return JSON.parse(base64UrlDecode(parts[1]));
    } catch (e) {
      throw new PhonepassError('invalid_token', 'The token payload is not valid JSON.');
    }
  }

  function formEncode(fields) {
    var pairs = [];
    Object.keys(fields).forEach(function (key) {
      var value = fields[key];
      if (value === undefined || value === null) {
        return;
      }
      pairs.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(value)).replace(/%20/g, '+'));
    });
    return pairs.join('&');
  }

  /** Runs a promise-returning operation, handing the outcome to a node-style callback when one is given. */
  function settle(promise, callback, spread) {
    if (typeof callback !== 'function') {
      return promise;
    }
    // The callback runs outside the promise chain, so an exception thrown by it is reported like any
    // other uncaught error instead of turning into a silent rejected promise.
    promise.then(function (value) {
      var args = [null].concat(spread ? spread(value) : [value]);
      setTimeout(function () {
        callback.apply(null, args);
      }, 0);
    }, function (err) {
      setTimeout(function () {
        callback(err);
      }, 0);
    });
    return undefined;
  }

  /**
   * @param {object} options
   * @param {string} options.domain    host[:port] of the Phonepass server ("https://" is prepended)
   * @param {string} options.clientID  the application's client_id (clientId is accepted too)
   * @param {string} [options.scope]   scope for login, default "openid"
   * @param {function} [options.fetch] a fetch implementation (default: the browser's)
   * @param {boolean} [options.sendSDKClientInfo] send the Auth0-Client telemetry header (default true)
   */
  function Phonepass(options) {
    if (!(this instanceof Phonepass)) {
      return new Phonepass(options);
    }
    if (!isObject(options)) {
      throw new TypeError('Phonepass: options {domain, clientID} are required');
    }
    var clientID = firstString(options.clientID, options.clientId, options.client_id);
    if (!clientID) {
      throw new TypeError('Phonepass: the clientID option is required');
    }
    this.baseUrl = baseUrlOf(options.domain);
    this.domain = options.domain;
    this.clientID = clientID;
    this.scope = firstString(options.scope) || 'openid';
    this._fetch = options.fetch || null;
    this._telemetry = options.sendSDKClientInfo === false ? null
      : base64UrlEncode(JSON.stringify({ name: 'phonepass.js', version: VERSION }));
  }

  Phonepass.version = VERSION;
  Phonepass.PhonepassError = PhonepassError;
  Phonepass.decodeJwt = decodeJwt;
  Phonepass.Phonepass = Phonepass;
  Phonepass.Auth0 = Phonepass;
  Phonepass['default'] = Phonepass;

  Phonepass.prototype.decodeJwt = decodeJwt;

  Phonepass.prototype._request = function (method, path, fields, headers) {
    var fetchImpl = this._fetch || (typeof fetch === 'function' ? fetch : null);
    if (!fetchImpl) {
      return Promise.reject(new PhonepassError('unsupported_browser', 'This browser has no fetch().'));
    }
    var url = this.baseUrl + path;
    var init = { method: method, headers: { Accept: 'application/json' }, credentials: 'omit', mode: 'cors' };
    Object.keys(headers || {}).forEach(function (k) {
      init.headers[k] = headers[k];
    });
    if (fields) {
      init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = formEncode(fields);
    }
    return Promise.resolve()
      .then(function () {
        return fetchImpl(url, init);
      })
      .then(null, function (cause) {
        var err = new PhonepassError('network_error',
          'Could not reach ' + url + ' (is the server running and its certificate trusted?)', 0);
        err.cause = cause;
        throw err;
      })
      .then(function (response) {
        return response.text().then(function (text) {
          var body = null;
          if (text) {
            try {
              body = JSON.parse(text);
            } catch (e) {
              body = null;
            }
          }
          if (response.status >= 200 && response.status < 300) {
            if (text && body === null) {
              throw new PhonepassError('invalid_response', 'The server answered with something that is not JSON.',
                response.status);
            }
            return body === null ? {} : body;
          }
          if (isObject(body) && (body.error || body.error_description)) {
            throw new PhonepassError(String(body.error || 'server_error'),
              body.error_description || body.description || body.message || String(body.error),
              response.status, body);
          }
          throw new PhonepassError('server_error',
            'The server answered ' + response.status + (response.statusText ? ' ' + response.statusText : '') + '.',
            response.status, { error: 'server_error', text: text });
        });
      });
  };

  Phonepass.prototype._clientHeaders = function () {
    return this._telemetry ? { 'Auth0-Client': this._telemetry } : {};
  };

  /**
   * Sends an SMS with a one-time code. options: {phoneNumber} (phone and phone_number are accepted too).
   * Callback: (err, result). Errors carry error ("bad.phone_number", ...) and error_description.
   */
  Phonepass.prototype.startPasswordless = function (options, callback) {
    if (!isObject(options)) {
      throw new TypeError('Phonepass.startPasswordless: an options object {phoneNumber} is required');
    }
    var phone = firstString(options.phoneNumber, options.phone, options.phone_number);
    var promise = phone
      ? this._request('POST', '/passwordless/start',
        { client_id: this.clientID, phone_number: phone, connection: CONNECTION }, this._clientHeaders())
      : Promise.reject(new PhonepassError('bad.phone_number', 'Missing required property: phone_number', 400));
    return settle(promise, callback);
  };

  Phonepass.prototype.requestSMSCode = Phonepass.prototype.startPasswordless;

  /**
   * Exchanges the SMS code for tokens and fetches the profile.
   * options: {phone, passcode}, or {phoneNumber, passcode}, or {phoneNumber, verificationCode}.
   * Callback: (err, profile, id_token, access_token, state, refresh_token), as in the article.
   * Promise: {profile, idToken, accessToken, refreshToken, state, idTokenPayload}.
   */
  Phonepass.prototype.login = function (options, callback) {
    if (!isObject(options)) {
      throw new TypeError('Phonepass.login: an options object {phone, passcode} is required');
    }
    var self = this;
    var phone = firstString(options.phone, options.phoneNumber, options.phone_number, options.username);
    var code = firstString(options.passcode, options.code, options.verificationCode, options.verification_code,
      options.password);
    var promise;
    if (!phone) {
      promise = Promise.reject(new PhonepassError('invalid_request', 'Enter your phone number.', 400));
    } else if (!code) {
      promise = Promise.reject(new PhonepassError('invalid_request', 'Enter the code from the SMS.', 400));
    } else {
      var fields = {
        client_id: this.clientID,
        connection: CONNECTION,
        grant_type: 'password',
        username: phone,
        password: code,
        scope: firstString(options.scope) || this.scope
      };
      if (options.state !== undefined) {
        fields.state = options.state;
      }
      if (/(^|\s)offline_access(\s|$)/.test(fields.scope)) {
        fields.device = firstString(options.device) || 'Browser';
      }
      promise = this._request('POST', '/oauth/ro', fields, this._clientHeaders()).then(function (tokens) {
        if (!tokens.id_token) {
          throw new PhonepassError('invalid_response', 'The server did not return an id_token.');
        }
        return self.getProfile(tokens.id_token).then(function (profile) {
          return {
            profile: profile,
            idToken: tokens.id_token,
            accessToken: tokens.access_token,
            refreshToken: tokens.refresh_token,
            state: tokens.state !== undefined ? tokens.state : options.state,
            idTokenPayload: decodeJwt(tokens.id_token),
            expiresIn: tokens.expires_in,
            tokenType: tokens.token_type
          };
        });
      });
    }
    return settle(promise, callback, function (r) {
      return [r.profile, r.idToken, r.accessToken, r.state, r.refreshToken];
    });
  };

  Phonepass.prototype.verifySMSCode = function (options, callback) {
    var o = isObject(options) ? options : {};
    return this.login({ phoneNumber: o.phoneNumber || o.phone, passcode: o.code || o.passcode }, callback);
  };

  /**
   * The user's profile for an id_token: the decoded token when it carries user_id, else POST /tokeninfo.
   */
  Phonepass.prototype.getProfile = function (idToken, callback) {
    var self = this;
    var promise = Promise.resolve().then(function () {
      var payload = decodeJwt(idToken);
      if (payload.user_id) {
        return payload;
      }
      return self._request('POST', '/tokeninfo', { id_token: idToken });
    });
    return settle(promise, callback);
  };

  /** GET /userinfo with the access token (OIDC profile, with sub). */
  Phonepass.prototype.getUserInfo = function (accessToken, callback) {
    var promise = firstString(accessToken)
      ? this._request('GET', '/userinfo', null, { Authorization: 'Bearer ' + accessToken })
      : Promise.reject(new PhonepassError('invalid_request', 'An access token is required.'));
    return settle(promise, callback);
  };

  /** URL that ends the server session and returns to returnTo (must be an allowed logout URL). */
  Phonepass.prototype.logoutUrl = function (options) {
    var o = isObject(options) ? options : {};
    var query = { client_id: this.clientID };
    if (o.returnTo) {
      query.returnTo = o.returnTo;
    }
    return this.baseUrl + '/v2/logout?' + formEncode(query).replace(/\+/g, '%20');
  };

  return Phonepass;
});
