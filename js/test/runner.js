// A very small in-browser test runner. Tests run one after another; the outcome is shown on the page and
// published as window.__phonepassTestResults = {done, passed, failed, results: [{name, ok, error}]}
// for the Java browser suite (e2e module) to read.
(function () {
  'use strict';
  var tests = [];

  function AssertionError(message) {
    var e = new Error(message);
    e.name = 'AssertionError';
    return e;
  }

  function show(value) {
    try {
      return JSON.stringify(value);
    } catch (e) {
      return String(value);
    }
  }

  window.test = function (name, fn) {
    tests.push({ name: name, fn: fn });
  };

  window.assert = {
    ok: function (value, message) {
      if (!value) {
        throw AssertionError((message || 'expected a truthy value') + ', got ' + show(value));
      }
    },
    equal: function (actual, expected, message) {
      if (actual !== expected) {
        throw AssertionError((message ? message + ': ' : '') + 'expected ' + show(expected) + ', got ' + show(actual));
      }
    },
    deepEqual: function (actual, expected, message) {
      if (show(actual) !== show(expected)) {
        throw AssertionError((message ? message + ': ' : '') + 'expected ' + show(expected) + ', got ' + show(actual));
      }
    },
    throws: function (fn, pattern, message) {
      var threw = false;
      try {
        fn();
      } catch (e) {
        threw = true;
        if (pattern && !pattern.test(String(e && e.message))) {
          throw AssertionError((message ? message + ': ' : '') + 'error "' + (e && e.message) + '" does not match ' + pattern);
        }
      }
      if (!threw) {
        throw AssertionError(message || 'expected the call to throw');
      }
    },
    rejects: function (promise, check) {
      return promise.then(function (v) {
        throw AssertionError('expected a rejection, got ' + show(v));
      }, function (err) {
        if (check) {
          check(err);
        }
      });
    }
  };

  function withTimeout(promise, ms, name) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        reject(AssertionError('timed out after ' + ms + ' ms: ' + name));
      }, ms);
      promise.then(function (v) {
        clearTimeout(timer);
        resolve(v);
      }, function (e) {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  function record(results, name, error) {
    results.push({ name: name, ok: !error, error: error ? String(error && error.stack || error) : null });
    var li = document.createElement('li');
    li.className = error ? 'fail' : 'pass';
    li.textContent = (error ? 'FAIL ' : 'ok ') + name;
    if (error) {
      var pre = document.createElement('pre');
      pre.textContent = String(error && error.message || error);
      li.appendChild(pre);
    }
    document.getElementById('results').appendChild(li);
  }

  window.addEventListener('load', function () {
    var results = [];
    var chain = Promise.resolve();
    tests.forEach(function (t) {
      chain = chain.then(function () {
        return withTimeout(Promise.resolve().then(t.fn), 5000, t.name).then(function () {
          record(results, t.name, null);
        }, function (err) {
          record(results, t.name, err || new Error('rejected without a reason'));
        });
      });
    });
    chain.then(function () {
      var failed = results.filter(function (r) { return !r.ok; }).length;
      var summary = (results.length - failed) + ' passed, ' + failed + ' failed';
      document.getElementById('summary').textContent = summary;
      document.getElementById('summary').className = failed ? 'fail' : 'pass';
      window.__phonepassTestResults = {
        done: true, passed: results.length - failed, failed: failed, results: results
      };
    });
  });
})();
