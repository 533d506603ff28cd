from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.post_token_body import PostTokenBody
from ...models.post_token_response_200 import PostTokenResponse200
from ...models.post_token_response_400 import PostTokenResponse400
from ...models.post_token_response_401 import PostTokenResponse401
from typing import cast



def _get_kwargs(
    *,
    body: PostTokenBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/oauth/token",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401:
    if response.status_code == 200:
        response_200 = PostTokenResponse200.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = PostTokenResponse400.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = PostTokenResponse401.from_dict(response.json())



        return response_401

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    response_default = Error.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostTokenBody,

) -> Response[Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401]:
    """ Authorization code (with the PKCE verifier) or refresh token -> tokens.

    Args:
        body (PostTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: PostTokenBody,

) -> Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401 | None:
    """ Authorization code (with the PKCE verifier) or refresh token -> tokens.

    Args:
        body (PostTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostTokenBody,

) -> Response[Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401]:
    """ Authorization code (with the PKCE verifier) or refresh token -> tokens.

    Args:
        body (PostTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PostTokenBody,

) -> Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401 | None:
    """ Authorization code (with the PKCE verifier) or refresh token -> tokens.

    Args:
        body (PostTokenBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PostTokenResponse200 | PostTokenResponse400 | PostTokenResponse401
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
