"""Label Studio's own WSGI app (core.wsgi) for gunicorn, its database connection kept open
between requests as ours and doccano keep theirs (bench/peers_labelstudio.py says why)."""

from bench.peers_labelstudio import setup

setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
