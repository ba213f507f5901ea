import pytest

from annotations.sanitize import html_to_text, sanitize_html

HARMFUL = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="javascript:1">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    "<p onclick=alert(1)>x</p>",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("payload", HARMFUL)
def test_harmful_markup_never_survives(payload):
    clean = sanitize_html(payload).lower()
    for marker in [
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "vbscript:",
        "data:",
        "<iframe",
        "<svg",
        "style=",
    ]:
        assert marker not in clean


def test_harmless_formatting_is_kept():
    html = (
        "<p>One <strong>bold</strong> <em>claim</em><br>next</p>"
        "<ul><li>a</li></ul><ol><li>b</li></ol><blockquote>q</blockquote><code>c</code>"
    )
    assert sanitize_html(html) == html


def test_links_get_rel_and_only_safe_schemes():
    clean = sanitize_html('<a href="https://example.org/x" target="_blank">x</a>')
    assert clean == '<a href="https://example.org/x" rel="nofollow noopener noreferrer">x</a>'
    assert 'href="mailto:desk@example.org"' in sanitize_html(
        '<a href="mailto:desk@example.org">m</a>'
    )


def test_bare_urls_become_safe_links():
    clean = sanitize_html("see https://example.org/report now")
    assert '<a href="https://example.org/report" rel="nofollow noopener noreferrer">' in clean


def test_plain_text_of_rationale():
    assert html_to_text("<p>a &amp; b</p><p>c</p>") == "a & b\nc"
    assert html_to_text("") == ""
