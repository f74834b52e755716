/* global Auth0, AUTH0_CLIENT_ID, AUTH0_DOMAIN, App */
// The article's own-UI path on auth0-js 7.6.1, with the two changes 7.x needs:
//  - login takes phoneNumber (the article's {phone, passcode} makes auth0-js throw
//    "email or phoneNumber is required for authentication");
//  - the login callback is (err, result), and the profile comes from getProfile(result.idToken).
var auth0 = new Auth0({
  domain: AUTH0_DOMAIN,
  clientID: AUTH0_CLIENT_ID
});

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
  auth0.login({phoneNumber: phone, passcode: passcode}, function(err, result){
    if (err){
      // auth0-js 7.x: err.message is the error code; the sentence is in err.details.error_description
      alert('Couldn\'t login ' + ((err.details && err.details.error_description) || err.message));
      return;
    }
    auth0.getProfile(result.idToken, function (err, profile) {
      if (err) {
        alert('Couldn\'t load the profile ' + (err.error_description || err.message));
        return;
      }
      // the authentication was successful
      // you can use profile, result.idToken and result.accessToken
      localStorage.setItem('userToken', result.idToken);
      alert.show('Welcome '+ profile.name );
      App.signedIn(result.idToken, profile);
    });
  });
};
