from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.post_webhook_body import PostWebhookBody
from ...models.webhook_out import WebhookOut
from typing import cast



def _get_kwargs(
    provider_name: str,
    *,
    body: PostWebhookBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhooks/{provider_name}".format(provider_name=quote(str(provider_name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | WebhookOut:
    if response.status_code == 200:
        response_200 = WebhookOut.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())



        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    response_default = Error.from_dict(response.json())



    return response_default



def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | WebhookOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PostWebhookBody,

) -> Response[Error | WebhookOut]:
    """ Payment provider events (signed; stale, forged or unsigned ones get 400).

    Args:
        provider_name (str):
        body (PostWebhookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WebhookOut]
     """


    kwargs = _get_kwargs(
        provider_name=provider_name,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    provider_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PostWebhookBody,

) -> Error | WebhookOut | None:
    """ Payment provider events (signed; stale, forged or unsigned ones get 400).

    Args:
        provider_name (str):
        body (PostWebhookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WebhookOut
     """


    return sync_detailed(
        provider_name=provider_name,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    provider_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PostWebhookBody,

) -> Response[Error | WebhookOut]:
    """ Payment provider events (signed; stale, forged or unsigned ones get 400).

    Args:
        provider_name (str):
        body (PostWebhookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | WebhookOut]
     """


    kwargs = _get_kwargs(
        provider_name=provider_name,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    provider_name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PostWebhookBody,

) -> Error | WebhookOut | None:
    """ Payment provider events (signed; stale, forged or unsigned ones get 400).

    Args:
        provider_name (str):
        body (PostWebhookBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | WebhookOut
     """


    return (await asyncio_detailed(
        provider_name=provider_name,
client=client,
body=body,

    )).parsed
