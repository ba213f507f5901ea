"""Static files in production: hashed names, compressed copies, rewritten ES module imports."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """``collectstatic`` writes every file under a name carrying a hash of its content
    (``workspace.3f2a….js``) and WhiteNoise serves those names with a one-year cache, so
    a deploy never serves a stale file.

    ES modules import each other by relative URL (``import { x } from "./x.js";``): with
    ``support_js_module_import_aggregation`` Django rewrites those URLs to the hashed
    names too; without it, a new ``workspace.js`` would import last deploy's cached
    ``./x.js``. Django's patterns only match statements that end with a semicolon.
    """

    support_js_module_import_aggregation = True
