"""Security headers on every response: a Content-Security-Policy that bpmn-js and ECharts work under, no framing,
no MIME sniffing, no full URLs in the Referer. Inline scripts need the request's nonce (`csp_nonce()`)."""
import secrets

from flask import g

# Styles stay 'unsafe-inline': bpmn-js and ECharts set style attributes on the elements they draw.
# Scripts come from this site only (vendored libraries, app/static/js) or carry the nonce; no eval.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_nonce() -> str:
    """The nonce of this request's inline scripts (one per request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def register_security_headers(app):
    """Add the headers to every response and `csp_nonce()` to templates."""
    app.add_template_global(csp_nonce, "csp_nonce")

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
