from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.merchant_key_out import MerchantKeyOut
from typing import cast



def _get_kwargs(
    merchant_id: str,
    key_id: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/merchants/{merchant_id}/keys/{key_id}".format(merchant_id=quote(str(merchant_id), safe=""),key_id=quote(str(key_id), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | MerchantKeyOut:
    if response.status_code == 200:
        response_200 = MerchantKeyOut.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())



        return response_409

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | MerchantKeyOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    merchant_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Error | MerchantKeyOut]:
    """ Revoke a merchant secret key; it stops working at once.

    Args:
        merchant_id (str):
        key_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MerchantKeyOut]
     """


    kwargs = _get_kwargs(
        merchant_id=merchant_id,
key_id=key_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    merchant_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient,

) -> Error | MerchantKeyOut | None:
    """ Revoke a merchant secret key; it stops working at once.

    Args:
        merchant_id (str):
        key_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MerchantKeyOut
     """


    return sync_detailed(
        merchant_id=merchant_id,
key_id=key_id,
client=client,

    ).parsed

async def asyncio_detailed(
    merchant_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient,

) -> Response[Error | MerchantKeyOut]:
    """ Revoke a merchant secret key; it stops working at once.

    Args:
        merchant_id (str):
        key_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MerchantKeyOut]
     """


    kwargs = _get_kwargs(
        merchant_id=merchant_id,
key_id=key_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    merchant_id: str,
    key_id: str,
    *,
    client: AuthenticatedClient,

) -> Error | MerchantKeyOut | None:
    """ Revoke a merchant secret key; it stops working at once.

    Args:
        merchant_id (str):
        key_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MerchantKeyOut
     """


    return (await asyncio_detailed(
        merchant_id=merchant_id,
key_id=key_id,
client=client,

    )).parsed
