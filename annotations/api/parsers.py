"""Request bodies: DRF's JSON parser, with a readable answer to JSON nested too deeply."""

from __future__ import annotations

from rest_framework import exceptions, parsers

TOO_DEEP = (
    "The JSON body is nested too deeply to read (hundreds of levels): send the claim's "
    "fields as a flat object."
)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(TOO_DEEP) from None
