/**
 * The Wallet API from the browser, React Native or Node (fetch-based).
 *
 * - `createWalletClient`: openapi-fetch typed by `schema.d.ts` (generated from
 *   sdk/openapi.json by openapi-typescript; never edited by hand). It sends the bearer
 *   credential, gives every POST an `Idempotency-Key` (unless the caller chose one) and
 *   retries a request that carries one after a network error or a 503, with the same key,
 *   so a value move happens at most once.
 * - `unwrap`: the typed answer, or a thrown `WalletApiError` (the API's one error shape).
 * - PKCE sign-in for apps: `discover`, `beginSignIn`, `completeSignIn` (RFC 8414 discovery,
 *   RFC 7636 S256, RFC 9207 `iss` check).
 */
import createClient from "openapi-fetch";
import type { paths } from "./schema";

export type { paths, components } from "./schema";

export class WalletApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;

  constructor(status: number, body: unknown) {
    const detail = (body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
    const message = typeof detail.message === "string" ? detail.message : `HTTP ${status}`;
    super(message);
    this.name = "WalletApiError";
    this.status = status;
    this.type = typeof detail.type === "string" ? detail.type : "api_error";
    this.code = typeof detail.code === "string" ? detail.code : "unknown";
    this.param = typeof detail.param === "string" ? detail.param : null;
  }
}

export interface WalletClientOptions {
  baseUrl: string;
  /** An access token `at_…` (apps) or a key `sk_…`/`ck_…`/`ak_…` (servers). */
  credential?: string;
  /** Attempts for a request with an Idempotency-Key (network error or 503). */
  attempts?: number;
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

function retrying(inner: typeof fetch, attempts: number): (request: Request) => Promise<Response> {
  return async (request: Request) => {
    const safe = request.method === "GET" || request.headers.has("Idempotency-Key");
    const tries = safe ? Math.max(1, attempts) : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await inner(request.clone());
        if (response.status !== 503 || attempt >= tries) { return response; }
        const after = Number(response.headers.get("Retry-After"));
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 5) * 1000 : 200 * attempt);
      } catch (error) {
        if (attempt >= tries) { throw error; }
        await sleep(200 * 2 ** attempt);
      }
    }
  };
}

export function createWalletClient(options: WalletClientOptions) {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ""),
    fetch: retrying(options.fetch ?? globalThis.fetch, options.attempts ?? 3),
  });
  client.use({
    onRequest({ request }) {
      if (options.credential) { request.headers.set("Authorization", `Bearer ${options.credential}`); }
      if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
        request.headers.set("Idempotency-Key", newIdempotencyKey());
      }
      return request;
    },
  });
  return client;
}

/** The typed answer of an openapi-fetch call, or a thrown WalletApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok || result.data === undefined) {
    throw new WalletApiError(result.response.status, result.error);
  }
  return result.data;
}

// --- PKCE sign-in for apps ------------------------------------------------------------

export interface ServerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  code_challenge_methods_supported?: string[];
}

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) { text += String.fromCharCode(byte); }
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(globalThis.crypto.getRandomValues(new Uint8Array(32)));
  return { verifier, challenge: await pkceChallenge(verifier) };
}

/** RFC 8414 discovery at `${baseUrl}/.well-known/oauth-authorization-server`. */
export async function discover(baseUrl: string, fetcher: typeof fetch = globalThis.fetch): Promise<ServerMetadata> {
  const response = await fetcher(`${baseUrl.replace(/\/$/, "")}/.well-known/oauth-authorization-server`);
  if (!response.ok) { throw new WalletApiError(response.status, await response.json().catch(() => ({}))); }
  return (await response.json()) as ServerMetadata;
}

export interface SignIn { url: string; verifier: string; state: string }

/** The consent page URL to open (system browser / ASWebAuthenticationSession), S256 only. */
export async function beginSignIn(metadata: ServerMetadata, clientId: string, redirectUri: string,
                                  scope = "wallet:read purchases:write"): Promise<SignIn> {
  const { verifier, challenge } = await pkcePair();
  const state = base64url(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const query = new URLSearchParams({
    response_type: "code", client_id: clientId, redirect_uri: redirectUri, scope, state,
    code_challenge: challenge, code_challenge_method: "S256",
  });
  return { url: `${metadata.authorization_endpoint}?${query}`, verifier, state };
}

export interface Tokens { access_token: string; token_type: string; expires_in: number; refresh_token?: string; scope?: string }

/** Check `state` and `iss` (RFC 9207) of the redirect, then exchange the code. */
export async function completeSignIn(metadata: ServerMetadata, signIn: SignIn, clientId: string,
                                     redirectUri: string, callbackUrl: string,
                                     fetcher: typeof fetch = globalThis.fetch): Promise<Tokens> {
  const params = new URL(callbackUrl).searchParams;
  if (params.get("state") !== signIn.state) { throw new Error("OAuth state mismatch"); }
  if (params.get("iss") !== metadata.issuer) { throw new Error("OAuth issuer mismatch (RFC 9207)"); }
  const error = params.get("error");
  if (error) { throw new Error(`OAuth: ${error}`); }
  const response = await fetcher(metadata.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", code: params.get("code") ?? "", client_id: clientId,
      redirect_uri: redirectUri, code_verifier: signIn.verifier,
    }),
  });
  const body = await response.json();
  if (!response.ok) { throw new Error(`OAuth: ${body.error}: ${body.error_description ?? ""}`); }
  return body as Tokens;
}
