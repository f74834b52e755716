/* global test, assert, Phonepass */
// Unit tests of phonepass.js in the browser, against a recording fake of fetch().
// The end-to-end tests against a real Phonepass server live in the e2e module.
(function () {
  'use strict';

  var DOMAIN = 'localhost:8443';
  var CLIENT = 'spa-client';

  function b64url(text) {
    return btoa(unescape(encodeURIComponent(text))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function jwt(payload) {
    return b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' })) + '.' + b64url(JSON.stringify(payload)) +
      '.c2lnbmF0dXJl';
  }

  /** A fetch that answers from a queue of {status, body} and records every call. */
  function fakeFetch(replies) {
    var calls = [];
    var fn = function (url, init) {
      calls.push({ url: url, init: init });
      var reply = replies.shift();
      if (!reply) {
        return Promise.reject(new TypeError('no reply queued for ' + url));
      }
      if (reply.networkError) {
        return Promise.reject(new TypeError('Failed to fetch'));
      }
      var text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      return Promise.resolve(new Response(text, {
        status: reply.status || 200,
        headers: { 'Content-Type': reply.contentType || 'application/json' }
      }));
    };
    fn.calls = calls;
    return fn;
  }

  function form(body) {
    var out = {};
    body.split('&').forEach(function (pair) {
      var kv = pair.split('=');
      out[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1].replace(/\+/g, ' '));
    });
    return out;
  }

  function client(replies, extra) {
    var f = fakeFetch(replies);
    var options = { domain: DOMAIN, clientID: CLIENT, fetch: f };
    Object.keys(extra || {}).forEach(function (k) { options[k] = extra[k]; });
    return { auth0: new Phonepass(options), fetch: f };
  }

  /** Calls fn(done) and resolves with the arguments the callback got. */
  function viaCallback(fn) {
    return new Promise(function (resolve) {
      fn(function () {
        resolve(Array.prototype.slice.call(arguments));
      });
    });
  }

  var ID_TOKEN = jwt({ iss: 'https://localhost:8443/', sub: 'sms|5f85d99a2c673038a8111f5f', aud: CLIENT, iat: 1, exp: 2 });
  var PROFILE = {
    user_id: 'sms|5f85d99a2c673038a8111f5f', name: '+12015550123', phone_number: '+12015550123',
    phone_verified: true, identities: [{ provider: 'sms', connection: 'sms', user_id: '5f85d99a2c673038a8111f5f' }]
  };

  test('a classic script tag defines window.Phonepass and window.Auth0', function () {
    assert.equal(typeof window.Phonepass, 'function');
    assert.equal(window.Auth0, window.Phonepass, 'Auth0 is the same constructor');
    assert.ok(/^\d+\.\d+\.\d+$/.test(Phonepass.version), 'version is semver');
  });

  test('the constructor needs a domain and a clientID', function () {
    assert.throws(function () { return new Phonepass(); }, /domain, clientID/);
    assert.throws(function () { return new Phonepass({ domain: DOMAIN }); }, /clientID/);
    assert.throws(function () { return new Phonepass({ clientID: CLIENT }); }, /domain/);
    assert.throws(function () { return new Phonepass({ domain: 'localhost:8443/auth', clientID: CLIENT }); },
      /without a path/);
  });

  test('the domain is host[:port] and becomes an https:// base URL', function () {
    assert.equal(new Phonepass({ domain: 'localhost:8443', clientID: CLIENT }).baseUrl, 'https://localhost:8443');
    assert.equal(new Phonepass({ domain: 'login.example.com', clientId: CLIENT }).baseUrl, 'https://login.example.com');
    assert.equal(new Phonepass({ domain: 'https://login.example.com/', clientID: CLIENT }).baseUrl,
      'https://login.example.com');
    assert.equal(Phonepass({ domain: DOMAIN, clientID: CLIENT }).clientID, CLIENT, 'works without new');
  });

  test('startPasswordless posts the form Auth0 clients send, with telemetry', function () {
    var c = client([{ status: 200, body: { _id: 'abc', phone_number: '+12015550123' } }]);
    return viaCallback(function (cb) {
      c.auth0.startPasswordless({ phoneNumber: '+12015550123' }, cb);
    }).then(function (args) {
      assert.equal(args[0], null, 'no error');
      assert.equal(args[1].phone_number, '+12015550123', 'the reply is handed over');
      assert.equal(c.fetch.calls.length, 1);
      var call = c.fetch.calls[0];
      assert.equal(call.url, 'https://localhost:8443/passwordless/start');
      assert.equal(call.init.method, 'POST');
      assert.equal(call.init.credentials, 'omit');
      assert.equal(call.init.headers['Content-Type'], 'application/x-www-form-urlencoded');
      assert.equal(call.init.body, 'client_id=spa-client&phone_number=%2B12015550123&connection=sms');
      var telemetry = JSON.parse(atob(call.init.headers['Auth0-Client'].replace(/-/g, '+').replace(/_/g, '/')));
      assert.deepEqual(telemetry, { name: 'phonepass.js', version: Phonepass.version });
    });
  });

  test('sendSDKClientInfo:false drops the Auth0-Client header', function () {
    var c = client([{ status: 200, body: {} }], { sendSDKClientInfo: false });
    return c.auth0.startPasswordless({ phoneNumber: '+12015550123' }).then(function () {
      assert.equal(c.fetch.calls[0].init.headers['Auth0-Client'], undefined);
    });
  });

  test('a start error carries error and error_description, as the article reads them', function () {
    var c = client([{ status: 400, body: { error: 'bad.phone_number', error_description: 'The phone number is not valid.' } }]);
    return viaCallback(function (cb) {
      c.auth0.startPasswordless({ phoneNumber: '5555' }, cb);
    }).then(function (args) {
      var err = args[0];
      assert.equal(args.length, 1, 'only the error is passed');
      assert.ok(err instanceof Error, 'an Error');
      assert.ok(err instanceof Phonepass.PhonepassError, 'a PhonepassError');
      assert.equal(err.error, 'bad.phone_number');
      assert.equal(err.error_description, 'The phone number is not valid.');
      assert.equal(err.message, 'The phone number is not valid.');
      assert.equal(err.statusCode, 400);
      assert.equal(err.details.error, 'bad.phone_number');
    });
  });

  test('startPasswordless without a number fails without calling the server', function () {
    var c = client([]);
    return viaCallback(function (cb) {
      c.auth0.startPasswordless({ phoneNumber: '  ' }, cb);
    }).then(function (args) {
      assert.equal(args[0].error, 'bad.phone_number');
      assert.equal(c.fetch.calls.length, 0);
    });
  });

  test('startPasswordless returns a promise without a callback', function () {
    var c = client([{ status: 200, body: { phone_number: '+12015550123' } }]);
    var result = c.auth0.startPasswordless({ phone: '+12015550123' });
    assert.ok(result && typeof result.then === 'function', 'a thenable');
    return result.then(function (body) {
      assert.equal(body.phone_number, '+12015550123');
      assert.equal(form(c.fetch.calls[0].init.body).phone_number, '+12015550123', 'phone is accepted too');
    });
  });

  test('callbacks run after the call returns', function () {
    var c = client([{ status: 200, body: {} }]);
    var returned = false;
    return viaCallback(function (cb) {
      c.auth0.startPasswordless({ phoneNumber: '+12015550123' }, function (err) {
        cb(returned, err);
      });
      returned = true;
    }).then(function (args) {
      assert.equal(args[0], true, 'the callback was asynchronous');
      assert.equal(args[1], null);
    });
  });

  test('login({phone, passcode}) as the article writes it: /oauth/ro, then /tokeninfo', function () {
    var c = client([
      { status: 200, body: { id_token: ID_TOKEN, access_token: 'at-123', token_type: 'Bearer' } },
      { status: 200, body: PROFILE }
    ]);
    var phone = '+12015550123';
    var passcode = '123456';
    return viaCallback(function (cb) {
      c.auth0.login({ phone, passcode }, function (err, profile, id_token, access_token) {
        cb(err, profile, id_token, access_token);
      });
    }).then(function (args) {
      assert.equal(args[0], null, 'no error');
      assert.equal(args[1].name, '+12015550123', 'profile.name');
      assert.equal(args[1].user_id, PROFILE.user_id);
      assert.equal(args[2], ID_TOKEN, 'id_token');
      assert.equal(args[3], 'at-123', 'access_token');
      assert.equal(c.fetch.calls.length, 2);
      var ro = c.fetch.calls[0];
      assert.equal(ro.url, 'https://localhost:8443/oauth/ro');
      assert.deepEqual(form(ro.init.body), {
        client_id: CLIENT, connection: 'sms', grant_type: 'password', username: phone, password: passcode,
        scope: 'openid'
      });
      var info = c.fetch.calls[1];
      assert.equal(info.url, 'https://localhost:8443/tokeninfo');
      assert.equal(info.init.method, 'POST');
      assert.equal(info.init.body, 'id_token=' + encodeURIComponent(ID_TOKEN));
      assert.equal(info.init.headers['Auth0-Client'], undefined, 'tokeninfo stays a simple CORS request');
    });
  });

  test('login passes state and refresh_token as the 5th and 6th callback arguments', function () {
    var c = client([
      { status: 200, body: { id_token: ID_TOKEN, access_token: 'at', refresh_token: 'rt-1', state: 's1' } },
      { status: 200, body: PROFILE }
    ]);
    return viaCallback(function (cb) {
      c.auth0.login({ phoneNumber: '+12015550123', passcode: '1', scope: 'openid offline_access' }, cb);
    }).then(function (args) {
      assert.equal(args[0], null);
      assert.equal(args[4], 's1', 'state');
      assert.equal(args[5], 'rt-1', 'refresh_token');
      var body = form(c.fetch.calls[0].init.body);
      assert.equal(body.scope, 'openid offline_access');
      assert.equal(body.device, 'Browser', 'offline_access needs a device name');
    });
  });

  test('login skips /tokeninfo when the id_token carries user_id', function () {
    var token = jwt({ sub: 'sms|1', user_id: 'sms|1', name: '+12015550123', aud: CLIENT });
    var c = client([{ status: 200, body: { id_token: token, access_token: 'at' } }]);
    return viaCallback(function (cb) {
      c.auth0.login({ phoneNumber: '+12015550123', passcode: '42' }, cb);
    }).then(function (args) {
      assert.equal(args[0], null);
      assert.equal(args[1].user_id, 'sms|1');
      assert.equal(c.fetch.calls.length, 1, 'no /tokeninfo call');
    });
  });

  test('a wrong code gives err.message "Wrong phone number or verification code."', function () {
    var c = client([{ status: 401, body: { error: 'invalid_user_password', error_description: 'Wrong phone number or verification code.' } }]);
    return viaCallback(function (cb) {
      c.auth0.login({ phone: '+12015550123', passcode: '000000' }, cb);
    }).then(function (args) {
      assert.equal(args.length, 1);
      var err = args[0];
      assert.equal('Couldn\'t login ' + err.message, 'Couldn\'t login Wrong phone number or verification code.');
      assert.equal(err.error, 'invalid_user_password');
      assert.equal(err.code, 'invalid_user_password');
      assert.equal(err.status, 401);
      assert.equal(c.fetch.calls.length, 1, 'no profile call after a failure');
    });
  });

  test('login without a code or a number fails without calling the server', function () {
    var c = client([]);
    return Promise.all([
      assert.rejects(c.auth0.login({ phone: '+12015550123', passcode: '' }), function (e) {
        assert.equal(e.error, 'invalid_request');
      }),
      assert.rejects(c.auth0.login({ passcode: '123' }), function (e) {
        assert.equal(e.error, 'invalid_request');
      })
    ]).then(function () {
      assert.equal(c.fetch.calls.length, 0);
    });
  });

  test('login and startPasswordless throw on a missing options object', function () {
    var auth0 = new Phonepass({ domain: DOMAIN, clientID: CLIENT, fetch: fakeFetch([]) });
    assert.throws(function () { auth0.login(); }, /options object/);
    assert.throws(function () { auth0.startPasswordless(null, function () {}); }, /options object/);
  });

  test('login returns a promise of {profile, idToken, accessToken, idTokenPayload}', function () {
    var c = client([
      { status: 200, body: { id_token: ID_TOKEN, access_token: 'at-9' } },
      { status: 200, body: PROFILE }
    ]);
    return c.auth0.login({ phoneNumber: '+12015550123', verificationCode: '123456' }).then(function (r) {
      assert.equal(r.profile.phone_number, '+12015550123');
      assert.equal(r.idToken, ID_TOKEN);
      assert.equal(r.accessToken, 'at-9');
      assert.equal(r.idTokenPayload.aud, CLIENT);
      assert.equal(r.idTokenPayload.sub.indexOf('sms|'), 0);
      assert.equal(form(c.fetch.calls[0].init.body).password, '123456');
    });
  });

  test('the promise form rejects with the server error', function () {
    var c = client([{ status: 401, body: { error: 'invalid_user_password', error_description: 'Wrong phone number or verification code.' } }]);
    return assert.rejects(c.auth0.login({ phoneNumber: '+12015550123', passcode: '1' }), function (e) {
      assert.equal(e.error_description, 'Wrong phone number or verification code.');
    });
  });

  test('an unreachable server gives network_error with status 0', function () {
    var c = client([{ networkError: true }]);
    return assert.rejects(c.auth0.startPasswordless({ phoneNumber: '+12015550123' }), function (e) {
      assert.equal(e.error, 'network_error');
      assert.equal(e.statusCode, 0);
      assert.ok(/https:\/\/localhost:8443\/passwordless\/start/.test(e.error_description), 'names the URL');
    });
  });

  test('a non-JSON answer is an error, 2xx or not', function () {
    var c = client([
      { status: 200, body: '<html>proxy</html>', contentType: 'text/html' },
      { status: 502, body: 'Bad gateway', contentType: 'text/plain' }
    ]);
    return assert.rejects(c.auth0.startPasswordless({ phoneNumber: '+12015550123' }), function (e) {
      assert.equal(e.error, 'invalid_response');
    }).then(function () {
      return assert.rejects(c.auth0.startPasswordless({ phoneNumber: '+12015550123' }), function (e) {
        assert.equal(e.error, 'server_error');
        assert.equal(e.status, 502);
      });
    });
  });

  test('an empty 2xx body is a success', function () {
    var c = client([{ status: 200, body: '' }]);
    return c.auth0.startPasswordless({ phoneNumber: '+12015550123' }).then(function (body) {
      assert.deepEqual(body, {});
    });
  });

  test('getUserInfo sends GET /userinfo with a bearer token', function () {
    var c = client([{ status: 200, body: { sub: 'sms|1' } }]);
    return c.auth0.getUserInfo('at-7').then(function (info) {
      assert.equal(info.sub, 'sms|1');
      var call = c.fetch.calls[0];
      assert.equal(call.url, 'https://localhost:8443/userinfo');
      assert.equal(call.init.method, 'GET');
      assert.equal(call.init.headers.Authorization, 'Bearer at-7');
      assert.equal(call.init.body, undefined);
    });
  });

  test('getProfile posts to /tokeninfo and reports a bad token', function () {
    var c = client([{ status: 401, body: { error: 'invalid_token', error_description: 'The token has expired.' } }]);
    return assert.rejects(c.auth0.getProfile(ID_TOKEN), function (e) {
      assert.equal(e.error, 'invalid_token');
      assert.equal(e.status, 401);
    }).then(function () {
      return assert.rejects(c.auth0.getProfile('not-a-jwt'), function (e) {
        assert.equal(e.error, 'invalid_token');
      });
    });
  });

  test('decodeJwt reads base64url payloads with non-ASCII text', function () {
    var payload = Phonepass.decodeJwt(jwt({ name: 'Zoë ☎', sub: 'sms|x?>' }));
    assert.equal(payload.name, 'Zoë ☎');
    assert.equal(payload.sub, 'sms|x?>');
  });

  test('without a fetch option the browser fetch is used', function () {
    var original = window.fetch;
    var f = fakeFetch([{ status: 200, body: { ok: 1 } }]);
    window.fetch = f;
    var restore = function () { window.fetch = original; };
    return new Phonepass({ domain: DOMAIN, clientID: CLIENT }).startPasswordless({ phoneNumber: '+12015550123' })
      .then(function (body) {
        restore();
        assert.equal(body.ok, 1);
        assert.equal(f.calls.length, 1);
      }, function (e) {
        restore();
        throw e;
      });
  });

  test('logoutUrl points at /v2/logout with client_id and returnTo', function () {
    var auth0 = new Phonepass({ domain: DOMAIN, clientID: CLIENT });
    assert.equal(auth0.logoutUrl({ returnTo: 'http://localhost:3000/' }),
      'https://localhost:8443/v2/logout?client_id=spa-client&returnTo=http%3A%2F%2Flocalhost%3A3000%2F');
  });
})();
