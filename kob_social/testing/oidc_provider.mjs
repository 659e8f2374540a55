// A real OpenID Connect provider for the tests (the `oidc-provider` package), started by
// kob_social/testing/oidc.py on a port of its own and stopped afterwards. Never served.
//
//   node oidc_provider.mjs PORT CONFIG.json
//
// CONFIG.json: {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//               "accounts_file": "accounts.json", "id_token_ttl": seconds (optional)}
// accounts.json (read at every sign-in, so a test can change a person's groups between two):
//   {"maja": {"name": "Maja Lindqvist", "email": "maja@example.se", "groups": ["KoB-Bibliotek"]}}
// Sign-in is the provider's own development page: any known login, any password.
import crypto from 'node:crypto';
import fs from 'node:fs';
import Provider from 'oidc-provider';

const [port, configPath] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

function accounts() {
  return JSON.parse(fs.readFileSync(config.accounts_file, 'utf8'));
}

// Signing keys of its own, made at start: two providers never share a key.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: crypto.randomUUID() };

const provider = new Provider(issuer, {
  jwks: { keys: [signingKey] },
  clients: config.clients.map((client) => ({
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
    ...client,
  })),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // The claims in the ID token too: the relying party reads them from there or the userinfo.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  ttl: { IdToken: config.id_token_ttl || 3600 },
  async findAccount(ctx, id) {
    const person = accounts()[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: person.name, email: person.email, email_verified: true, groups: person.groups };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // Consent is given once and for all here: the tests are about the relying party.
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    grant.addOIDCClaims(['sub', 'name', 'email', 'email_verified', 'groups']);
    await grant.save();
    return grant;
  },
});
provider.proxy = false;
provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
