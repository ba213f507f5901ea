"""What we publish, built in one place below every face.

The export API, the public pages, the workspace page and ``export_claims`` all
build their claims here, from ``.values()`` rows: addresses (``uris``), names
(``people``), the verdict scale (``scale``), dates (``dates``), the row builder
(``rows``), the standard formats (``claimreview``, ``webannotation``), the JSON
Lines stream (``jsonlines``) and the workspace's representation (``workspace``).
Nothing here knows about HTTP frameworks: no DRF, no views.
"""
