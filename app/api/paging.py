"""Paging of API lists: ?page=&per_page=, the page in the body, the neighbours in a Link header (RFC 8288)."""
from urllib.parse import urlencode

from flask import request
from marshmallow import Schema, fields, validate

MAX_PER_PAGE = 100

LINK_HEADERS = {
    "Link": {"description": "first / prev / next / last 页的链接（RFC 8288）", "schema": {"type": "string"}},
    "X-Total-Count": {"description": "符合条件的总条数", "schema": {"type": "integer"}},
}


class PageArgs(Schema):
    """?page=&per_page= (1-based page, at most 100 per page)."""

    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100000, error="页码无效"),
                      metadata={"description": "页码，从 1 开始"})
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE, error="每页 1-100 条"),
                          metadata={"description": "每页条数（1-100）"})


def _url(page, per_page):
    args = request.args.to_dict()
    args.update(page=page, per_page=per_page)
    return f"{request.base_url}?{urlencode(args)}"


def link_headers(page, per_page, total) -> dict:
    """The Link and X-Total-Count headers of one page."""
    pages = max(1, -(-total // per_page))
    links = {"first": 1, "last": pages}
    if page > 1:
        links["prev"] = min(page - 1, pages)
    if page < pages:
        links["next"] = page + 1
    value = ", ".join(f'<{_url(n, per_page)}>; rel="{rel}"' for rel, n in links.items())
    return {"Link": value, "X-Total-Count": str(total)}
