from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.get_merchant_search_kyc_status import GetMerchantSearchKycStatus
from ...models.merchant_list import MerchantList
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    q: str | Unset = UNSET,
    limit: int | Unset = 20,
    kyc_status: GetMerchantSearchKycStatus | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["q"] = q

    params["limit"] = limit

    json_kyc_status: str | Unset = UNSET
    if not isinstance(kyc_status, Unset):
        json_kyc_status = kyc_status.value

    params["kyc_status"] = json_kyc_status


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/merchants/search",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | MerchantList:
    if response.status_code == 200:
        response_200 = MerchantList.from_dict(response.json())



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

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    response_default = Error.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | MerchantList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    q: str | Unset = UNSET,
    limit: int | Unset = 20,
    kyc_status: GetMerchantSearchKycStatus | Unset = UNSET,

) -> Response[Error | MerchantList]:
    """ Search merchants by id or part of their name; ``kyc_status=pending`` is the KYC
    review queue.

    Args:
        q (str | Unset):
        limit (int | Unset):  Default: 20.
        kyc_status (GetMerchantSearchKycStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MerchantList]
     """


    kwargs = _get_kwargs(
        q=q,
limit=limit,
kyc_status=kyc_status,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    q: str | Unset = UNSET,
    limit: int | Unset = 20,
    kyc_status: GetMerchantSearchKycStatus | Unset = UNSET,

) -> Error | MerchantList | None:
    """ Search merchants by id or part of their name; ``kyc_status=pending`` is the KYC
    review queue.

    Args:
        q (str | Unset):
        limit (int | Unset):  Default: 20.
        kyc_status (GetMerchantSearchKycStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MerchantList
     """


    return sync_detailed(
        client=client,
q=q,
limit=limit,
kyc_status=kyc_status,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    q: str | Unset = UNSET,
    limit: int | Unset = 20,
    kyc_status: GetMerchantSearchKycStatus | Unset = UNSET,

) -> Response[Error | MerchantList]:
    """ Search merchants by id or part of their name; ``kyc_status=pending`` is the KYC
    review queue.

    Args:
        q (str | Unset):
        limit (int | Unset):  Default: 20.
        kyc_status (GetMerchantSearchKycStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MerchantList]
     """


    kwargs = _get_kwargs(
        q=q,
limit=limit,
kyc_status=kyc_status,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    q: str | Unset = UNSET,
    limit: int | Unset = 20,
    kyc_status: GetMerchantSearchKycStatus | Unset = UNSET,

) -> Error | MerchantList | None:
    """ Search merchants by id or part of their name; ``kyc_status=pending`` is the KYC
    review queue.

    Args:
        q (str | Unset):
        limit (int | Unset):  Default: 20.
        kyc_status (GetMerchantSearchKycStatus | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MerchantList
     """


    return (await asyncio_detailed(
        client=client,
q=q,
limit=limit,
kyc_status=kyc_status,

    )).parsed
