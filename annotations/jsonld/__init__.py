"""Local copies of the JSON-LD contexts our output names, for processing without a network.

See README.md in this folder for what each file is and why it is here.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA_ORG = HERE / "schemaorg-context.jsonld"
ANNO = HERE / "anno.jsonld"

# Every URL a processor may ask for each context (schema.org answers its bare
# URL with a Link header pointing at /docs/jsonldcontext.jsonld).
CONTEXTS: dict[str, Path] = {
    "https://schema.org": SCHEMA_ORG,
    "https://schema.org/": SCHEMA_ORG,
    "http://schema.org": SCHEMA_ORG,
    "http://schema.org/": SCHEMA_ORG,
    "https://schema.org/docs/jsonldcontext.jsonld": SCHEMA_ORG,
    "http://www.w3.org/ns/anno.jsonld": ANNO,
    "https://www.w3.org/ns/anno.jsonld": ANNO,
}
