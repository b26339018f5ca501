"""``GET /asyncapi`` (a readable page) and ``GET /asyncapi.json``: the event contract, public."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from outsend_gateway.asyncapi_page import PublishedContract

router = APIRouter(tags=["platform"])


def published(request: Request) -> PublishedContract:
    contract: PublishedContract = request.app.state.asyncapi
    return contract


ContractDep = Annotated[PublishedContract, Depends(published)]


@router.get("/asyncapi.json", response_class=Response)
async def asyncapi_json(contract: ContractDep) -> Response:
    """The AsyncAPI 3 document of every event an integration may consume."""
    return Response(contract.json, media_type="application/json")


@router.get("/asyncapi", response_class=HTMLResponse)
async def asyncapi_page(contract: ContractDep) -> HTMLResponse:
    """The same document as a page: subjects, fields, versions, examples."""
    return HTMLResponse(contract.html)
