// Where the sample finds its Phonepass server. Edit these two lines for your own server:
//   AUTH0_DOMAIN    host[:port] of the Phonepass server, without "https://" (the libraries add it)
//   AUTH0_CLIENT_ID a client whose allowed_origins contains the origin this page is served from
//                   (phonepass-dev is the client a dev-mode server adds, for http://localhost:3000)
// When the Phonepass server serves this sample in dev mode, and in the browser suite, this file is
// generated with the server's real values instead.
var AUTH0_DOMAIN = 'localhost:8443';
var AUTH0_CLIENT_ID = 'phonepass-dev';
