"""Media types of the export. The views build each format's dicts (formats.py); these write them.

``?format=claimreview`` or ``Accept: application/ld+json`` gives schema.org ClaimReview;
``?format=webannotation`` or ``Accept: application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"``
gives W3C Web Annotation.
"""

from __future__ import annotations

import json

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from annotations.publishing.webannotation import ANNO_MEDIA_TYPE

UNKNOWN_FORMAT = "Unknown format {wanted!r}: choose one of {offered}."


class ClaimReviewRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "claimreview"


class WebAnnotationRenderer(JSONRenderer):
    media_type = ANNO_MEDIA_TYPE
    format = "webannotation"


class JSONLinesRenderer(JSONRenderer):
    """One JSON document per line (the stream writes its own lines; this renders errors)."""

    media_type = "application/x-ndjson"
    format = "jsonl"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        return json.dumps(data, cls=JSONEncoder, ensure_ascii=False).encode() + b"\n"


# The Web Annotation renderer comes before ClaimReview: its profile makes it the more
# specific match, and plain application/ld+json then falls through to ClaimReview.
EXPORT_RENDERERS = [JSONRenderer, BrowsableAPIRenderer, WebAnnotationRenderer, ClaimReviewRenderer]


class ExportContentNegotiation(DefaultContentNegotiation):
    """``?format=`` wins outright, whatever Accept says.

    DRF matches the format's renderer against Accept too, and a renderer whose media
    type carries a profile never matches ``*/*``: ``?format=webannotation`` would be 406.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if wanted is None:
            return super().select_renderer(request, renderers, format_suffix)
        for renderer in renderers:
            if renderer.format == wanted:
                return renderer, renderer.media_type
        offered = ", ".join(r.format for r in renderers if r.format != "api")
        raise exceptions.ValidationError(
            {"format": [UNKNOWN_FORMAT.format(wanted=wanted, offered=offered)]}
        )
