"""Django's JSON serializer, keeping microseconds.

The stock encoder cuts datetimes to milliseconds (ECMA-262 style). A backup must
restore every timestamp exactly: the export's sync cursors are (updated_at, id).
Registered for the "json" format in settings.SERIALIZATION_MODULES.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder


Deserializer = django_json.Deserializer
