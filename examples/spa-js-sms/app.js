// The whole sign-in of a modern SPA against Phonepass: auth0-spa-js as Auth0's quickstart uses it, with
// connection=sms so the hosted page asks for a phone number. useRefreshTokens keeps the app signed in when the
// browser blocks third-party cookies (Safari, Firefox strict mode, private windows): the silent-auth iframe is not
// needed, the refresh token renews the tokens. cacheLocation 'localstorage' keeps them across reloads.
import { createAuth0Client } from '@auth0/auth0-spa-js';

const $ = (id) => document.getElementById(id);
const status = (text) => {
  $('status').textContent = text;
};

const auth0 = await createAuth0Client({
  domain: window.AUTH0_DOMAIN,
  clientId: window.AUTH0_CLIENT_ID,
  useRefreshTokens: true,
  cacheLocation: 'localstorage',
  authorizationParams: {
    redirect_uri: window.location.origin + '/',
    connection: 'sms',
  },
});

async function render() {
  const signedIn = await auth0.isAuthenticated();
  $('signed-out').hidden = signedIn;
  $('signed-in').hidden = !signedIn;
  if (signedIn) {
    const user = await auth0.getUser();
    $('phone').textContent = user.phone_number || user.name || '';
    $('sub').textContent = user.sub;
    status('You are signed in.');
  } else {
    status('You are signed out.');
  }
}

try {
  const query = new URLSearchParams(window.location.search);
  if ((query.has('code') || query.has('error')) && query.has('state')) {
    // Back from the login page: exchange the code (PKCE), then drop it from the address bar.
    await auth0.handleRedirectCallback();
    window.history.replaceState({}, document.title, window.location.pathname);
  }
} catch (e) {
  window.history.replaceState({}, document.title, window.location.pathname);
  status('Sign-in failed: ' + (e.error_description || e.message));
  $('signed-out').hidden = false;
  throw e;
}
await render();

$('login').addEventListener('click', () => {
  status('Taking you to the login page…');
  auth0.loginWithRedirect();
});

$('token').addEventListener('click', async () => {
  try {
    // cacheMode 'off' asks the server every time: a refresh_token grant, no iframe, no third-party cookie.
    const result = await auth0.getTokenSilently({ cacheMode: 'off', detailedResponse: true });
    $('token-info').textContent = 'New access token, valid for ' + result.expires_in + ' s.';
    status('Tokens renewed.');
  } catch (e) {
    status('Could not renew the tokens: ' + (e.error_description || e.message));
  }
});

$('logout').addEventListener('click', () => {
  auth0.logout({ logoutParams: { returnTo: window.location.origin + '/' } });
});
