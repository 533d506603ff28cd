from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.redemption_out import RedemptionOut
from typing import cast



def _get_kwargs(
    redemption_id: str,
    *,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/vouchers/redemptions/{redemption_id}/void".format(redemption_id=quote(str(redemption_id), safe=""),),
    }


    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | RedemptionOut:
    if response.status_code == 200:
        response_200 = RedemptionOut.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

    if response.status_code == 402:
        response_402 = Error.from_dict(response.json())



        return response_402

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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | RedemptionOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    redemption_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Response[Error | RedemptionOut]:
    """ Void this counter's redemption within the void window: the value goes back onto
    the voucher (once; voiding again answers the voided redemption).

    Args:
        redemption_id (str):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RedemptionOut]
     """


    kwargs = _get_kwargs(
        redemption_id=redemption_id,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    redemption_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Error | RedemptionOut | None:
    """ Void this counter's redemption within the void window: the value goes back onto
    the voucher (once; voiding again answers the voided redemption).

    Args:
        redemption_id (str):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RedemptionOut
     """


    return sync_detailed(
        redemption_id=redemption_id,
client=client,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    redemption_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Response[Error | RedemptionOut]:
    """ Void this counter's redemption within the void window: the value goes back onto
    the voucher (once; voiding again answers the voided redemption).

    Args:
        redemption_id (str):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RedemptionOut]
     """


    kwargs = _get_kwargs(
        redemption_id=redemption_id,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    redemption_id: str,
    *,
    client: AuthenticatedClient,
    idempotency_key: str,

) -> Error | RedemptionOut | None:
    """ Void this counter's redemption within the void window: the value goes back onto
    the voucher (once; voiding again answers the voided redemption).

    Args:
        redemption_id (str):
        idempotency_key (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RedemptionOut
     """


    return (await asyncio_detailed(
        redemption_id=redemption_id,
client=client,
idempotency_key=idempotency_key,

    )).parsed
