/* global auth0, AUTH0_CLIENT_ID, AUTH0_DOMAIN, App */
// The article's own-UI flow on auth0-js 9 (docs/spa.md#cross-origin-authentication). The calls differ from 7.x:
//  - sendSMS: passwordlessStart needs connection and send, and the WebAuth options need a responseType;
//  - login: passwordlessLogin posts the code to /co/authenticate and then leaves for /authorize, which comes back
//    to this page with the tokens in the fragment; parseHash checks them (signature, issuer, audience, nonce).
// The server's client needs cross_origin_authentication: true, the implicit grant, and this page in its callbacks.
var webAuth = new auth0.WebAuth({
  domain: AUTH0_DOMAIN,
  clientID: AUTH0_CLIENT_ID,
  redirectUri: location.origin + location.pathname,
  responseType: 'token id_token',
  scope: 'openid profile phone'
});

function sendSMS(){
  const phoneNumber = $('input.phone-number').val();
  webAuth.passwordlessStart({connection: 'sms', send: 'code', phoneNumber: phoneNumber}, function(err) {
    if (err) {
      alert('error sending SMS: '+ (err.description || err.code));
      return;
    }
    // the request was successful and you should
    // receive the passcode to the specified phone
    $('.enter-phone').hide();
    $('.enter-code').show();
  });
}

function login(){
  const phone = $('input.phone-number').val();
  const passcode = $('input.code').val();
  //submit the passcode to authenticate the phone; on success the browser goes to /authorize and comes back
  webAuth.passwordlessLogin({connection: 'sms', phoneNumber: phone, verificationCode: passcode}, function(err){
    if (err){
      alert('Couldn\'t login ' + (err.description || err.error_description || err.code));
    }
  });
};

// Back from /authorize: the tokens are in the fragment.
$(function () {
  if (!/access_token|error/.test(location.hash)) {
    // A reload shows the profile saved beside the token; without one, sign in again.
    App.restoreSession(function (idToken, cb) {
      cb(new Error('no saved profile'));
    });
    return;
  }
  webAuth.parseHash(function (err, result) {
    history.replaceState(null, '', location.pathname);
    if (err) {
      alert('Couldn\'t login ' + (err.errorDescription || err.error_description || err.error));
      return;
    }
    webAuth.client.userInfo(result.accessToken, function (err, profile) {
      if (err) {
        alert('Couldn\'t load the profile ' + (err.description || err.code));
        return;
      }
      localStorage.setItem('userToken', result.idToken);
      alert.show('Welcome '+ profile.name );
      App.signedIn(result.idToken, profile);
    });
  });
});
