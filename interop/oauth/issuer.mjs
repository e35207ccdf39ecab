// A real OAuth 2 authorization server for the tests and examples/server: oauth2-mock-server
// (pinned in interop/package.json) on 127.0.0.1, with one RS256 key. Its client_credentials grant
// issues a JWT access token whose subject is the client and whose audience is the RFC 8707
// `resource` asked for. Prints "port N" once it listens (the issuer is http://127.0.0.1:N); stops on SIGTERM.
//
//   node interop/oauth/issuer.mjs [port]
import { OAuth2Server, Events } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on(Events.BeforeTokenSigning, (token, req) => {
  const basic = (req.headers.authorization ?? '').match(/^Basic (.+)$/i);
  const client = basic
    ? Buffer.from(basic[1], 'base64').toString().split(':')[0]
    : req.body.client_id;
  token.payload.sub = client ?? 'anonymous-client';
  if (req.body.resource) {
    token.payload.aud = req.body.resource;
  }
});
await server.start(Number(process.argv[2] ?? 0), '127.0.0.1');
server.issuer.url = 'http://127.0.0.1:' + server.address().port; // not "localhost", which may be ::1
console.log('port ' + server.address().port); // the issuer is http://127.0.0.1:PORT

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
