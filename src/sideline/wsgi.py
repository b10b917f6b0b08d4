"""WSGI entry point for `sideline serve` and any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
# Small matrix products: BLAS threads only wait for each other (see bench/analysis.py).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
application = get_wsgi_application()
