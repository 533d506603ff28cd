from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.get_reviews_status import GetReviewsStatus
from ...models.review_list import ReviewList
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
    status: GetReviewsStatus | Unset = GetReviewsStatus.OPEN,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["starting_after"] = starting_after

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/risk/reviews",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ReviewList:
    if response.status_code == 200:
        response_200 = ReviewList.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | ReviewList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
    status: GetReviewsStatus | Unset = GetReviewsStatus.OPEN,

) -> Response[Error | ReviewList]:
    """ Payout reviews (open ones by default), oldest first.

    Args:
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):
        status (GetReviewsStatus | Unset):  Default: GetReviewsStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReviewList]
     """


    kwargs = _get_kwargs(
        limit=limit,
starting_after=starting_after,
status=status,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
    status: GetReviewsStatus | Unset = GetReviewsStatus.OPEN,

) -> Error | ReviewList | None:
    """ Payout reviews (open ones by default), oldest first.

    Args:
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):
        status (GetReviewsStatus | Unset):  Default: GetReviewsStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReviewList
     """


    return sync_detailed(
        client=client,
limit=limit,
starting_after=starting_after,
status=status,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
    status: GetReviewsStatus | Unset = GetReviewsStatus.OPEN,

) -> Response[Error | ReviewList]:
    """ Payout reviews (open ones by default), oldest first.

    Args:
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):
        status (GetReviewsStatus | Unset):  Default: GetReviewsStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ReviewList]
     """


    kwargs = _get_kwargs(
        limit=limit,
starting_after=starting_after,
status=status,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,
    status: GetReviewsStatus | Unset = GetReviewsStatus.OPEN,

) -> Error | ReviewList | None:
    """ Payout reviews (open ones by default), oldest first.

    Args:
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):
        status (GetReviewsStatus | Unset):  Default: GetReviewsStatus.OPEN.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ReviewList
     """


    return (await asyncio_detailed(
        client=client,
limit=limit,
starting_after=starting_after,
status=status,

    )).parsed
