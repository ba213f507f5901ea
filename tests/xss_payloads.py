"""Hostile input for the stored-XSS sweep (tests/browser/test_xss.py).

Every payload, if it ever runs, reaches a sink the browser test watches: ``alert(1)``
(a dialog), or ``console.error('XSS-EXECUTED')`` / ``document.title = 'XSS-EXECUTED'``
for the few that say so. Payloads that only a sanitiser could let through (CSS
expressions, ``vbscript:``) run nowhere in Chromium: they are here so that markup
which carries them is caught by the test's DOM audit all the same.
"""

from __future__ import annotations

from dataclasses import dataclass

MARKER = "XSS-EXECUTED"


@dataclass(frozen=True)
class Payload:
    kind: str
    text: str


def _p(kind: str, *texts: str) -> list[Payload]:
    return [Payload(kind, text) for text in texts]


PAYLOADS: list[Payload] = [
    *_p(
        "script tag",
        "<script>alert(1)</script>",
        "<SCRIPT>alert(1)</SCRIPT>",
        "<ScRiPt src=data:text/javascript,alert(1)></ScRiPt>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<<script>script>alert(1)<</script>/script>",
        "<script>alert(1)",
        "<script/xss>alert(1)</script>",
        "<script\x0c>alert(1)</script>",
        "<template><script>alert(1)</script></template><script>alert(1)</script>",
    ),
    *_p(
        "event handler",
        "<img src=x onerror=alert(1)>",
        "<IMG SRC=x OnErRoR=alert(1)>",
        '<img src=x onerror="&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;">',
        f"<img src=x onerror=\"console.error('{MARKER}')\">",
        f"<img src=x onerror=\"document.title='{MARKER}'\">",
        "<img src=x:alert(alt) onerror=eval(src) alt=1>",
        "<body onload=alert(1)>",
        "<body onpageshow=alert(1)>",
        "<svg onload=alert(1)>",
        "<svg/onload=alert(1)>",
        "<input autofocus onfocus=alert(1)>",
        "<select autofocus onfocus=alert(1)></select>",
        "<textarea autofocus onfocus=alert(1)>x</textarea>",
        "<xss id=x tabindex=1 autofocus onfocusin=alert(1)></xss>",
        "<details open ontoggle=alert(1)><summary>x</summary></details>",
        '<div onmouseover="alert(1)" style="position:fixed;inset:0">hover me</div>',
        '<a href="#" onclick="alert(1)">click me</a>',
        '<a href="https://example.org/" onmouseover="alert(1)">a real link</a>',
        "<video><source onerror=alert(1)></video>",
        "<audio src=x onerror=alert(1)>",
        "<marquee onstart=alert(1)>x</marquee>",
        "<style>@keyframes x{}</style><b style=animation-name:x onanimationstart=alert(1)>x</b>",
        "<iframe onload=alert(1)></iframe>",
        "<input type=image src=x onerror=alert(1)>",
    ),
    *_p(
        "attribute breaking",
        '"><img src=x onerror=alert(1)>',
        "'><img src=x onerror=alert(1)>",
        '" onmouseover="alert(1)" x="',
        "' onmouseover='alert(1)' x='",
        '" autofocus onfocus="alert(1)',
        "` onmouseover=alert(1) `",
        '"><svg onload=alert(1)>',
        "</textarea><script>alert(1)</script>",
        "</title><script>alert(1)</script>",
        "</style><script>alert(1)</script>",
        "</q></blockquote><img src=x onerror=alert(1)>",
        "--><script>alert(1)</script>",
    ),
    *_p(
        "javascript/data/vbscript URL",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "\x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112"
        "&#0000116&#0000058alert(1)",
        "javascript&colon;alert(1)",
        "javascript:%61lert(1)",
        "data:text/html,<script>alert(1)</script>",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        '<a href="javascript:alert(1)">javascript link</a>',
        '<a href=" &#14;  javascript:alert(1)">control characters</a>',
        '<a href="jav&#x09;ascript:alert(1)">entity tab</a>',
        '<a href="javascript&colon;alert(1)">named entity colon</a>',
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">data link</a>',
        '<a href="vbscript:msgbox(1)">vbscript link</a>',
        "[markdown link](javascript:alert(1))",
        'https://example.org/"><script>alert(1)</script>',
        'https://example.org/?q="onmouseover=alert(1)//',
        "www.example.org/<img src=x onerror=alert(1)>",
    ),
    *_p(
        "SVG and MathML",
        "<svg><script>alert(1)</script></svg>",
        '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">svg link</text></a></svg>',
        "<svg><animate onbegin=alert(1) attributeName=x dur=1s></svg>",
        '<svg><a><set attributeName=href to="javascript:alert(1)"/><text y=20>set</text></a></svg>',
        "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<math href="javascript:alert(1)">math link</math>',
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">m</maction>'
        "</math>",
    ),
    *_p(
        "broken markup and mutation XSS",
        "<img src=x onerror=alert(1)//",
        '<img """><script>alert(1)</script>">',
        "<<img src=x onerror=alert(1)>>",
        "<img src=`x`onerror=alert(1)>",
        "<!--><img src=x onerror=alert(1)>-->",
        "<![CDATA[><img src=x onerror=alert(1)>]]>",
        '<? foo="><script>alert(1)</script>">',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
        '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>',
        '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>',
        '<div><template shadowrootmode="open"><img src=x onerror=alert(1)></template></div>',
        "<plaintext><img src=x onerror=alert(1)>",
    ),
    *_p(
        "encoded",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
        "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
        "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
        "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
        "<scr\u0131pt>alert(1)</scr\u0131pt>",
    ),
    *_p(
        "CSS",
        '<div style="background:url(javascript:alert(1))">css url</div>',
        '<div style="width:expression(alert(1))">css expression</div>',
        '<style>body{background:url("javascript:alert(1)")}</style>',
        '<p style="behavior:url(#default#time2)" onbegin="alert(1)">behavior</p>',
        "red;background:url(javascript:alert(1))",
        "x:expression(alert(1))",
    ),
    *_p(
        "frames, objects, meta, base, forms",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<iframe srcdoc="&lt;img src=x onerror=alert(1)&gt;"></iframe>',
        '<iframe src="javascript:alert(1)"></iframe>',
        '<object data="javascript:alert(1)"></object>',
        '<object data="data:text/html,<script>alert(1)</script>"></object>',
        '<embed src="data:text/html,<script>alert(1)</script>">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<base href="javascript:alert(1)//">',
        '<form action="javascript:alert(1)"><button>form</button></form>',
        '<form><button formaction="javascript:alert(1)">formaction</button></form>',
        '<isindex action="javascript:alert(1)" type=image>',
        '<link rel=stylesheet href="data:text/css,*{background:url(javascript:alert(1))}">',
    ),
    *_p(
        "template syntax",
        "{{ 7*7 }}{{constructor.constructor('alert(1)')()}}",
        "${alert(1)}",
        "`${alert(1)}`",
        "{% debug %}{{ request }}{% csrf_token %}<img src=x onerror=alert(1)>",
        "#{alert(1)}<%= alert(1) %>",
        "{{#each this}}{{{'<img src=x onerror=alert(1)>'}}}{{/each}}",
    ),
    *_p(
        "JSON and script-block breaking",
        "</script><script>alert(1)</script>",
        "</script><img src=x onerror=alert(1)>",
        "<!--<script>alert(1)//-->",
        '"};alert(1);//',
        "'-alert(1)-'",
        '\\";alert(1);//',
        "\u2028\u2029alert(1)//",
    ),
]

# Rationales are Markdown (annotations/richtext.py): hostile Markdown, rendered by
# markdown-it-py and then sanitised. Links and images with script URLs, raw HTML in every
# position Markdown allows it, autolinks, reference definitions, code that holds markup.
MARKDOWN_PAYLOADS: list[Payload] = _p(
    "Markdown",
    "[a javascript link](javascript:alert(1))",
    "[upper case](JAVASCRIPT:alert(1))",
    "[entity in the scheme](java&#115;cript:alert(1))",
    "[escaped colon](javascript&#58;alert(1))",
    "[angle brackets](<javascript:alert(1)>)",
    "[control character](\x01javascript:alert(1))",
    "[tab inside](java\tscript:alert(1))",
    "[vbscript](vbscript:msgbox(1))",
    "[data URL](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[a reference][xss]\n\n[xss]: javascript:alert(1)",
    '[ref with title][t]\n\n[t]: https://example.org/ "a\\" onmouseover=\\"alert(1)"',
    '[title breakout](https://example.org/ "x\\" onmouseover=\\"alert(1)")',
    "![an image](javascript:alert(1))",
    "![an image that errors](x onerror=alert(1))",
    '![img](https://example.org/x.png"onerror="alert(1))',
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    '<https://example.org/"onmouseover="alert(1)>',
    "<mailto:x@example.org?body=<script>alert(1)</script>>",
    "<img src=x onerror=alert(1)>",
    "<div onmouseover=alert(1)>block HTML</div>",
    "Inline <span onclick=alert(1)>html</span> in a paragraph",
    "<!-- --><script>alert(1)</script>",
    "**<img src=x onerror=alert(1)>** in bold",
    "[<img src=x onerror=alert(1)>](https://example.org/)",
    "> <script>alert(1)</script> in a quote",
    "- [list link](javascript:alert(1))\n- <svg onload=alert(1)>",
    "`<script>alert(1)</script>` in code",
    "```html\n<script>alert(1)</script>\n```",
    "    <img src=x onerror=alert(1)> indented code",
    "&lt;script&gt;alert(1)&lt;/script&gt; entities",
    "&#60;img src=x onerror=alert(1)&#62; numeric entities",
    "\\<script>alert(1)\\</script> escaped",
    '[link](https://example.org/\\"onmouseover=alert(1))',
    "www.example.org/<img src=x onerror=alert(1)>",
    "https://example.org/?q=<script>alert(1)</script>",
    "[x](https://example.org/ 'a'onmouseover='alert(1)')",
)

# Formatting a rationale may use (Markdown): it must come through the sanitiser intact.
HARMLESS_RATIONALE = (
    "The **ministry** says *otherwise*:\n\n"
    "- figures from 2024\n- the original report\n\n"
    "See [the report](https://example.org/report)."
)
# The same, as a rationale written in HTML before Markdown: it displays as it did.
HARMLESS_HTML = (
    "<p>The <strong>ministry</strong> says <em>otherwise</em>:</p>"
    "<ul><li>figures from 2024</li><li>the original report</li></ul>"
    '<p>See <a href="https://example.org/report" target="_blank">the report</a>.</p>'
)
