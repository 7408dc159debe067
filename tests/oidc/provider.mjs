// A real OpenID Connect provider on loopback for the single sign-on tests.
//
// Configured from the environment:
//   OIDC_PORT            port to listen on (127.0.0.1 only)
//   OIDC_ISSUER          the issuer it signs tokens as (default http://127.0.0.1:<port>)
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (comma separated)
//   OIDC_ACCOUNTS        JSON list of accounts: {"sub": ..., "email": ..., "employee_number": ...}
//                        (any other keys are returned as claims too, e.g. "employeeid")
//   OIDC_ID_TOKEN_TTL    seconds an ID token lasts (default 3600)
//   OIDC_CLOCK_SKEW      seconds added to this provider's clock (negative: tokens issued in the
//                        past, so with a short ID token TTL they arrive already expired)
//
// Interactions need no form: GET /interaction/<uid>?sub=<account> signs that account in, and
// without ?sub the page lists one link per account. Consent is given at once.
// Prints "listening" on standard output when ready.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = process.env.OIDC_ISSUER || `http://127.0.0.1:${port}`;
const skewMs = Number(process.env.OIDC_CLOCK_SKEW || 0) * 1000;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '[]');

if (skewMs) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + skewMs;
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

function findAccount(ctx, sub) {
  const account = accounts.find((candidate) => candidate.sub === sub);
  if (!account) return undefined;
  return {
    accountId: sub,
    async claims() {
      return { email_verified: true, ...account };
    },
  };
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: (process.env.OIDC_REDIRECT_URIS || '').split(',').filter(Boolean),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomUUID()] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'employee_number', 'employeeid'],
  },
  // Claims of the granted scopes go in the ID token too, as Microsoft Entra ID does.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  ttl: { IdToken: Number(process.env.OIDC_ID_TOKEN_TTL || 3600) },
  findAccount,
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === 'login') {
    const sub = url.searchParams.get('sub');
    if (!sub) {
      const links = accounts
        .map((a) => `<li><a href="?sub=${encodeURIComponent(a.sub)}">Sign in as ${escapeHtml(a.email || a.sub)}</a></li>`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Test provider</title></head><body><main><h1>Test provider</h1><ul>${links}</ul></main></body></html>`);
      return;
    }
    await provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
    return;
  }
  // Consent: grant whatever the client asked for.
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname.startsWith('/interaction/')) {
    try {
      await interaction(req, res, url);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
    return;
  }
  handle(req, res);
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write('listening\n');
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
