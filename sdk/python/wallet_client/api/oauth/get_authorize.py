from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.get_authorize_code_challenge_method import GetAuthorizeCodeChallengeMethod
from ...models.get_authorize_response_type import GetAuthorizeResponseType
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    response_type: GetAuthorizeResponseType,
    client_id: str,
    redirect_uri: str,
    scope: str | Unset = UNSET,
    state: str | Unset = UNSET,
    code_challenge: str,
    code_challenge_method: GetAuthorizeCodeChallengeMethod,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_response_type = response_type.value
    params["response_type"] = json_response_type

    params["client_id"] = client_id

    params["redirect_uri"] = redirect_uri

    params["scope"] = scope

    params["state"] = state

    params["code_challenge"] = code_challenge

    json_code_challenge_method = code_challenge_method.value
    params["code_challenge_method"] = json_code_challenge_method


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/oauth/authorize",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Error | str:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 302:
        response_302 = cast(Any, None)
        return response_302

    if response.status_code == 303:
        response_303 = cast(Any, None)
        return response_303

    if response.status_code == 400:
        response_400 = response.text
        return response_400

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    response_default = Error.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Error | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    response_type: GetAuthorizeResponseType,
    client_id: str,
    redirect_uri: str,
    scope: str | Unset = UNSET,
    state: str | Unset = UNSET,
    code_challenge: str,
    code_challenge_method: GetAuthorizeCodeChallengeMethod,

) -> Response[Any | Error | str]:
    """ The consent page (authorization code with PKCE S256).

    Args:
        response_type (GetAuthorizeResponseType):
        client_id (str):
        redirect_uri (str):
        scope (str | Unset):
        state (str | Unset):
        code_challenge (str):
        code_challenge_method (GetAuthorizeCodeChallengeMethod):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | str]
     """


    kwargs = _get_kwargs(
        response_type=response_type,
client_id=client_id,
redirect_uri=redirect_uri,
scope=scope,
state=state,
code_challenge=code_challenge,
code_challenge_method=code_challenge_method,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    response_type: GetAuthorizeResponseType,
    client_id: str,
    redirect_uri: str,
    scope: str | Unset = UNSET,
    state: str | Unset = UNSET,
    code_challenge: str,
    code_challenge_method: GetAuthorizeCodeChallengeMethod,

) -> Any | Error | str | None:
    """ The consent page (authorization code with PKCE S256).

    Args:
        response_type (GetAuthorizeResponseType):
        client_id (str):
        redirect_uri (str):
        scope (str | Unset):
        state (str | Unset):
        code_challenge (str):
        code_challenge_method (GetAuthorizeCodeChallengeMethod):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | str
     """


    return sync_detailed(
        client=client,
response_type=response_type,
client_id=client_id,
redirect_uri=redirect_uri,
scope=scope,
state=state,
code_challenge=code_challenge,
code_challenge_method=code_challenge_method,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    response_type: GetAuthorizeResponseType,
    client_id: str,
    redirect_uri: str,
    scope: str | Unset = UNSET,
    state: str | Unset = UNSET,
    code_challenge: str,
    code_challenge_method: GetAuthorizeCodeChallengeMethod,

) -> Response[Any | Error | str]:
    """ The consent page (authorization code with PKCE S256).

    Args:
        response_type (GetAuthorizeResponseType):
        client_id (str):
        redirect_uri (str):
        scope (str | Unset):
        state (str | Unset):
        code_challenge (str):
        code_challenge_method (GetAuthorizeCodeChallengeMethod):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | str]
     """


    kwargs = _get_kwargs(
        response_type=response_type,
client_id=client_id,
redirect_uri=redirect_uri,
scope=scope,
state=state,
code_challenge=code_challenge,
code_challenge_method=code_challenge_method,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    response_type: GetAuthorizeResponseType,
    client_id: str,
    redirect_uri: str,
    scope: str | Unset = UNSET,
    state: str | Unset = UNSET,
    code_challenge: str,
    code_challenge_method: GetAuthorizeCodeChallengeMethod,

) -> Any | Error | str | None:
    """ The consent page (authorization code with PKCE S256).

    Args:
        response_type (GetAuthorizeResponseType):
        client_id (str):
        redirect_uri (str):
        scope (str | Unset):
        state (str | Unset):
        code_challenge (str):
        code_challenge_method (GetAuthorizeCodeChallengeMethod):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | str
     """


    return (await asyncio_detailed(
        client=client,
response_type=response_type,
client_id=client_id,
redirect_uri=redirect_uri,
scope=scope,
state=state,
code_challenge=code_challenge,
code_challenge_method=code_challenge_method,

    )).parsed
