from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.action_list import ActionList
from ...models.error import Error
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    action: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["target_type"] = target_type

    params["target_id"] = target_id

    params["action"] = action

    params["limit"] = limit

    params["starting_after"] = starting_after


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/operator_actions",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ActionList | Error:
    if response.status_code == 200:
        response_200 = ActionList.from_dict(response.json())



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



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ActionList | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    action: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,

) -> Response[ActionList | Error]:
    """ The audit of operator actions, newest first (append-only).

    Args:
        target_type (str | Unset):
        target_id (str | Unset):
        action (str | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActionList | Error]
     """


    kwargs = _get_kwargs(
        target_type=target_type,
target_id=target_id,
action=action,
limit=limit,
starting_after=starting_after,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    action: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,

) -> ActionList | Error | None:
    """ The audit of operator actions, newest first (append-only).

    Args:
        target_type (str | Unset):
        target_id (str | Unset):
        action (str | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActionList | Error
     """


    return sync_detailed(
        client=client,
target_type=target_type,
target_id=target_id,
action=action,
limit=limit,
starting_after=starting_after,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    action: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,

) -> Response[ActionList | Error]:
    """ The audit of operator actions, newest first (append-only).

    Args:
        target_type (str | Unset):
        target_id (str | Unset):
        action (str | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActionList | Error]
     """


    kwargs = _get_kwargs(
        target_type=target_type,
target_id=target_id,
action=action,
limit=limit,
starting_after=starting_after,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    target_type: str | Unset = UNSET,
    target_id: str | Unset = UNSET,
    action: str | Unset = UNSET,
    limit: int | Unset = 20,
    starting_after: str | Unset = UNSET,

) -> ActionList | Error | None:
    """ The audit of operator actions, newest first (append-only).

    Args:
        target_type (str | Unset):
        target_id (str | Unset):
        action (str | Unset):
        limit (int | Unset):  Default: 20.
        starting_after (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActionList | Error
     """


    return (await asyncio_detailed(
        client=client,
target_type=target_type,
target_id=target_id,
action=action,
limit=limit,
starting_after=starting_after,

    )).parsed
