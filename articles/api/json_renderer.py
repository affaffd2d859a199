"""The JSON renderer: DRF's JSONRenderer, encoding with orjson.

DRF's renderer runs the standard library's encoder in pure Python over every key of a page;
orjson writes the same JSON (compact, UTF-8) in C. A client that asks for indentation
(`Accept: application/json; indent=4`) gets DRF's own rendering, which honours it.
"""

import orjson
from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type or "", renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        # DRF's encoder for what orjson does not know: lazy translations, Decimals, querysets.
        return orjson.dumps(data, default=self.encoder_class().default, option=orjson.OPT_NON_STR_KEYS)
