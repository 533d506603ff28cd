from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.prices_out import PricesOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    currency: str | Unset = 'USD',

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["currency"] = currency


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/prices",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PricesOut:
    if response.status_code == 200:
        response_200 = PricesOut.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    response_default = Error.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PricesOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    currency: str | Unset = 'USD',

) -> Response[Error | PricesOut]:
    """ Credit packs in one currency, with display prices.

    Args:
        currency (str | Unset):  Default: 'USD'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PricesOut]
     """


    kwargs = _get_kwargs(
        currency=currency,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    currency: str | Unset = 'USD',

) -> Error | PricesOut | None:
    """ Credit packs in one currency, with display prices.

    Args:
        currency (str | Unset):  Default: 'USD'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PricesOut
     """


    return sync_detailed(
        client=client,
currency=currency,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    currency: str | Unset = 'USD',

) -> Response[Error | PricesOut]:
    """ Credit packs in one currency, with display prices.

    Args:
        currency (str | Unset):  Default: 'USD'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PricesOut]
     """


    kwargs = _get_kwargs(
        currency=currency,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    currency: str | Unset = 'USD',

) -> Error | PricesOut | None:
    """ Credit packs in one currency, with display prices.

    Args:
        currency (str | Unset):  Default: 'USD'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PricesOut
     """


    return (await asyncio_detailed(
        client=client,
currency=currency,

    )).parsed
