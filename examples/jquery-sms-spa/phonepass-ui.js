/* global Auth0, AUTH0_CLIENT_ID, AUTH0_DOMAIN, App */
// The article's own-UI code, unchanged, on the Phonepass SDK (js/phonepass.js, served by the Phonepass
// server at /js/phonepass.js). The SDK keeps the article's login({phone, passcode}) call and its
// (err, profile, id_token, access_token) callback working.
var auth0 = null;

App.loadScript('https://' + AUTH0_DOMAIN + '/js/phonepass.js', function () {
  auth0 = new Auth0({
    domain: AUTH0_DOMAIN,
    clientID: AUTH0_CLIENT_ID
  });
  // The article stops at the welcome; this page then shows the profile of the token it stored.
  App.onWelcome = function () {
    App.restoreSession(function (idToken, cb) { auth0.getProfile(idToken, cb); });
  };
  App.onWelcome();
  $('.own-ui button').prop('disabled', false);
});

// ---- from the article, verbatim ----

function sendSMS(){
  const phoneNumber = $('input.phone-number').val();
  auth0.startPasswordless({phoneNumber:phoneNumber}, function(err) {
    if (err) {
      alert('error sending SMS: '+ err.error_description);
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
  //submit the passcode to authenticate the phone
  auth0.login({phone,passcode},function(err, profile, id_token, access_token){
    if (err){
      alert('Couldn\'t login ' + err.message);
    } else {
	    // the authentication was successful 
	    // you can use profile, id_token and access_token
      localStorage.setItem('userToken', id_token);
      alert.show('Welcome '+ profile.name );
    }
  });
};
