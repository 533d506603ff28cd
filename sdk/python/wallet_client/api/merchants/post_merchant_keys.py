from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.merchant_key_created import MerchantKeyCreated
from ...models.merchant_key_in import MerchantKeyIn
from typing import cast



def _get_kwargs(
    merchant_id: str,
    *,
    body: MerchantKeyIn,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/merchants/{merchant_id}/keys".format(merchant_id=quote(str(merchant_id), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | MerchantKeyCreated:
    if response.status_code == 201:
        response_201 = MerchantKeyCreated.from_dict(response.json())



        return response_201

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | MerchantKeyCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: MerchantKeyIn,

) -> Response[Error | MerchantKeyCreated]:
    """ Another secret key for the merchant (e.g. to rotate); shown once.

    Args:
        merchant_id (str):
        body (MerchantKeyIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MerchantKeyCreated]
     """


    kwargs = _get_kwargs(
        merchant_id=merchant_id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: MerchantKeyIn,

) -> Error | MerchantKeyCreated | None:
    """ Another secret key for the merchant (e.g. to rotate); shown once.

    Args:
        merchant_id (str):
        body (MerchantKeyIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MerchantKeyCreated
     """


    return sync_detailed(
        merchant_id=merchant_id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: MerchantKeyIn,

) -> Response[Error | MerchantKeyCreated]:
    """ Another secret key for the merchant (e.g. to rotate); shown once.

    Args:
        merchant_id (str):
        body (MerchantKeyIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MerchantKeyCreated]
     """


    kwargs = _get_kwargs(
        merchant_id=merchant_id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    merchant_id: str,
    *,
    client: AuthenticatedClient,
    body: MerchantKeyIn,

) -> Error | MerchantKeyCreated | None:
    """ Another secret key for the merchant (e.g. to rotate); shown once.

    Args:
        merchant_id (str):
        body (MerchantKeyIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MerchantKeyCreated
     """


    return (await asyncio_detailed(
        merchant_id=merchant_id,
client=client,
body=body,

    )).parsed
