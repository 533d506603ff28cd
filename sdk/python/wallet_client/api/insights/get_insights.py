from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.insights_out import InsightsOut
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    app_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.date):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.date):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

    json_app_id: None | str | Unset
    if isinstance(app_id, Unset):
        json_app_id = UNSET
    else:
        json_app_id = app_id
    params["app_id"] = json_app_id

    json_merchant_id: None | str | Unset
    if isinstance(merchant_id, Unset):
        json_merchant_id = UNSET
    else:
        json_merchant_id = merchant_id
    params["merchant_id"] = json_merchant_id


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/insights",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | InsightsOut:
    if response.status_code == 200:
        response_200 = InsightsOut.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | InsightsOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    app_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,

) -> Response[Error | InsightsOut]:
    """ Totals, by day, item, hour x weekday, sizes, repeat buyers, cohorts, vouchers.

    Args:
        from_ (datetime.date | None | Unset):
        to (datetime.date | None | Unset):
        app_id (None | str | Unset):
        merchant_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | InsightsOut]
     """


    kwargs = _get_kwargs(
        from_=from_,
to=to,
app_id=app_id,
merchant_id=merchant_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    app_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,

) -> Error | InsightsOut | None:
    """ Totals, by day, item, hour x weekday, sizes, repeat buyers, cohorts, vouchers.

    Args:
        from_ (datetime.date | None | Unset):
        to (datetime.date | None | Unset):
        app_id (None | str | Unset):
        merchant_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | InsightsOut
     """


    return sync_detailed(
        client=client,
from_=from_,
to=to,
app_id=app_id,
merchant_id=merchant_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    app_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,

) -> Response[Error | InsightsOut]:
    """ Totals, by day, item, hour x weekday, sizes, repeat buyers, cohorts, vouchers.

    Args:
        from_ (datetime.date | None | Unset):
        to (datetime.date | None | Unset):
        app_id (None | str | Unset):
        merchant_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | InsightsOut]
     """


    kwargs = _get_kwargs(
        from_=from_,
to=to,
app_id=app_id,
merchant_id=merchant_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | None | Unset = UNSET,
    to: datetime.date | None | Unset = UNSET,
    app_id: None | str | Unset = UNSET,
    merchant_id: None | str | Unset = UNSET,

) -> Error | InsightsOut | None:
    """ Totals, by day, item, hour x weekday, sizes, repeat buyers, cohorts, vouchers.

    Args:
        from_ (datetime.date | None | Unset):
        to (datetime.date | None | Unset):
        app_id (None | str | Unset):
        merchant_id (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | InsightsOut
     """


    return (await asyncio_detailed(
        client=client,
from_=from_,
to=to,
app_id=app_id,
merchant_id=merchant_id,

    )).parsed
