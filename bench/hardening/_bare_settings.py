"""Bench-only settings: the product's, with the URLconf that adds the bare view
(``_bare_urls``). Used only by the load drill's throughput comparison."""

from medbridge.settings import *  # noqa: F403

ROOT_URLCONF = "_bare_urls"
