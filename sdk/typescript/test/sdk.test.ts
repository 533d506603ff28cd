// The generated client against a live server (tests/test_sdk_typescript.py starts it and
// passes WALLET_URL and WALLET_ADMIN_KEY): a person, a token, a purchase, a refund, a
// voucher redeemed at a counter and the merchant's balance; PKCE and discovery.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  WalletApiError, beginSignIn, createWalletClient, discover, pkceChallenge, unwrap,
} from "../src/index.ts";

const baseUrl = process.env.WALLET_URL ?? "";
const adminKey = process.env.WALLET_ADMIN_KEY ?? "";

test("buy, refund, redeem a voucher and read the merchant balance", { skip: !baseUrl }, async () => {
  const operator = createWalletClient({ baseUrl, credential: adminKey });
  const merchant = unwrap(await operator.POST("/v1/merchants", { body: { name: "Tides Press" } }));
  const shop = createWalletClient({ baseUrl, credential: merchant.secret_key });
  const app = unwrap(await shop.POST("/v1/apps", {
    body: { name: "Reader", redirect_uris: ["https://reader.example/cb"] } }));
  const counter = unwrap(await shop.POST("/v1/counters", { body: { name: "Front desk" } }));
  const email = `ts-${globalThis.crypto.randomUUID().slice(0, 8)}@example.org`;
  const person = unwrap(await operator.POST("/v1/users", { body: { email } }));
  unwrap(await operator.POST("/v1/grants", {
    params: { header: { "Idempotency-Key": globalThis.crypto.randomUUID() } },
    body: { user_id: person.id, credits: 500, reason: "welcome" } }));
  const token = unwrap(await operator.POST("/v1/users/{user_id}/tokens", {
    params: { path: { user_id: person.id } }, body: { app_id: app.id } }));

  const buyer = createWalletClient({ baseUrl, credential: token.access_token });
  const key = globalThis.crypto.randomUUID();
  const purchase = unwrap(await buyer.POST("/v1/purchases", {
    params: { header: { "Idempotency-Key": key } },
    body: { amount: 120, description: "Article: Tides" } }));
  assert.equal(purchase.balance_after, 380);
  const again = await buyer.POST("/v1/purchases", {
    params: { header: { "Idempotency-Key": key } },
    body: { amount: 120, description: "Article: Tides" } });
  assert.equal(unwrap(again).id, purchase.id);  // the same key: the first answer, once
  assert.equal(again.response.headers.get("Idempotent-Replayed"), "true");

  const refund = unwrap(await shop.POST("/v1/purchases/{purchase_id}/refunds", {
    params: { path: { purchase_id: purchase.id },
              header: { "Idempotency-Key": globalThis.crypto.randomUUID() } },
    body: { amount: 20 } }));
  assert.equal(refund.purchase_refunded, 20);

  await assert.rejects(async () => unwrap(await buyer.POST("/v1/purchases", {
    params: { header: { "Idempotency-Key": globalThis.crypto.randomUUID() } },
    body: { amount: 1_000_000, description: "Too much" } })),
  (error: unknown) => error instanceof WalletApiError && error.status === 402
    && error.code === "insufficient_credits");

  const voucher = unwrap(await operator.POST("/v1/vouchers", {
    params: { header: { "Idempotency-Key": globalThis.crypto.randomUUID() } },
    body: { value: 50 } }));
  const till = createWalletClient({ baseUrl, credential: counter.key });
  const redeemed = unwrap(await till.POST("/v1/vouchers/redeem", {
    params: { header: { "Idempotency-Key": globalThis.crypto.randomUUID() } },
    body: { code: voucher.code, amount: 30 } }));
  assert.equal(redeemed.amount, 30);

  const balance = unwrap(await shop.GET("/v1/balance"));
  assert.equal(balance.merchant_id, merchant.id);
  assert.equal(balance.earnings.pending, 120 - 20 + 30);
});

test("PKCE S256 (RFC 7636 appendix B) and discovery", { skip: !baseUrl }, async () => {
  assert.equal(await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  const metadata = await discover(baseUrl);
  assert.deepEqual(metadata.code_challenge_methods_supported, ["S256"]);
  const signIn = await beginSignIn(metadata, "app_1", "com.example.reader:/cb");
  const url = new URL(signIn.url);
  assert.equal(url.origin + url.pathname, metadata.authorization_endpoint);
  assert.equal(url.searchParams.get("code_challenge"), await pkceChallenge(signIn.verifier));
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
});
