"""The web frontend at `/`: the files Vite built, and its `index.html` for any other path, since
the frontend routes in the browser (`/agreements/…` is a page of the app, not a file).

Mounted after every route, so everything the gateway answers itself (`/api/…`, `/health/…`, `/docs`) comes
first; an unknown `/api/…` path still gets a problem, never the app's page.
"""

from __future__ import annotations

from pathlib import Path

import anyio
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from sirbi_shared.http.problems import ProblemError

# Paths that belong to the gateway's own API or probes: a miss there is a miss, not a page.
_NOT_PAGES = ("api/", "health/", "metrics", "docs", "openapi.json")
# Vite names built assets by their content, so a browser may keep them for good.
_FOREVER = "public, max-age=31536000, immutable"


class WebApp(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, check_dir=False)
        self.index = directory / "index.html"

    async def check_config(self) -> None:
        # Starlette fails loudly on a missing folder; a gateway without a built frontend still
        # serves its API and answers pages with `web_not_built`.
        if await anyio.Path(str(self.directory)).is_dir():
            await super().check_config()

    async def get_response(self, path: str, scope: Scope) -> Response:
        if path.startswith(_NOT_PAGES):
            raise ProblemError(404, "not_found", "Nothing is published at this address.")
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
        else:
            if path.startswith("assets/"):
                response.headers["Cache-Control"] = _FOREVER
            return response
        if not self.index.is_file():
            raise ProblemError(
                404, "web_not_built", "The web frontend is not built on this machine: run `make web`."
            )
        # The page itself is always asked for again, so a new build is picked up at once.
        return FileResponse(self.index, headers={"Cache-Control": "no-cache"})
