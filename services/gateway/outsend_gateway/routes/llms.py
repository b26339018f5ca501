"""``GET /llms.txt``: where an assistant (or a developer) finds the platform's machine-readable docs."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

router = APIRouter(include_in_schema=False)

LLMS_TXT = """# outsend

> Lead generation for French B2B prospecting: scrape Google Maps, find and verify e-mails, read legal
> ids and company data, profile websites, chain modules into pipelines and watch a market run after
> run (veille), over a REST + SSE API.

## API

- [OpenAPI document](/openapi.json): every REST and SSE endpoint, under /api
- [API reference](/docs): the same, as interactive pages
- [Module registry](/api/modules-registry): every module, its options, lanes and availability
- [Event contract](/asyncapi): the events published on NATS JetStream (AsyncAPI 3, JSON at /asyncapi.json)
- [Health](/api/health): whether every service is ready
"""


@router.get("/llms.txt")
@router.get("/docs/llms.txt")
async def llms_txt() -> PlainTextResponse:
    return PlainTextResponse(LLMS_TXT)
