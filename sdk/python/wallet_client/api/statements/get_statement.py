from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    month: str,
    *,
    merchant_id: None | str | Unset = UNSET,
    user_id: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_merchant_id: None | str | Unset
    if isinstance(merchant_id, Unset):
        json_merchant_id = UNSET
    else:
        json_merchant_id = merchant_id
    params["merchant_id"] = json_merchant_id

    json_user_id: None | str | Unset
    if isinstance(user_id, Unset):
        json_user_id = UNSET
    else:
        json_user_id = user_id
    params["user_id"] = json_user_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/statements/{month}.csv".format(month=quote(str(month), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | str:
    if response.status_code == 200:
        response_200 = response.text
        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())



        return response_404

    if response.status_code == 422:
        response_422 = Error.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    response_default = Error.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    month: str,
    *,
    client: AuthenticatedClient,
    merchant_id: None | str | Unset = UNSET,
    user_id: None | str | Unset = UNSET,

) -> Response[Error | str]:
    """ The month's postings on the caller's accounts, oldest first (CSV, streamed).

    Args:
        month (str):
        merchant_id (None | str | Unset):
        user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
     """


    kwargs = _get_kwargs(
        month=month,
merchant_id=merchant_id,
user_id=user_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    month: str,
    *,
    client: AuthenticatedClient,
    merchant_id: None | str | Unset = UNSET,
    user_id: None | str | Unset = UNSET,

) -> Error | str | None:
    """ The month's postings on the caller's accounts, oldest first (CSV, streamed).

    Args:
        month (str):
        merchant_id (None | str | Unset):
        user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
     """


    return sync_detailed(
        month=month,
client=client,
merchant_id=merchant_id,
user_id=user_id,

    ).parsed

async def asyncio_detailed(
    month: str,
    *,
    client: AuthenticatedClient,
    merchant_id: None | str | Unset = UNSET,
    user_id: None | str | Unset = UNSET,

) -> Response[Error | str]:
    """ The month's postings on the caller's accounts, oldest first (CSV, streamed).

    Args:
        month (str):
        merchant_id (None | str | Unset):
        user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | str]
     """


    kwargs = _get_kwargs(
        month=month,
merchant_id=merchant_id,
user_id=user_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    month: str,
    *,
    client: AuthenticatedClient,
    merchant_id: None | str | Unset = UNSET,
    user_id: None | str | Unset = UNSET,

) -> Error | str | None:
    """ The month's postings on the caller's accounts, oldest first (CSV, streamed).

    Args:
        month (str):
        merchant_id (None | str | Unset):
        user_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | str
     """


    return (await asyncio_detailed(
        month=month,
client=client,
merchant_id=merchant_id,
user_id=user_id,

    )).parsed
