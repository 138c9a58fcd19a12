// A real OpenID Connect provider (panva's oidc-provider) for the portal's SSO tests.
//
//   node provider.mjs <config.json>
//
// config.json: {"port": N,
//               "clients": [{"client_id", "client_secret", "redirect_uris", "post_logout_redirect_uris"}],
//               "accounts": {"<login email>": {claims...}}}
//
// Issuer: http://127.0.0.1:<port>. Authorization code flow only, PKCE (S256) required,
// client_secret_basic at the token endpoint. Own login page at /interaction/:uid, consent is
// granted automatically. Test-control API (loopback only) under /_test/. Prints exactly one
// line "READY <issuer>" on stdout once listening; everything else goes to stderr.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

// oidc-provider prints its "you SHOULD change ..." notices with console.info (stdout). Keep
// stdout for the READY line only, so whoever starts us can read it without filtering.
console.info = console.error;
console.log = console.error;

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

// --- accounts: login key -> claims; `sub` is claims.sub if given, else the login key ---------
let accounts = {};
const setAccounts = (next) => {
  accounts = structuredClone(next);
};
setAccounts(config.accounts ?? {});
const subOf = (login) => String(accounts[login].sub ?? login);
const loginForSub = (sub) => Object.keys(accounts).find((login) => subOf(login) === sub);

// --- test control state -------------------------------------------------------------------
let tamperNextIdToken = false;

// Alter the JWT payload after signing, keeping header and signature: the signature no longer
// verifies, while the token still parses and looks plausible (an attacker's different email).
function tamper(idToken) {
  const [header, payload, signature] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.email = 'mallory@attacker.invalid';
  claims.email_verified = true;
  const forged = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return [header, forged, signature].join('.');
}

// --- small HTML helpers (no external assets: the tests run offline) ------------------------
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;

function loginPage(uid, { login = '', error = '' } = {}) {
  const described = error ? ' aria-describedby="login-error" aria-invalid="true"' : '';
  return page(`${error ? 'Error: ' : ''}Sign in - Test IdP`, `<h1>Sign in to Test IdP</h1>
${error ? `<p id="login-error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}">
<label for="login">Email address</label>
<input id="login" name="login" type="text" inputmode="email" autocomplete="username" required value="${esc(login)}"${described}>
<button type="submit">Sign in</button>
</form>`);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// --- the provider ---------------------------------------------------------------------------
const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(),
  alg: 'RS256',
  use: 'sig',
};

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris ?? [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  responseTypes: ['code'],
  clientAuthMethods: ['client_secret_basic'],
  pkce: { required: () => true }, // oidc-provider 9 only knows S256; this makes it mandatory
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false, // scope claims go into the ID token too, not only userinfo
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource(ctx, form) {
        ctx.body = page('Sign out - Test IdP', `<h1>Sign out of Test IdP?</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
      },
      postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out - Test IdP', '<h1>You are signed out of Test IdP</h1>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error - Test IdP', `<h1>Test IdP error</h1>
${Object.entries(out).map(([k, v]) => `<p><strong>${esc(k)}</strong>: ${esc(v)}</p>`).join('\n')}`);
  },
  async findAccount(ctx, sub) {
    const login = loginForSub(sub);
    if (login === undefined) return undefined;
    return {
      accountId: sub,
      // oidc-provider filters these down to what the granted scopes allow.
      claims: async () => ({ ...structuredClone(accounts[login]), sub }),
    };
  },
  // Auto-consent: every requested OIDC scope/claim is granted, so no consent prompt is shown.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    const grant = (grantId && (await oidc.provider.Grant.find(grantId)))
      || new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
    grant.addOIDCClaims([...oidc.requestParamClaims]);
    await grant.save();
    return grant;
  },
});

for (const event of ['server_error', 'authorization.error', 'grant.error', 'userinfo.error',
  'end_session.error', 'introspection.error', 'revocation.error']) {
  provider.on(event, (ctx, err) => console.error(`${event}: ${err?.name}: ${err?.message}`,
    err?.error_description ?? ''));
}

// Middleware registered with provider.use() runs before oidc-provider's own routing.
provider.use(async (ctx, next) => {
  // --- test-control API ---
  if (ctx.path.startsWith('/_test/')) {
    const peer = ctx.req.socket.remoteAddress;
    if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(peer)) ctx.throw(403, 'loopback only');
    const route = `${ctx.method} ${ctx.path}`;
    if (route === 'GET /_test/health') {
      ctx.body = { ok: true, issuer };
    } else if (route === 'PUT /_test/accounts') {
      setAccounts(JSON.parse(await readBody(ctx.req)));
      ctx.status = 204;
    } else if (route === 'POST /_test/tamper-next-id-token') {
      tamperNextIdToken = true;
      ctx.status = 204;
    } else {
      ctx.throw(404);
    }
    return;
  }

  // --- our own login page ---
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (match && ['GET', 'POST'].includes(ctx.method)) {
    const uid = match[1];
    ctx.set('Cache-Control', 'no-store');
    let details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      // Expired/unknown interaction or missing cookie: a plain error page, not a 500.
      console.error(`interaction ${uid}: ${err.name}: ${err.message}`);
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Error - Test IdP', `<h1>Test IdP error</h1><p>${esc(err.message)}</p>`);
      return;
    }
    if (details.prompt.name !== 'login') {
      // loadExistingGrant grants consent, so only the login prompt should ever get here.
      ctx.throw(501, `unexpected prompt ${details.prompt.name}`);
    }
    ctx.type = 'html';
    if (ctx.method === 'GET') {
      ctx.body = loginPage(uid);
      return;
    }
    const login = new URLSearchParams(await readBody(ctx.req)).get('login')?.trim() ?? '';
    if (!Object.hasOwn(accounts, login)) {
      ctx.body = loginPage(uid, { login, error: 'No account with that email address. Try again.' });
      return;
    }
    // Writes a 303 redirect back to the authorization endpoint on ctx.res itself.
    await provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId: subOf(login) },
    }, { mergeWithLastSubmission: false });
    ctx.respond = false;
    return;
  }

  await next();

  // --- tamper with the next token response that carries an ID token ---
  if (tamperNextIdToken && ctx.oidc?.route === 'token' && typeof ctx.body?.id_token === 'string') {
    tamperNextIdToken = false;
    ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token) };
  }
});

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});
server.on('error', (err) => {
  console.error(`listen failed: ${err.message}`);
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
