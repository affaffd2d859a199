"""
WSGI config for corpus_api project.

It exposes the WSGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/wsgi/
"""

import os

from django.core.wsgi import get_wsgi_application

from .chunked_bodies import ChunkedBodies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corpus_api.settings")

application = ChunkedBodies(get_wsgi_application())
