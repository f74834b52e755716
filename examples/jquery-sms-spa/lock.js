/* global Auth0LockPasswordless, AUTH0_CLIENT_ID, AUTH0_DOMAIN, App */
// The article's Lock path: Lock passwordless 2.2.3 in SMS mode.
var lock = typeof Auth0LockPasswordless === 'undefined' ? null
  : new Auth0LockPasswordless(AUTH0_CLIENT_ID, AUTH0_DOMAIN);

function signin () {
  var appearanceOpts = {
    autoclose: true
  };
  // Open the lock in SMS mode with the ability to handle the authentication in page
  lock.sms(appearanceOpts, function (error, profile, id_token, access_token, state, refresh_token) {
    if (!error) {
      // usually save profile and id_token
      App.signedIn(id_token, profile);
    }
  });
}

$(function () {
  $('.lock-signin').click(signin);
});
