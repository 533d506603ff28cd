"""The OpenAPI document declares the credentials; the docs page works offline."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_openapi_declares_security(client: FlaskClient) -> None:
    spec = client.get("/v1/openapi.json").get_json()
    schemes = spec["components"]["securitySchemes"]
    for name in ("adminKey", "merchantKey", "counterKey", "userToken"):
        assert schemes[name] == {**schemes[name], "type": "http", "scheme": "bearer"}
    assert schemes["appOAuth"]["flows"]["authorizationCode"]["tokenUrl"] == "/oauth/token"
    assert spec["paths"]["/v1/users"]["post"]["security"] == [{"adminKey": []}]
    assert spec["paths"]["/v1/apps"]["post"]["security"] == [{"merchantKey": []}]
    assert {"userToken": []} in spec["paths"]["/v1/me"]["get"]["security"]


def test_docs_page_is_self_contained(client: FlaskClient) -> None:
    page = client.get("/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/v1/openapi.json" in html
    assert "http://" not in html and "https://" not in html  # no CDN


def test_hostile_token_requests(client: FlaskClient) -> None:
    bodies = [
        {"grant_type": "authorization_code", "code": "\x00", "client_id": "app_\x00"},
        {"grant_type": "refresh_token", "refresh_token": "x" * 5000, "client_id": "a" * 5000},
        {"grant_type": ["a", "b"]},
    ]
    for body in bodies:
        response = client.post("/oauth/token", data=body)
        assert 400 <= response.status_code < 500
        assert "error" in response.get_json()
    huge = client.post("/oauth/token", data={"code": "x" * 2_000_000})
    assert huge.status_code == 413
    as_json = client.post("/oauth/token", data="{bad", content_type="application/json")
    assert 400 <= as_json.status_code < 500
    revoke = client.post("/oauth/revoke", data={"token": "\x00" * 10, "client_id": "app_x"})
    assert 400 <= revoke.status_code < 500


def test_nul_and_odd_ids_in_paths_are_404(client: FlaskClient, session: object) -> None:
    from tests.support.authz import make_principals

    p = make_principals(session)  # type: ignore[arg-type]
    session.commit()  # type: ignore[attr-defined]
    admin, merchant = p.headers("admin"), p.headers("merchant")
    for path, headers in (("/v1/users/%00", admin), ("/v1/merchants/a%00b", admin),
                          ("/v1/merchants/a%00b/keys", admin), ("/v1/apps/%00", merchant),
                          (f"/v1/merchants/{p.merchant_id}/keys/%00", admin),
                          ("/v1/connections/%00", p.headers("user_token")),
                          ("/v1/users/%C3%A9", admin)):
        method = "DELETE" if "/keys/" in path else "GET"
        response = client.open(path, method=method, headers=headers)
        assert response.status_code == 404, (path, response.status_code)
    assert client.get("/v1/apps?starting_after=%00", headers=merchant).status_code == 400
    token = client.post("/v1/users/%00/tokens", json={"app_id": p.app_id}, headers=admin)
    assert token.status_code == 404
    signin = client.post("/v1/session", json={"email": "a\u0085@example.com", "password": "x"})
    assert signin.status_code in (400, 401)
    form = client.post("/signin", data={"email": "a\x00@example.com", "password": "x" * 8,
                                        "csrf_token": client.get("/v1/session").get_json()[
                                            "csrf_token"]})
    assert form.status_code == 401


def test_control_characters_in_oauth_parameters(client: FlaskClient) -> None:
    for body in ({"grant_type": "refresh_token", "refresh_token": "a", "client_id": "x",
                  "scope": "\x00"},
                 {"grant_type": "authorization_code", "code": "c", "client_id": "x",
                  "redirect_uri": "\x01"}):
        response = client.post("/oauth/token", data=body)
        assert 400 <= response.status_code < 500
